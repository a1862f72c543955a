#define CAF_SUITE lock_service.bounds
#include "caf/test/unit_test.hpp"

#include "lock_service/token_limits.hpp"
#include "tests/lock_service/service_fixture.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;
using namespace baorestore::lock_service::testing;
using namespace std::chrono_literals;

namespace {

service_config tight() {
  service_config c;
  c.requests_per_second = 1;
  c.burst = 3;
  c.max_waits_per_token = 2;
  c.max_body_bytes = 100;
  c.max_wait_seconds = 60;
  return c;
}

const std::string wait_body = R"({"operation":"Backup","holder":"x","waitSeconds":30})";

} // namespace

CAF_TEST(token buckets are per token) {
  std::chrono::steady_clock::time_point t{10s};
  token_limits limits{2, 2, 4};
  CAF_CHECK(!limits.take_request("a", t));
  CAF_CHECK(!limits.take_request("a", t));
  auto third = limits.take_request("a", t);
  CAF_REQUIRE(third.has_value());
  CAF_CHECK_EQUAL(third->count(), 1);
  CAF_CHECK(!limits.take_request("b", t)); // b has its own bucket
  CAF_CHECK(!limits.take_request("a", t + 500ms)); // refilled at 2 per second
  CAF_CHECK(limits.take_request("a", t + 500ms).has_value());
}

CAF_TEST(retry after is whole seconds and at least one) {
  std::chrono::steady_clock::time_point t{10s};
  token_limits slow{0.1, 1, 4};
  CAF_CHECK(!slow.take_request("a", t));
  auto retry = slow.take_request("a", t);
  CAF_REQUIRE(retry.has_value());
  CAF_CHECK_EQUAL(retry->count(), 10);
  token_limits unlimited{0, 1, 4};
  for (int i = 0; i < 100; ++i)
    CAF_CHECK(!unlimited.take_request("a", t));
}

CAF_TEST(waits are counted per token) {
  token_limits limits{0, 1, 2};
  CAF_CHECK(limits.begin_wait("a"));
  CAF_CHECK(limits.begin_wait("a"));
  CAF_CHECK(!limits.begin_wait("a"));
  CAF_CHECK(limits.begin_wait("b"));
  limits.end_wait("a");
  auto n = limits.waits("a");
  CAF_CHECK_EQUAL(n, 1u);
  CAF_CHECK(limits.begin_wait("a"));
  limits.end_wait("zzz"); // unknown: nothing happens
  token_limits none{0, 1, 0};
  CAF_CHECK(!none.begin_wait("a"));
}

CAF_TEST(the service answers 429 with Retry-After past the rate) {
  service_fixture f{tight()};
  for (int i = 0; i < 3; ++i) {
    auto r = f.call("GET", a_lock);
    CAF_REQUIRE(r.has_value());
    CAF_CHECK_EQUAL(r->status, 200);
  }
  auto limited = f.call("GET", a_lock);
  CAF_REQUIRE(limited.has_value());
  CAF_CHECK_EQUAL(limited->status, 429);
  CAF_CHECK_EQUAL(limited->headers["Retry-After"], "1");
  CAF_CHECK(limited->body.find("too_many_requests") != std::string::npos);
  // Another token is not limited by this one.
  auto other = f.call("GET", a_lock, {}, "tok-a-up");
  CAF_REQUIRE(other.has_value());
  CAF_CHECK_EQUAL(other->status, 200);
  f.now += 1s;
  auto later = f.call("GET", a_lock);
  CAF_REQUIRE(later.has_value());
  CAF_CHECK_EQUAL(later->status, 200);
  auto forwarded = f.forwarded.size();
  CAF_CHECK_EQUAL(forwarded, 5u);
}

CAF_TEST(the service bounds concurrent waits per token) {
  auto cfg = tight();
  cfg.requests_per_second = 0;
  service_fixture f{cfg};
  f.hold = true;
  auto first = f.call_later(a_lock + "/acquire", wait_body);
  auto second = f.call_later(a_lock + "/acquire", wait_body);
  auto third = f.call_later(a_lock + "/acquire", wait_body);
  CAF_CHECK(!first->has_value());
  CAF_CHECK(!second->has_value());
  CAF_REQUIRE(third->has_value());
  CAF_CHECK_EQUAL((*third)->status, 429);
  // An acquire without a wait is not a wait.
  auto at_once = f.call_later(a_lock + "/acquire", R"({"operation":"Backup","holder":"x"})");
  CAF_CHECK(!at_once->has_value()); // held too, but not refused
  // Another token has its own count.
  auto other = f.call_later(b_lock + "/acquire", wait_body, "tok-b");
  CAF_CHECK(!other->has_value());
  // One answer frees one slot.
  registry_answer busy;
  busy.what = registry_answer::kind::busy;
  auto done = std::move(f.held.front());
  f.held.pop_front();
  done(busy);
  CAF_REQUIRE(first->has_value());
  CAF_CHECK_EQUAL((*first)->status, 409);
  auto fourth = f.call_later(a_lock + "/acquire", wait_body);
  CAF_CHECK(!fourth->has_value());
  auto fifth = f.call_later(a_lock + "/acquire", wait_body);
  CAF_REQUIRE(fifth->has_value());
  CAF_CHECK_EQUAL((*fifth)->status, 429);
}

CAF_TEST(oversized bodies are 413 and forward nothing) {
  service_fixture f{tight()};
  auto big = R"({"operation":"Backup","holder":")" + std::string(200, 'h') + "\"}";
  auto r = f.call("POST", a_lock + "/acquire", big);
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 413);
  CAF_CHECK(r->body.find("payload_too_large") != std::string::npos);
  CAF_CHECK(f.forwarded.empty());
}

CAF_TEST(waits beyond the configured maximum are 400) {
  service_fixture f{tight()};
  auto r = f.call("POST", a_lock + "/acquire",
                  R"({"operation":"Backup","holder":"x","waitSeconds":61})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 400);
  CAF_CHECK(r->body.find("from 0 to 60") != std::string::npos);
}
