#define CAF_SUITE gateway.token_bucket
// The client-side rate limit, on made-up instants.
#include "caf/test/unit_test.hpp"

#include <chrono>

#include "actors/api_gateway/token_bucket.hpp"

using namespace baorestore::gateway;
using namespace std::chrono_literals;

namespace {

const token_bucket::time_point t0 = token_bucket::time_point{} + 1h;

} // namespace

CAF_TEST(starts full and empties by the burst) {
  token_bucket b{5, 3, t0};
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(!b.try_take(t0));
  auto wait = b.wait_for_next(t0);
  CAF_CHECK_EQUAL(wait.count(), std::chrono::nanoseconds{200ms}.count());
}

CAF_TEST(refills at qps and never beyond the burst) {
  token_bucket b{10, 2, t0};
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(!b.try_take(t0 + 50ms)); // half a token
  CAF_CHECK(b.try_take(t0 + 100ms));
  CAF_CHECK(!b.try_take(t0 + 100ms));
  auto later = t0 + 1h; // a long idle time refills only up to the burst
  auto avail = b.available(later);
  CAF_CHECK_EQUAL(avail, 2.0);
  CAF_CHECK(b.try_take(later));
  CAF_CHECK(b.try_take(later));
  CAF_CHECK(!b.try_take(later));
}

CAF_TEST(waiting exactly wait_for_next is enough) {
  for (double qps : {0.3, 1.0, 3.0, 7.0, 50.0, 1000.0}) {
    token_bucket b{qps, 1, t0};
    auto now = t0;
    CAF_CHECK(b.try_take(now));
    for (int i = 0; i < 20; ++i) {
      auto wait = b.wait_for_next(now);
      CAF_CHECK_GREATER(wait.count(), 0);
      CAF_CHECK(!b.try_take(now + wait - 1us)); // not before
      now += wait;
      CAF_CHECK(b.try_take(now)); // and right then
    }
  }
}

CAF_TEST(no wait while tokens remain) {
  token_bucket b{1, 2, t0};
  CAF_CHECK_EQUAL(b.wait_for_next(t0).count(), 0);
  b.try_take(t0);
  CAF_CHECK_EQUAL(b.wait_for_next(t0).count(), 0);
  b.try_take(t0);
  CAF_CHECK_EQUAL(b.wait_for_next(t0).count(), std::chrono::nanoseconds{1s}.count());
  CAF_CHECK_EQUAL(b.wait_for_next(t0 + 400ms).count(), std::chrono::nanoseconds{600ms}.count());
}

CAF_TEST(unlimited when qps is not positive) {
  for (double qps : {0.0, -1.0}) {
    token_bucket b{qps, 1, t0};
    CAF_CHECK(b.unlimited());
    for (int i = 0; i < 10000; ++i)
      CAF_REQUIRE(b.try_take(t0));
    CAF_CHECK_EQUAL(b.wait_for_next(t0).count(), 0);
  }
}

CAF_TEST(a burst below one still lets requests through) {
  token_bucket b{2, 0, t0};
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(!b.try_take(t0));
  CAF_CHECK(b.try_take(t0 + 500ms));
}

CAF_TEST(time going backwards refills nothing) {
  token_bucket b{1, 1, t0};
  CAF_CHECK(b.try_take(t0));
  CAF_CHECK(!b.try_take(t0 - 10s));
  CAF_CHECK(!b.try_take(t0 + 500ms));
  CAF_CHECK(b.try_take(t0 + 1s)); // measured from t0, not from the earlier instant
}
