#include "devcluster/watch_log.hpp"

#include <algorithm>

namespace baorestore::devcluster {

std::string_view to_string(event_type t) {
  switch (t) {
    case event_type::added:
      return "ADDED";
    case event_type::modified:
      return "MODIFIED";
    case event_type::deleted:
      return "DELETED";
  }
  return "?";
}

watch_log::watch_log(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
  // nop
}

void watch_log::append(watch_event ev) {
  if (ring_.size() == capacity_) {
    horizon_ = ring_.front().resource_version;
    ring_.pop_front();
  }
  ring_.push_back(std::move(ev));
}

void watch_log::reset(std::uint64_t horizon) {
  ring_.clear();
  horizon_ = horizon;
}

result<std::vector<watch_event>> watch_log::since(const resource_id& res, std::string_view ns,
                                                  std::uint64_t after) const {
  if (after < horizon_)
    return expired(after, horizon_);
  auto first = std::upper_bound(ring_.begin(), ring_.end(), after,
                                [](std::uint64_t rv, const watch_event& ev) {
                                  return rv < ev.resource_version;
                                });
  std::vector<watch_event> out;
  for (auto i = first; i != ring_.end(); ++i)
    if (i->resource == res && (ns.empty() || i->ns == ns))
      out.push_back(*i);
  return out;
}

} // namespace baorestore::devcluster
