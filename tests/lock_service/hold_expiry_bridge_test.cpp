#define CAF_SUITE lock_service.hold_bridge
#include "caf/test/dsl.hpp"

// The registry bridge on CAF's deterministic test coordinator over the in-memory gateway: a
// hold taken through the lock service and never renewed is released once its timeout passes
// (a crashed backup, or a client that left while its acquire waited), a renewed one is kept,
// and an expiry never touches a lock that someone else holds by then.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "lock_service/registry_bridge.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;
using namespace std::chrono_literals;

namespace {

struct bridge_fixture : test_coordinator_fixture<> {
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  gateway::api_gateway_actor gw;
  cluster_lock::lock_registry_actor registry;
  registry_bridge bridge;
  std::shared_ptr<std::vector<registry_answer>> answers
    = std::make_shared<std::vector<registry_answer>>();
  std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();

  bridge_fixture() {
    gw = sys.spawn(gateway::memory_gateway, store);
    cluster_lock::lock_config lc;
    lc.gateway = gw;
    lc.idle_timeout = 1h;
    lc.wall_clock_start = model::timestamp{std::chrono::seconds{1'800'000'000}};
    registry = cluster_lock::spawn_lock_registry(sys, lc);
    model::openbao_cluster c;
    c.metadata.namespace_ = "tenant-a";
    c.metadata.name = "vault";
    c.status.initialized = true;
    store->put(std::move(c));
    auto lines = log;
    bridge = spawn_registry_bridge(sys, registry, 10s,
                                   hold_options{90s, [lines](const std::string& l) {
                                                  lines->push_back(l);
                                                }});
    sched.run();
  }

  ~bridge_fixture() {
    anon_send_exit(bridge.actor, caf::exit_reason::user_shutdown);
    anon_send_exit(registry, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void pass(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  void call(call_kind kind, std::string holder) {
    lock_call c;
    c.kind = kind;
    c.namespace_ = "tenant-a";
    c.name = "vault";
    c.operation = model::cluster_operation::backup;
    c.holder = std::move(holder);
    auto out = answers;
    bridge.forward(c, [out](registry_answer a) { out->push_back(std::move(a)); });
    sched.run();
  }

  std::string holder(const std::string& cluster = "vault") const {
    auto c = store->cluster("tenant-a", cluster);
    return c && c->status.lock ? c->status.lock->holder : std::string{};
  }

  void seed_locked(const std::string& name, const std::string& holder) {
    model::openbao_cluster c;
    c.metadata.namespace_ = "tenant-a";
    c.metadata.name = name;
    model::operation_lock l;
    l.operation = model::cluster_operation::backup;
    l.holder = holder;
    c.status.lock = l;
    store->put(std::move(c));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hold_bridge_tests, bridge_fixture)

CAF_TEST(a hold that is never renewed is released after the timeout) {
  call(call_kind::acquire, "backup-1");
  CAF_REQUIRE_EQUAL(answers->size(), 1u);
  CAF_CHECK(answers->back().what == registry_answer::kind::granted);
  CAF_CHECK_EQUAL(holder(), "lockservice/backup-1"); // marked as the service's
  CAF_REQUIRE(answers->back().lock);
  CAF_CHECK_EQUAL(answers->back().lock->holder, "backup-1"); // the client's name in answers
  for (int i = 0; i < 8; ++i) // 80 s: still within the timeout
    pass(10s);
  CAF_CHECK_EQUAL(holder(), "lockservice/backup-1");
  for (int i = 0; i < 4; ++i) // past 90 s and the next check
    pass(10s);
  CAF_CHECK_EQUAL(holder(), "");
  CAF_REQUIRE_EQUAL(log->size(), 1u);
  CAF_CHECK(log->front().find("backup-1 on tenant-a/vault expired") != std::string::npos);
  CAF_CHECK(log->front().find("released") != std::string::npos);
}

CAF_TEST(renewed holds are kept and released holds are forgotten) {
  call(call_kind::acquire, "backup-1");
  for (int i = 0; i < 6; ++i) { // 6 minutes, renewed every 60 s
    pass(60s);
    call(call_kind::renew, "backup-1");
    CAF_CHECK(answers->back().what == registry_answer::kind::granted);
  }
  CAF_CHECK_EQUAL(holder(), "lockservice/backup-1");
  call(call_kind::release, "backup-1");
  CAF_CHECK(answers->back().what == registry_answer::kind::released);
  pass(200s);
  CAF_CHECK(log->empty());
}

CAF_TEST(an expiry leaves alone a lock someone else holds by then) {
  call(call_kind::acquire, "backup-1");
  // Someone outside clears the lock and another backup takes it (seen on the API server).
  store->patch_cluster_status("tenant-a", "vault",
                              R"({"status":{"operationLock":{"operation":"Backup",)"
                              R"("holder":"backup-2","fence":9}}})");
  auto c = store->cluster("tenant-a", "vault");
  CAF_REQUIRE(c);
  caf::anon_send(registry, cluster_lock::cluster_observed{*c});
  sched.run();
  for (int i = 0; i < 12; ++i)
    pass(10s);
  CAF_CHECK_EQUAL(holder(), "backup-2");
  CAF_REQUIRE_EQUAL(log->size(), 1u);
  CAF_CHECK(log->front().find("left alone") != std::string::npos);
}

CAF_TEST(a new leader adopts the locks taken through the service from the API server and expires them) {
  // Left by an operator that died (or lost its leadership) with their holders: one taken
  // through the service, one written with kubectl, and upstream's own backup lock.
  seed_locked("from-service", "lockservice/cron/nightly");
  seed_locked("by-hand", "alice");
  seed_locked("upstream", "openbaocluster/backup");
  auto lines = log;
  hold_options o;
  o.timeout = 90s;
  o.log = [lines](const std::string& l) { lines->push_back(l); };
  o.gateway = gw;
  auto leader = spawn_registry_bridge(sys, registry, 10s, o);
  sched.run();
  CAF_REQUIRE_EQUAL(log->size(), 1u);
  CAF_CHECK(log->front().find("adopted 1 lock") == 0);
  for (int i = 0; i < 8; ++i) // a full timeout from the new leader's start
    pass(10s);
  CAF_CHECK_EQUAL(holder("from-service"), "lockservice/cron/nightly");
  for (int i = 0; i < 4; ++i)
    pass(10s);
  CAF_CHECK_EQUAL(holder("from-service"), "");
  CAF_CHECK_EQUAL(holder("by-hand"), "alice");
  CAF_CHECK_EQUAL(holder("upstream"), "openbaocluster/backup");
  CAF_CHECK(log->back().find("cron/nightly on tenant-a/from-service expired") != std::string::npos);
  anon_send_exit(leader.actor, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(an adopted lock whose holder renews through the new leader is kept) {
  seed_locked("from-service", "lockservice/cron/nightly");
  hold_options o;
  o.timeout = 90s;
  o.gateway = gw;
  auto leader = spawn_registry_bridge(sys, registry, 10s, o);
  sched.run();
  for (int i = 0; i < 4; ++i) {
    pass(60s);
    lock_call c;
    c.kind = call_kind::renew;
    c.namespace_ = "tenant-a";
    c.name = "from-service";
    c.holder = "cron/nightly";
    auto out = answers;
    leader.forward(c, [out](registry_answer a) { out->push_back(std::move(a)); });
    sched.run();
    CAF_REQUIRE(!answers->empty());
    CAF_CHECK(answers->back().what == registry_answer::kind::granted);
  }
  CAF_CHECK_EQUAL(holder("from-service"), "lockservice/cron/nightly");
  anon_send_exit(leader.actor, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
