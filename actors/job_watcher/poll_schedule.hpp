#pragma once
// When a job_watcher polls next (DESIGN §4), pure: fast at first, backing off geometrically to
// a ceiling, with bounded jitter so that many watchers started together do not poll in step.
//
//   base(n)     = min(initial * growth^n, ceiling)        n = polls so far (0: the first wait)
//   interval(n) = clamp(base(n) * (1 + jitter * (2u - 1)), minimum, ceiling)   u in [0, 1]
//
// so an interval lies within [base * (1 - jitter), min(base * (1 + jitter), ceiling)]: the
// ceiling bounds every wait, jitter included.

#include <chrono>
#include <cstdint>

namespace baorestore::job_watch {

using duration = std::chrono::nanoseconds;

struct poll_schedule {
  duration initial = std::chrono::seconds{1};
  double growth = 1.5;                        // values below 1 count as 1 (no growth)
  duration ceiling = std::chrono::seconds{15}; // below `initial`: `initial` is the ceiling
  double jitter = 0.2;                        // fraction, clamped to [0, 0.9]
  duration minimum = std::chrono::milliseconds{10}; // floor of any interval (at least 1 ms)
};

/// The interval without jitter before poll n + 1 (n = 0: the wait after the first poll).
duration base_interval(const poll_schedule& s, std::uint32_t n);

/// The jittered interval; `draw` is a uniform random number in [0, 1] (clamped).
duration next_interval(const poll_schedule& s, std::uint32_t n, double draw);

} // namespace baorestore::job_watch
