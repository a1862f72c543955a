#include "lock_service/hold_expiry.hpp"

namespace baorestore::lock_service {

std::string stored_holder(std::string_view client_holder) {
  std::string out{service_holder_prefix};
  out.append(client_holder);
  return out;
}

bool is_service_holder(std::string_view stored) {
  return stored.size() > service_holder_prefix.size()
         && stored.substr(0, service_holder_prefix.size()) == service_holder_prefix;
}

std::string client_holder(std::string_view stored) {
  if (is_service_holder(stored))
    stored.remove_prefix(service_holder_prefix.size());
  return std::string{stored};
}

void hold_expiry::granted(const hold_key& key, model::cluster_operation op, time_point now) {
  if (!enabled())
    return;
  holds_[key] = hold{op, now + timeout_};
}

void hold_expiry::ended(const hold_key& key) {
  holds_.erase(key);
}

std::vector<expired_hold> hold_expiry::take_expired(time_point now) {
  std::vector<expired_hold> out;
  for (auto i = holds_.begin(); i != holds_.end();) {
    if (i->second.deadline <= now) {
      out.push_back({i->first, i->second.operation});
      i = holds_.erase(i);
    } else {
      ++i;
    }
  }
  return out;
}

} // namespace baorestore::lock_service
