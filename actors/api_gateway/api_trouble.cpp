#include "actors/api_gateway/api_trouble.hpp"

namespace baorestore::gateway {

std::string_view to_string(trouble_cause c) {
  switch (c) {
    case trouble_cause::connect:
      return "connect";
    case trouble_cause::tls:
      return "tls";
    case trouble_cause::timeout:
      return "timeout";
    case trouble_cause::unauthorized:
      return "unauthorized";
    case trouble_cause::forbidden:
      return "forbidden";
  }
  return "unknown";
}

std::optional<trouble_cause> trouble_of_transport(std::string_view name) {
  if (name == "connect")
    return trouble_cause::connect;
  if (name == "tls")
    return trouble_cause::tls;
  if (name == "timeout")
    return trouble_cause::timeout;
  return std::nullopt;
}

std::optional<trouble_cause> trouble_of_status(int status) {
  if (status == 401)
    return trouble_cause::unauthorized;
  if (status == 403)
    return trouble_cause::forbidden;
  return std::nullopt;
}

bool trouble_tracker::record(trouble_cause c, std::string message, clock::time_point now,
                             std::uint64_t* suppressed) {
  auto& e = entries_[c];
  if (!e.active) {
    e.active = true;
    e.trouble.count = 0;
  }
  e.trouble.cause = c;
  e.trouble.message = std::move(message);
  ++e.trouble.count;
  if (e.logged_at && now - *e.logged_at < interval_) {
    ++e.unlogged;
    return false;
  }
  if (suppressed)
    *suppressed = e.unlogged;
  e.unlogged = 0;
  e.logged_at = now;
  return true;
}

void trouble_tracker::clear() {
  for (auto& [cause, e] : entries_)
    e.active = false;
}

std::vector<active_trouble> trouble_tracker::active() const {
  std::vector<active_trouble> out;
  for (const auto& [cause, e] : entries_)
    if (e.active)
      out.push_back(e.trouble);
  return out;
}

} // namespace baorestore::gateway
