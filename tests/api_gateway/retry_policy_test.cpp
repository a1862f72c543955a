#define CAF_SUITE gateway.retry_policy
// When to resend a request and after how long: verbs x outcomes, jitter, deadline, limits.
#include "caf/test/unit_test.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "actors/api_gateway/retry_policy.hpp"

using namespace baorestore::gateway;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

constexpr http_verb all_verbs[] = {http_verb::get,    http_verb::list,    http_verb::create,
                                   http_verb::update, http_verb::patch,   http_verb::delete_,
                                   http_verb::watch};

struct outcome_case {
  const char* name;
  attempt_outcome outcome;
  bool retry_idempotent;     // expected for get, list, update, patch, delete, watch
  bool retry_non_idempotent; // expected for create
};

const outcome_case outcome_cases[] = {
  {"transport", {true, 0, {}}, true, false},
  {"500", {false, 500, {}}, true, false},
  {"502", {false, 502, {}}, true, false},
  {"503 with Retry-After", {false, 503, 1s}, true, false},
  {"504", {false, 504, {}}, true, false},
  {"429", {false, 429, {}}, true, true},
  {"429 with Retry-After", {false, 429, 1s}, true, true},
  {"200", {false, 200, {}}, false, false},
  {"201", {false, 201, {}}, false, false},
  {"400", {false, 400, {}}, false, false},
  {"401", {false, 401, {}}, false, false},
  {"403", {false, 403, {}}, false, false},
  {"404", {false, 404, {}}, false, false},
  {"409", {false, 409, {}}, false, false},
  {"410", {false, 410, {}}, false, false},
  {"422", {false, 422, {}}, false, false},
};

const retry_config cfg; // 5 attempts, base 100 ms, cap 5 s, Retry-After capped at 30 s

} // namespace

CAF_TEST(idempotent verbs) {
  for (auto v : all_verbs)
    CAF_CHECK_EQUAL(idempotent(v), v != http_verb::create);
}

CAF_TEST(which outcomes are retried for which verbs) {
  for (auto v : all_verbs) {
    for (const auto& c : outcome_cases) {
      auto expected = idempotent(v) ? c.retry_idempotent : c.retry_non_idempotent;
      auto d = decide_retry(v, c.outcome, 1, 60s, cfg, 0);
      CAF_MESSAGE(to_string(v) << " after " << c.name << ": " << d.retry);
      CAF_CHECK_EQUAL(d.retry, expected);
      if (!d.retry)
        CAF_CHECK_EQUAL(d.delay.count(), 0);
    }
  }
}

CAF_TEST(full jitter stays within the doubling ceiling) {
  // Ceilings per attempt count: 100, 200, 400, ..., capped at 5000.
  const std::pair<int, std::int64_t> ceilings[] = {{0, 100},    {1, 100},    {2, 200},
                                                   {3, 400},    {4, 800},    {5, 1600},
                                                   {6, 3200},   {7, 5000},   {8, 5000},
                                                   {64, 5000},  {1000, 5000}};
  const std::uint64_t bits[] = {0, 1, 99, 100, 101, 4999, 5000, 5001, 123456789,
                                std::numeric_limits<std::uint64_t>::max()};
  for (const auto& [attempt, ceiling] : ceilings) {
    for (auto b : bits) {
      auto d = backoff_delay(attempt, cfg, b);
      CAF_CHECK_GREATER_OR_EQUAL(d.count(), 0);
      CAF_CHECK_LESS_OR_EQUAL(d.count(), ceiling);
      auto span = static_cast<std::uint64_t>(ceiling + 1);
      CAF_CHECK_EQUAL(d.count(), static_cast<std::int64_t>(b % span));
    }
    // Both ends of the range are reachable.
    auto lowest = backoff_delay(attempt, cfg, 0);
    auto highest = backoff_delay(attempt, cfg, static_cast<std::uint64_t>(ceiling));
    CAF_CHECK_EQUAL(lowest.count(), 0);
    CAF_CHECK_EQUAL(highest.count(), ceiling);
  }
}

