#define CAF_SUITE gateway.gateway_counters
// The gateway's counters: requests, latency histograms, retries, queue depths.
#include "caf/test/unit_test.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "actors/api_gateway/gateway_counters.hpp"

using namespace baorestore::gateway;
using namespace std::chrono_literals;

CAF_TEST(verb names) {
  CAF_CHECK_EQUAL(to_string(http_verb::get), "get");
  CAF_CHECK_EQUAL(to_string(http_verb::list), "list");
  CAF_CHECK_EQUAL(to_string(http_verb::create), "create");
  CAF_CHECK_EQUAL(to_string(http_verb::update), "update");
  CAF_CHECK_EQUAL(to_string(http_verb::patch), "patch");
  CAF_CHECK_EQUAL(to_string(http_verb::delete_), "delete");
  CAF_CHECK_EQUAL(to_string(http_verb::watch), "watch");
}

CAF_TEST(requests are counted by verb and resource and code) {
  gateway_counters c;
  c.record_request(http_verb::get, "jobs.batch", 200, 3ms);
  c.record_request(http_verb::get, "jobs.batch", 200, 4ms);
  c.record_request(http_verb::get, "jobs.batch", 404, 4ms);
  c.record_request(http_verb::patch, "openbaoclusters.openbao.org", 409, 20ms);
  c.record_request(http_verb::get, "jobs.batch", 0, 10s); // transport failure
  auto s = c.snapshot();
  CAF_CHECK_EQUAL(s.requests.size(), 4u);
  auto ok = s.requests[{http_verb::get, "jobs.batch", 200}];
  auto missing = s.requests[{http_verb::get, "jobs.batch", 404}];
  auto conflict = s.requests[{http_verb::patch, "openbaoclusters.openbao.org", 409}];
  auto transport = s.requests[{http_verb::get, "jobs.batch", 0}];
  CAF_CHECK_EQUAL(ok, 2u);
  CAF_CHECK_EQUAL(missing, 1u);
  CAF_CHECK_EQUAL(conflict, 1u);
  CAF_CHECK_EQUAL(transport, 1u);
}

CAF_TEST(latency buckets are cumulative with sum and count) {
  gateway_counters c;
  c.record_request(http_verb::list, "secrets", 200, 5ms);    // on a bound: in it
  c.record_request(http_verb::list, "secrets", 200, 30ms);   // (0.025, 0.05]
  c.record_request(http_verb::list, "secrets", 500, 3s);     // (2.5, 5]
  c.record_request(http_verb::list, "secrets", 200, 60s);    // +Inf only
  c.record_request(http_verb::get, "secrets", 200, 1ms);     // another series
  auto s = c.snapshot();
  CAF_REQUIRE_EQUAL(s.latency.size(), 2u);
  auto h = s.latency[{http_verb::list, "secrets"}];
  //                                         .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10
  const std::array<std::uint64_t, 11> expected{1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3};
  CAF_CHECK(h.buckets == expected);
  CAF_CHECK_EQUAL(h.count, 4u);
  CAF_CHECK_LESS(std::abs(h.sum_seconds - 63.035), 1e-9);
  auto g = s.latency[{http_verb::get, "secrets"}];
  CAF_CHECK_EQUAL(g.count, 1u);
  CAF_CHECK_EQUAL(g.buckets[0], 1u);
}

CAF_TEST(retries and queue depths) {
  gateway_counters c;
  c.record_retry(http_verb::get, "jobs.batch");
  c.record_retry(http_verb::get, "jobs.batch");
  c.record_retry(http_verb::patch, "jobs.batch");
  c.set_queue_depth("tenant-a", 3);
  c.set_queue_depth("", 1);
  c.set_queue_depth("tenant-b", 2);
  c.set_queue_depth("tenant-a", 5);
  c.set_queue_depth("tenant-b", 0); // drained: dropped
  c.set_queue_depth("never-seen", 0);
  auto s = c.snapshot();
  auto gets = s.retries[{http_verb::get, "jobs.batch"}];
  auto patches = s.retries[{http_verb::patch, "jobs.batch"}];
  CAF_CHECK_EQUAL(gets, 2u);
  CAF_CHECK_EQUAL(patches, 1u);
  CAF_CHECK(s.queue_depth == (std::map<std::string, std::size_t>{{"", 1}, {"tenant-a", 5}}));
  CAF_CHECK(s.requests.empty());
}

