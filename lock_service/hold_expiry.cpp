#include "lock_service/hold_expiry.hpp"

namespace baorestore::lock_service {

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
