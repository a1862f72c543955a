#include "actors/job_watcher/poll_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace baorestore::job_watch {

namespace {

// Never poll in a tight loop, whatever the configuration says.
duration effective_minimum(const poll_schedule& s) {
  return std::max(s.minimum, duration{std::chrono::milliseconds{1}});
}

duration effective_ceiling(const poll_schedule& s) {
  return std::max({s.ceiling, s.initial, effective_minimum(s)});
}

} // namespace

duration base_interval(const poll_schedule& s, std::uint32_t n) {
  auto ceiling = effective_ceiling(s);
  auto initial = std::clamp(s.initial, effective_minimum(s), ceiling);
  auto growth = std::isfinite(s.growth) ? std::max(s.growth, 1.0) : 1.0;
  // In double, capped before converting back: growth^n overflows to inf, never UB.
  auto x = static_cast<double>(initial.count()) * std::pow(growth, static_cast<double>(n));
  auto cap = static_cast<double>(ceiling.count());
  if (!(x < cap))
    return ceiling;
  return duration{std::llround(x)};
}

duration next_interval(const poll_schedule& s, std::uint32_t n, double draw) {
  auto base = static_cast<double>(base_interval(s, n).count());
  auto jitter = std::isfinite(s.jitter) ? std::clamp(s.jitter, 0.0, 0.9) : 0.0;
  auto u = std::isfinite(draw) ? std::clamp(draw, 0.0, 1.0) : 0.5;
  auto x = base * (1.0 + jitter * (2.0 * u - 1.0));
  auto lo = static_cast<double>(effective_minimum(s).count());
  auto hi = static_cast<double>(effective_ceiling(s).count());
  return duration{std::llround(std::clamp(x, lo, hi))}; // nearest ns: 0.8 s is 800 ms
}

} // namespace baorestore::job_watch
