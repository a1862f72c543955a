#define CAF_SUITE gateway.lock_over_http
#include "caf/test/unit_test.hpp"

// The cluster_lock tests again, with the real gateway against the embedded cluster over
// TLS: the lock client's cases (shared with tests/cluster_lock/lock_client_test.cpp), then
// what only a real API server shows: racing requesters, and a 409 Conflict caused by a
// writer outside the process, which the lock actor answers by re-reading.

#include <future>
#include <thread>
#include <vector>

#include "actors/cluster_lock/lock_client.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "model/codec.hpp"
#include "tests/api_gateway/http_fixture.hpp"

using namespace gateway_http_test;
using namespace baorestore::cluster_lock;
using model::cluster_operation;

namespace {

struct fixture {
  tls_cluster cluster;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  lock_registry_actor registry;
  std::unique_ptr<lock_client> locks;
  const cluster_key k1{"tenant-a", "vault"};
  std::shared_ptr<gw::gateway_counters> counters = std::make_shared<gw::gateway_counters>();

  fixture() {
    seed(cluster);
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    lock_config lc;
    auto gc = cluster.gateway_config();
    gc.counters = counters;
    lc.gateway = gw::spawn_http_gateway(*sys, gc);
    lc.idle_timeout = 1s;
    registry = spawn_lock_registry(*sys, lc);
    locks = std::make_unique<lock_client>(*sys, registry, 10s);
  }

  ~fixture() {
    locks.reset();
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    registry = nullptr;
    sys.reset();
  }

  /// The holder as the API server has it stored.
  std::string stored_holder() {
    auto r = cluster.call("GET", clusters + "/vault");
    auto c = model::decode_openbao_cluster(r.body);
    return c && c.value->status.lock ? c.value->status.lock->holder : std::string{};
  }
};

} // namespace

#include "tests/cluster_lock/lock_client_cases.ipp"

CAF_TEST_FIXTURE_SCOPE(lock_over_http_tests, fixture)

CAF_TEST(racing requesters over http get exactly one grant) {
  constexpr int racers = 8;
  std::vector<std::future<caf::expected<lock_reply>>> replies;
  for (int i = 0; i < racers; ++i)
    replies.push_back(std::async(std::launch::async, [this, i] {
      lock_client own{*sys, registry, 10s};
      return own.acquire(k1, cluster_operation::backup, "backup-" + std::to_string(i));
    }));
  int granted = 0;
  std::string winner;
  for (int i = 0; i < racers; ++i) {
    auto r = replies[static_cast<std::size_t>(i)].get();
    CAF_REQUIRE(r);
    if (r->outcome == lock_outcome::granted) {
      ++granted;
      winner = "backup-" + std::to_string(i);
    }
  }
  CAF_CHECK_EQUAL(granted, 1);
  CAF_CHECK_EQUAL(stored_holder(), winner);
}

CAF_TEST(a write outside the process makes the next lock write conflict and re-read) {
  auto held = locks->acquire(k1, cluster_operation::backup, "backup-a");
  CAF_REQUIRE(held && held->outcome == lock_outcome::granted);
  // Someone else writes the cluster's status: the lock actor's resourceVersion is stale.
  auto r = cluster.call("PATCH", clusters + "/vault/status", R"({"status":{"phase":"Running"}})",
                        "application/merge-patch+json");
  CAF_REQUIRE_EQUAL(r.status, 200);
  // The release is written against the stale version, gets 409 from the server, re-reads,
  // decides again (still the holder) and writes the release.
  auto rel = locks->release(k1, cluster_operation::backup, "backup-a");
  CAF_REQUIRE(rel);
  CAF_CHECK(rel->outcome == lock_outcome::released);
  CAF_CHECK_EQUAL(stored_holder(), "");
  auto phase = model::decode_openbao_cluster(cluster.call("GET", clusters + "/vault").body);
  CAF_REQUIRE(phase);
  auto kept = phase.value->status.phase;
  CAF_CHECK_EQUAL(kept, "Running");
  auto requests = counters->snapshot().requests;
  auto conflicts = requests[gw::request_key{gw::http_verb::patch, "openbaoclusters", 409}];
  CAF_CHECK_EQUAL(conflicts, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
