// The job_watcher's poll schedule (DESIGN §4), pure: geometric growth to a ceiling, bounded
// jitter, sane results for odd settings.
#define CAF_SUITE job_watcher.schedule
#include "caf/test/dsl.hpp"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "actors/job_watcher/poll_schedule.hpp"

using namespace baorestore::job_watch;
using namespace std::chrono_literals;

namespace {

poll_schedule schedule(duration initial, double growth, duration ceiling, double jitter) {
  poll_schedule s;
  s.initial = initial;
  s.growth = growth;
  s.ceiling = ceiling;
  s.jitter = jitter;
  return s;
}

} // namespace

CAF_TEST(the base interval starts fast and grows to the ceiling) {
  auto s = schedule(1s, 2.0, 15s, 0.2);
  struct row {
    std::uint32_t n;
    duration want;
  };
  for (auto [n, want] : std::vector<row>{{0, 1s},
                                         {1, 2s},
                                         {2, 4s},
                                         {3, 8s},
                                         {4, 15s},
                                         {5, 15s},
                                         {1000, 15s},
                                         {UINT32_MAX, 15s}}) {
    CAF_MESSAGE("n = " << n);
    CAF_CHECK(base_interval(s, n) == want);
  }
  auto slow = schedule(1s, 1.5, 15s, 0.0);
  CAF_CHECK(base_interval(slow, 1) == 1500ms);
  CAF_CHECK(base_interval(slow, 2) == 2250ms);
}

CAF_TEST(the intervals never shrink) {
  auto s = schedule(700ms, 1.3, 20s, 0.0);
  for (std::uint32_t n = 1; n < 100; ++n)
    CAF_CHECK(base_interval(s, n) >= base_interval(s, n - 1));
}

CAF_TEST(jitter spreads an interval by at most the fraction and never past the ceiling) {
  auto s = schedule(1s, 2.0, 8s, 0.2);
  CAF_CHECK(next_interval(s, 0, 0.0) == 800ms);
  CAF_CHECK(next_interval(s, 0, 0.5) == 1s);
  CAF_CHECK(next_interval(s, 0, 1.0) == 1200ms);
  CAF_CHECK(next_interval(s, 2, 0.0) == 3200ms);
  CAF_CHECK(next_interval(s, 2, 1.0) == 4800ms);
  // At the ceiling only downwards.
  CAF_CHECK(next_interval(s, 9, 0.0) == 6400ms);
  CAF_CHECK(next_interval(s, 9, 1.0) == 8s);
  // Out-of-range draws are clamped.
  CAF_CHECK(next_interval(s, 0, -3.0) == 800ms);
  CAF_CHECK(next_interval(s, 0, 7.0) == 1200ms);
  CAF_CHECK(next_interval(s, 0, std::numeric_limits<double>::quiet_NaN()) == 1s);
}

CAF_TEST(random draws stay within the bounds) {
  auto s = schedule(1s, 1.7, 15s, 0.25);
  std::mt19937_64 rng{7};
  std::uniform_real_distribution<double> u{0.0, 1.0};
  for (int i = 0; i < 10000; ++i) {
    auto n = static_cast<std::uint32_t>(i % 12);
    auto base = base_interval(s, n);
    auto d = next_interval(s, n, u(rng));
    // 1 ns of slack for rounding.
    auto lo = duration{std::llround(static_cast<double>(base.count()) * 0.75)} - 1ns;
    auto hi = std::min(duration{std::llround(static_cast<double>(base.count()) * 1.25)} + 1ns,
                       duration{15s});
    if (d < lo || d > hi) {
      CAF_FAIL("n = " << n << ": " << d.count() << "ns outside [" << lo.count() << ", "
                      << hi.count() << "]");
    }
  }
}

CAF_TEST(odd settings give sane intervals) {
  // Growth below 1: no growth. Ceiling below the initial interval: the initial interval.
  CAF_CHECK(base_interval(schedule(2s, 0.5, 10s, 0.0), 5) == 2s);
  CAF_CHECK(base_interval(schedule(2s, 2.0, 1s, 0.0), 0) == 2s);
  CAF_CHECK(base_interval(schedule(2s, 2.0, 1s, 0.0), 3) == 2s);
  // Jitter is clamped to 0.9; NaN growth or jitter count as none.
  CAF_CHECK(next_interval(schedule(1s, 1.0, 10s, 5.0), 0, 0.0) == 100ms);
  auto nan = std::numeric_limits<double>::quiet_NaN();
  CAF_CHECK(base_interval(schedule(1s, nan, 10s, 0.0), 4) == 1s);
  CAF_CHECK(next_interval(schedule(1s, 1.0, 10s, nan), 0, 0.0) == 1s);
  // Zero or negative intervals: never below the minimum (10 ms by default, at least 1 ms).
  CAF_CHECK(next_interval(schedule(0s, 2.0, 0s, 0.5), 0, 0.0) == 10ms);
  auto s = schedule(-1s, 2.0, 0s, 0.0);
  s.minimum = 0s;
  CAF_CHECK(next_interval(s, 3, 0.0) == 1ms);
  // Huge growth and n: capped, no overflow.
  CAF_CHECK(base_interval(schedule(1s, 1e300, 15s, 0.0), UINT32_MAX) == 15s);
}