CAF_TEST(cache hits are counted by resource and are no requests) {
  gateway_counters c;
  c.record_cache_hit("openbaoclusters");
  c.record_cache_hit("openbaoclusters");
  c.record_cache_hit("openbaorestores");
  auto s = c.snapshot();
  CAF_CHECK(s.cache_hits
            == (std::map<std::string, std::uint64_t>{{"openbaoclusters", 2},
                                                      {"openbaorestores", 1}}));
  CAF_CHECK(s.requests.empty());
  CAF_CHECK(s.latency.empty());
}

CAF_TEST(recording from several threads loses nothing) {
  gateway_counters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 1000; ++i) {
        c.record_request(http_verb::get, "secrets", 200, 1ms);
        c.record_retry(http_verb::get, "secrets");
        c.set_queue_depth("t" + std::to_string(t), static_cast<std::size_t>(i + 1));
        if (i % 100 == 0)
          c.snapshot();
      }
    });
  for (auto& t : threads)
    t.join();
  auto s = c.snapshot();
  auto requests = s.requests[{http_verb::get, "secrets", 200}];
  auto retries = s.retries[{http_verb::get, "secrets"}];
  auto count = s.latency[{http_verb::get, "secrets"}].count;
  CAF_CHECK_EQUAL(requests, 4000u);
  CAF_CHECK_EQUAL(retries, 4000u);
  CAF_CHECK_EQUAL(count, 4000u);
  CAF_CHECK_EQUAL(s.queue_depth.size(), 4u);
}

// Issue 16 finding 7: each cause is reported at once, then at most once per interval (with
// how many were not), and is active until an exchange succeeds.
CAF_TEST(troubles are logged once per interval per cause and active until a success) {
  using namespace std::chrono_literals;
  trouble_tracker t{30s};
  trouble_tracker::clock::time_point t0{};
  std::uint64_t suppressed = 99;
  CAF_CHECK(t.record(trouble_cause::connect, "connect: refused", t0, &suppressed));
  CAF_CHECK_EQUAL(suppressed, 0u);
  CAF_CHECK(!t.record(trouble_cause::connect, "connect: refused", t0 + 1s, &suppressed));
  CAF_CHECK(!t.record(trouble_cause::connect, "connect: refused", t0 + 29s, &suppressed));
  // Another cause has its own clock.
  CAF_CHECK(t.record(trouble_cause::tls, "tls: verify failed", t0 + 2s, &suppressed));
  CAF_CHECK(t.record(trouble_cause::connect, "connect: refused again", t0 + 31s, &suppressed));
  CAF_CHECK_EQUAL(suppressed, 2u);
  auto active = t.active();
  CAF_REQUIRE_EQUAL(active.size(), 2u);
  CAF_CHECK(active[0].cause == trouble_cause::connect);
  CAF_CHECK_EQUAL(active[0].message, "connect: refused again");
  CAF_CHECK_EQUAL(active[0].count, 4u);
  t.clear();
  CAF_CHECK(t.active().empty());
  // Seen again soon after: active at once, logged only when the interval allows.
  CAF_CHECK(!t.record(trouble_cause::connect, "connect: refused", t0 + 32s, &suppressed));
  CAF_CHECK_EQUAL(t.active().size(), 1u);
}

CAF_TEST(what counts as trouble) {
  CAF_CHECK(trouble_of_transport("connect") == trouble_cause::connect);
  CAF_CHECK(trouble_of_transport("tls") == trouble_cause::tls);
  CAF_CHECK(trouble_of_transport("timeout") == trouble_cause::timeout);
  CAF_CHECK(!trouble_of_transport("dropped"));
  CAF_CHECK(!trouble_of_transport("body_too_large"));
  CAF_CHECK(trouble_of_status(401) == trouble_cause::unauthorized);
  CAF_CHECK(trouble_of_status(403) == trouble_cause::forbidden);
  for (int ok : {200, 201, 404, 409, 410, 422, 429, 500, 503})
    CAF_CHECK(!trouble_of_status(ok));
}