CAF_TEST(the delay of a retry after a server failure is the backoff) {
  auto d = decide_retry(http_verb::get, {true, 0, {}}, 3, 60s, cfg, 399);
  CAF_CHECK(d == (retry_decision{true, 399ms}));
  d = decide_retry(http_verb::patch, {false, 503, 20s}, 1, 60s, cfg, 57);
  CAF_CHECK(d == (retry_decision{true, 57ms})); // Retry-After only counts for 429
}

CAF_TEST(429 waits for the larger of Retry-After and the backoff) {
  auto d = decide_retry(http_verb::create, {false, 429, 2s}, 1, 60s, cfg, 80);
  CAF_CHECK(d == (retry_decision{true, 2000ms}));
  d = decide_retry(http_verb::create, {false, 429, 0s}, 1, 60s, cfg, 80);
  CAF_CHECK(d == (retry_decision{true, 80ms}));
  d = decide_retry(http_verb::get, {false, 429, {}}, 4, 60s, cfg, 700);
  CAF_CHECK(d == (retry_decision{true, 700ms}));
  d = decide_retry(http_verb::get, {false, 429, 3600s}, 1, 60s, cfg, 0); // capped
  CAF_CHECK(d == (retry_decision{true, 30000ms}));
}

CAF_TEST(no retry that would reach the deadline) {
  auto d = decide_retry(http_verb::get, {true, 0, {}}, 1, 50ms, cfg, 49);
  CAF_CHECK(d == (retry_decision{true, 49ms}));
  d = decide_retry(http_verb::get, {true, 0, {}}, 1, 50ms, cfg, 50);
  CAF_CHECK(!d.retry);
  d = decide_retry(http_verb::get, {true, 0, {}}, 1, 0ms, cfg, 0);
  CAF_CHECK(!d.retry);
  d = decide_retry(http_verb::get, {true, 0, {}}, 1, -5ms, cfg, 0);
  CAF_CHECK(!d.retry);
  d = decide_retry(http_verb::create, {false, 429, 2s}, 1, 1999ms, cfg, 0);
  CAF_CHECK(!d.retry);
  d = decide_retry(http_verb::create, {false, 429, 2s}, 1, 2001ms, cfg, 0);
  CAF_CHECK(d.retry);
}

CAF_TEST(no retry after max_attempts) {
  for (int attempt = 1; attempt <= 7; ++attempt) {
    auto d = decide_retry(http_verb::get, {false, 500, {}}, attempt, 60s, cfg, 0);
    CAF_CHECK_EQUAL(d.retry, attempt < 5);
  }
  retry_config once;
  once.max_attempts = 1;
  auto d = decide_retry(http_verb::get, {false, 429, {}}, 1, 60s, once, 0);
  CAF_CHECK(!d.retry);
}

CAF_TEST(configured base and cap) {
  retry_config c;
  c.base = 10ms;
  c.cap = 25ms;
  for (int attempt : {1, 3, 50})
    for (std::uint64_t b = 0; b < 100; ++b)
      CAF_CHECK_LESS_OR_EQUAL(backoff_delay(attempt, c, b).count(), 25);
  auto third = backoff_delay(3, c, 25); // ceiling min(25, 40) = 25
  CAF_CHECK_EQUAL(third.count(), 25);
  auto second = backoff_delay(2, c, 20); // ceiling 20
  CAF_CHECK_EQUAL(second.count(), 20);
  retry_config inverted; // a cap below base caps the first attempt too
  inverted.base = 100ms;
  inverted.cap = 30ms;
  auto first = backoff_delay(1, inverted, 30);
  CAF_CHECK_EQUAL(first.count(), 30);
}

CAF_TEST(parse_retry_after) {
  struct good_case {
    const char* header;
    std::int64_t seconds;
  };
  const good_case good[] = {{"120", 120}, {"0", 0}, {" 5 ", 5}, {"\t7", 7},
                            {"007", 7},   {"99999999999999999999999", 86400}};
  for (const auto& c : good) {
    auto got = parse_retry_after(c.header);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK_EQUAL(got->count(), c.seconds);
  }
  const char* bad[] = {"", " ", "-1", "1.5", "1e3", "+3", "12s", "Wed, 21 Oct 2015 07:28:00 GMT"};
  for (auto b : bad) {
    CAF_MESSAGE("'" << b << "'");
    CAF_CHECK(!parse_retry_after(b).has_value());
  }
}
