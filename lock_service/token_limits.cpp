#include "lock_service/token_limits.hpp"

#include <cmath>

namespace baorestore::lock_service {

token_limits::token_limits(double requests_per_second, double burst, std::size_t max_waits)
  : rate_(requests_per_second), burst_(burst), max_waits_(max_waits) {
  // nop
}

std::optional<std::chrono::seconds> token_limits::take_request(const std::string& token,
                                                               time_point now) {
  std::lock_guard guard{mtx_};
  auto i = buckets_.find(token);
  if (i == buckets_.end())
    i = buckets_.emplace(token, gateway::token_bucket{rate_, burst_, now}).first;
  if (i->second.try_take(now))
    return std::nullopt;
  auto wait = std::chrono::duration<double>(i->second.wait_for_next(now)).count();
  return std::chrono::seconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)))};
}

bool token_limits::begin_wait(const std::string& token) {
  std::lock_guard guard{mtx_};
  auto& n = waits_[token];
  if (n >= max_waits_)
    return false;
  ++n;
  return true;
}

void token_limits::end_wait(const std::string& token) {
  std::lock_guard guard{mtx_};
  auto i = waits_.find(token);
  if (i == waits_.end())
    return;
  if (i->second <= 1)
    waits_.erase(i);
  else
    --i->second;
}

std::size_t token_limits::waits(const std::string& token) const {
  std::lock_guard guard{mtx_};
  auto i = waits_.find(token);
  return i == waits_.end() ? 0 : i->second;
}

} // namespace baorestore::lock_service
