// The supervisor's pure restart decision (DESIGN §6): backoff, attempts, intensity window.
#define CAF_SUITE supervisor.policy
#include "caf/test/dsl.hpp"

#include <vector>

#include "actors/supervisor/restart_policy.hpp"

using namespace baorestore::supervision;
using namespace std::chrono_literals;

namespace {

restart_policy policy(std::uint32_t n, duration t, duration base, duration cap) {
  restart_policy p;
  p.intensity = n;
  p.period = t;
  p.backoff_base = base;
  p.backoff_cap = cap;
  return p;
}

const time_point t0{std::chrono::hours{1}};

} // namespace

CAF_TEST(backoff doubles from the base up to the cap) {
  auto p = policy(5, 60s, 100ms, 1s);
  struct row {
    std::uint32_t attempt;
    duration want;
  };
  for (auto [attempt, want] : std::vector<row>{{0, 100ms},
                                               {1, 100ms},
                                               {2, 200ms},
                                               {3, 400ms},
                                               {4, 800ms},
                                               {5, 1s},
                                               {6, 1s},
                                               {1000, 1s},
                                               {UINT32_MAX, 1s}}) {
    CAF_MESSAGE("attempt " << attempt);
    CAF_CHECK(backoff_delay(p, attempt) == want);
  }
}

CAF_TEST(backoff with odd settings stays sane) {
  CAF_CHECK(backoff_delay(policy(5, 60s, 2s, 1s), 1) == 1s);    // base above cap: cap
  CAF_CHECK(backoff_delay(policy(5, 60s, 0s, 1s), 7) == 0s);    // no base: at once
  CAF_CHECK(backoff_delay(policy(5, 60s, -5s, 1s), 3) == 0s);   // negative: zero
  CAF_CHECK(backoff_delay(policy(5, 60s, 1ns, std::chrono::hours{24 * 365}), 200)
            == std::chrono::hours{24 * 365}); // 2^199 ns: capped, no overflow
}

CAF_TEST(attempts count consecutive crashes and start over after a healthy period) {
  auto p = policy(5, 60s, 1s, 8s);
  CAF_CHECK_EQUAL(next_attempt(p, 0, 0s), 1u);   // first crash
  CAF_CHECK_EQUAL(next_attempt(p, 1, 5s), 2u);   // crashed again soon
  CAF_CHECK_EQUAL(next_attempt(p, 4, 59s), 5u);
  CAF_CHECK_EQUAL(next_attempt(p, 4, 60s), 1u);  // up for a whole period: healthy
  CAF_CHECK_EQUAL(next_attempt(p, 9, 2h), 1u);
  CAF_CHECK_EQUAL(next_attempt(p, UINT32_MAX, 1s), UINT32_MAX);
}

CAF_TEST(the window holds restarts younger than the period) {
  auto p = policy(3, 60s, 1s, 8s);
  std::vector<time_point> rs{t0, t0 + 10s, t0 + 59s, t0 + 60s, t0 + 100s};
  CAF_CHECK_EQUAL(restarts_in_window(p, rs, t0 + 60s), 3u);  // t0 has just left
  CAF_CHECK_EQUAL(restarts_in_window(p, rs, t0 + 59s), 3u);  // t0, +10, +59 (+60 is ahead)
  CAF_CHECK_EQUAL(restarts_in_window(p, rs, t0 + 119s), 2u); // +60, +100 (+59 just left)
  CAF_CHECK_EQUAL(restarts_in_window(p, rs, t0 + 200s), 0u);
  CAF_CHECK_EQUAL(restarts_in_window(p, {}, t0), 0u);
}

CAF_TEST(intensity N allows N restarts within T and escalates the next crash) {
  auto p = policy(3, 60s, 1s, 8s);
  struct row {
    std::vector<time_point> restarts;
    std::uint32_t attempt;
    time_point now;
    restart_decision want;
  };
  std::vector<row> rows{
    {{}, 1, t0, {restart_action::restart, 1s}},
    {{t0}, 2, t0 + 1s, {restart_action::restart, 2s}},
    {{t0, t0 + 1s}, 3, t0 + 3s, {restart_action::restart, 4s}},
    {{t0, t0 + 1s, t0 + 3s}, 4, t0 + 7s, {restart_action::escalate, 0s}},
    // The same three restarts, but the oldest has left the window.
    {{t0, t0 + 1s, t0 + 3s}, 4, t0 + 60s, {restart_action::restart, 8s}},
    // Spread out: never more than one in the window.
    {{t0, t0 + 61s, t0 + 122s}, 1, t0 + 183s, {restart_action::restart, 1s}},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    auto got = decide_restart(p, r.restarts, r.attempt, r.now);
    CAF_MESSAGE("row " << i << ": " << to_string(got.action));
    CAF_CHECK(got == r.want);
  }
}

CAF_TEST(intensity zero escalates the first crash) {
  auto p = policy(0, 60s, 1s, 8s);
  auto got = decide_restart(p, {}, 1, t0);
  CAF_CHECK(got.action == restart_action::escalate);
}
