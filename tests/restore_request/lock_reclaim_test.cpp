#define CAF_SUITE restore.lock_reclaim
#include "caf/test/dsl.hpp"

// Orphan Restore locks (DESIGN §3, issue 16 finding 2), through the restore controller on
// CAF's deterministic test coordinator over the in-memory gateway: the controller is handed
// the listings its watches would deliver; the reclaimer it spawns reads live. A lock held by
// a restore uid that no OpenBaoRestore has, and with no unsuspended Job, is released with a
// Warning Event on the cluster; a lock whose restore exists (even where the watch lags), or
// whose restore's Job runs, or held by upstream's uid-less holder, is not.

#include "actors/restore_request/restore_controller.hpp"
#include "tests/restore_request/restore_fixture.hpp"

using namespace restore_test;

namespace {

const std::string orphan = "openbaorestore/gone/uid-gone";

struct reclaim_fixture : restore_fixture {
  std::vector<caf::actor> controllers;

  ~reclaim_fixture() {
    for (auto& c : controllers)
      anon_send_exit(c, caf::exit_reason::user_shutdown);
    settle();
  }

  /// A controller (an operator process) handed the clusters and `restores` as listed.
  caf::actor start_controller(std::vector<model::openbao_restore> restores = {},
                              cluster_lock::lock_registry_actor registry = {}) {
    controller_config cc;
    cc.restores = config;
    if (registry)
      cc.restores.locks = registry;
    auto controller = spawn_restore_controller(sys, cc);
    controllers.push_back(controller);
    settle();
    caf::anon_send(controller, gateway::watch_synced<model::openbao_cluster>{
                                 0, {*store->cluster("tenant-a", "vault")}, "1"});
    caf::anon_send(controller,
                   gateway::watch_synced<model::openbao_restore>{0, std::move(restores), "1"});
    settle();
    return controller;
  }

  /// A Job under the orphan's Job name, owned by its restore uid.
  void put_job(bool suspended) {
    model::job j;
    j.metadata.namespace_ = "tenant-a";
    j.metadata.name = restore_job_name("gone");
    j.metadata.owner_references.push_back(
      {model::openbao_api_version, model::restore_kind, "gone", "uid-gone", true, true});
    model::container c;
    c.name = "restore";
    c.image = "openbao/restore:1";
    j.spec.template_.spec.containers.push_back(c);
    j.spec.template_.spec.restart_policy = "Never";
    j.spec.suspend = suspended;
    j.status.active = suspended ? 0 : 1;
    store->put(std::move(j));
  }

  std::vector<model::event> reclaim_events() const {
    std::vector<model::event> out;
    for (auto& e : store->events("tenant-a"))
      if (e.reason == "LockReclaimed")
        out.push_back(e);
    return out;
  }

  /// Lock writes that carried a resourceVersion precondition.
  std::size_t conditional_lock_writes() const {
    std::size_t n = 0;
    for (const auto& c : store->calls())
      n += c.verb == gateway::verb::patch_status && c.kind == "OpenBaoCluster"
               && !c.injected_failure && !c.precondition.empty()
             ? 1
             : 0;
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_reclaim_tests, reclaim_fixture)

CAF_TEST(an orphan restore lock is reclaimed with a warning event on the cluster) {
  hold_lock(orphan, "Restore");
  store->clear_calls();
  start_controller();
  pass(1s);
  CAF_CHECK_EQUAL(lock_holder(), orphan); // the grace period: a release may be on its way
  run_for(6s);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(conditional_lock_writes(), 1u);
  auto events = reclaim_events();
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  const auto& e = events[0];
  CAF_CHECK(e.type == model::event_type::warning);
  CAF_CHECK_EQUAL(e.involved_object.kind, "OpenBaoCluster");
  CAF_CHECK_EQUAL(e.involved_object.name, "vault");
  CAF_CHECK_EQUAL(e.metadata.name, "vault.lock-reclaimed.uid-gone");
  CAF_CHECK(e.message.find(orphan) != std::string::npos);
  // Nothing more happens afterwards.
  auto calls = store->calls().size();
  run_for(60s, 5s);
  CAF_CHECK_EQUAL(reclaim_events().size(), 1u);
  CAF_CHECK_EQUAL(count(gateway::verb::patch_status, "OpenBaoCluster"), 1u);
  CAF_CHECK_EQUAL(store->calls().size(), calls);
}

CAF_TEST(a lock whose restore exists is kept even when the restore watch lags) {
  auto r = store->put(make_restore("alive"));
  hold_lock(holder_of(r), "Restore");
  start_controller(); // its restore watch has not shown "alive" yet
  run_for(40s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), holder_of(r));
  CAF_CHECK(reclaim_events().empty());
  // Read live once: without news from the watches it is not suspected again.
  CAF_CHECK_EQUAL(count(gateway::verb::get, "OpenBaoRestore"), 1u);
}

CAF_TEST(a lock whose restore is gone but whose job runs is kept until the job ends) {
  hold_lock(orphan, "Restore");
  put_job(false);
  start_controller();
  run_for(20s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), orphan);
  CAF_CHECK(reclaim_events().empty());
  // Looked at again later: while the Job runs, still kept.
  run_for(30s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), orphan);
  // It ends; the next look reclaims.
  auto j = *store->job("tenant-a", restore_job_name("gone"));
  model::job_condition c;
  c.type = "Complete";
  c.status = "True";
  j.status.conditions.push_back(c);
  j.status.active = 0;
  store->put(j);
  run_for(32s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(reclaim_events().size(), 1u);
}

CAF_TEST(a suspended job of a gone restore does not keep its lock) {
  hold_lock(orphan, "Restore");
  put_job(true); // created suspended, never started: a late create of a cancelled restore
  start_controller();
  run_for(6s);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(reclaim_events().size(), 1u);
}

CAF_TEST(an upstream holder without uid is never reclaimed) {
  hold_lock("openbaorestore/gone", "Restore");
  store->clear_calls();
  start_controller();
  run_for(60s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), "openbaorestore/gone");
  CAF_CHECK(reclaim_events().empty());
  CAF_CHECK_EQUAL(count(gateway::verb::get, "OpenBaoRestore"), 0u);
}

CAF_TEST(two operator processes reclaim an orphan lock once between them) {
  hold_lock(orphan, "Restore");
  cluster_lock::lock_config lc;
  lc.gateway = gw;
  lc.wall_clock_start = wall_start;
  auto other_locks = cluster_lock::spawn_lock_registry(sys, lc);
  auto a = start_controller();
  auto b = start_controller({}, other_locks);
  run_for(6s);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(reclaim_events().size(), 1u);
  // A new restore takes the lock; both watches show it before they show the restore. Both
  // suspect it, read it live, and leave it alone.
  auto r = store->put(make_restore("next"));
  hold_lock(holder_of(r), "Restore");
  for (auto& c : {a, b})
    caf::anon_send(c, gateway::watch_event<model::openbao_cluster>{
                        0, gateway::watch_event_type::modified,
                        *store->cluster("tenant-a", "vault")});
  run_for(40s, 2s);
  CAF_CHECK_EQUAL(lock_holder(), holder_of(r));
  anon_send_exit(other_locks, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
