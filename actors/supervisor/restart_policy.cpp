#include "actors/supervisor/restart_policy.hpp"

#include <algorithm>

namespace baorestore::supervision {

std::string to_string(restart_action a) {
  switch (a) {
    case restart_action::restart:
      return "restart";
    case restart_action::escalate:
      return "escalate";
  }
  return "unknown";
}

duration backoff_delay(const restart_policy& p, std::uint32_t attempt) {
  auto base = std::max(p.backoff_base, duration{0});
  auto cap = std::max(p.backoff_cap, duration{0});
  if (base >= cap)
    return cap;
  auto d = base;
  for (std::uint32_t i = 1; i < attempt && d < cap; ++i)
    d = d > cap / 2 ? cap : d * 2; // doubling stops at the cap: no overflow
  return std::min(d, cap);
}

std::uint32_t next_attempt(const restart_policy& p, std::uint32_t previous_attempt,
                           duration uptime) {
  if (previous_attempt == 0 || uptime >= p.period)
    return 1;
  return previous_attempt == UINT32_MAX ? previous_attempt : previous_attempt + 1;
}

std::size_t restarts_in_window(const restart_policy& p, std::span<const time_point> restarts,
                               time_point now) {
  return static_cast<std::size_t>(std::count_if(restarts.begin(), restarts.end(), [&](auto t) {
    return t <= now && now - t < p.period;
  }));
}

restart_decision decide_restart(const restart_policy& p, std::span<const time_point> restarts,
                                std::uint32_t attempt, time_point now) {
  if (restarts_in_window(p, restarts, now) >= p.intensity)
    return {restart_action::escalate, duration{0}};
  return {restart_action::restart, backoff_delay(p, attempt)};
}

} // namespace baorestore::supervision
