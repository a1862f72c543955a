#define CAF_SUITE restore.actor
#include "caf/test/dsl.hpp"

// The restore_request actor on CAF's deterministic test coordinator over the in-memory
// gateway: each scenario of issue 6, from creation to a terminal phase, with what the API
// server holds checked at the end (phase, message, lock, Job).

#include "tests/restore_request/restore_fixture.hpp"

using namespace restore_test;

CAF_TEST_FIXTURE_SCOPE(restore_actor_tests, restore_fixture)

CAF_TEST(the happy path ends Completed with the lock released and one Job) {
  start(make_restore());
  auto r = restore();
  CAF_CHECK(r.status.phase == restore_phase::running);
  CAF_CHECK_EQUAL(lock_holder(), holder());
  CAF_CHECK_EQUAL(r.metadata.finalizers.size(), 1u);
  CAF_CHECK(r.status.start_time.has_value());
  auto job = store->job("tenant-a", "restore-restore-1");
  CAF_REQUIRE(job);
  CAF_CHECK_EQUAL(job->spec.template_.spec.service_account_name, "vault-restore-serviceaccount");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "ServiceAccount"), 1u);
  finish_job(true);
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::completed);
  CAF_CHECK_EQUAL(message(), "restore workflow finished: the cluster may need unsealing");
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
  // One Event: Completed (phases are in the status; Events mark the end and the Warnings).
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Event"), 1u);
  auto events = store->events("tenant-a");
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].reason, "Completed");
  // Three status writes (Validating, Running, Completed): no Pending for a restore that
  // nothing held back.
  CAF_CHECK_EQUAL(count(gateway::verb::patch_status, "OpenBaoRestore"), 3u);
  // One read of the restore and two of the cluster: the validation's (a cached read, which
  // this gateway answers live; the lock actor wrote its grant against the version the
  // restore validated instead of reading the cluster again, and released from what it
  // wrote), and the live read after the suspended Job was created, before it is unsuspended
  // (one patch of the Job).
  CAF_CHECK_EQUAL(count(gateway::verb::get, "OpenBaoRestore"), 1u);
  CAF_CHECK_EQUAL(count(gateway::verb::get, "OpenBaoCluster"), 2u);
  CAF_CHECK_EQUAL(count(gateway::verb::patch_status, "OpenBaoCluster"), 2u);
  CAF_CHECK_EQUAL(count(gateway::verb::patch, "Job"), 1u);
}

CAF_TEST(a missing cluster fails at once without touching the lock) {
  auto r = make_restore();
  r.spec.cluster = "nope";
  start(r);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK_EQUAL(message(), "OpenBaoCluster tenant-a/nope not found");
  CAF_CHECK_EQUAL(count(gateway::verb::patch_status, "OpenBaoCluster"), 0u);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
}

CAF_TEST(missing auth fails before anything destructive) {
  auto r = make_restore();
  r.spec.jwt_auth_role.clear();
  start(r);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("authentication is required") == 0);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(override without force is refused) {
  auto r = make_restore();
  r.spec.override_operation_lock = true;
  start(r);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("overrideOperationLock requires force: true") != std::string::npos);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a missing credentials Secret is waited for then fails at the deadline) {
  auto r = make_restore();
  r.spec.source.target.credentials_secret_ref = model::local_object_reference{"s3"};
  start(r);
  CAF_CHECK(phase() == restore_phase::validating);
  CAF_CHECK_EQUAL(message(), "waiting: credentials Secret tenant-a/s3 not found");
  run_for(60s, 5s);
  CAF_CHECK(phase() == restore_phase::validating);
  run_for(70s, 5s);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("credentials Secret tenant-a/s3 not found (still after") == 0);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
}

CAF_TEST(a busy lock makes the restore wait and it proceeds once released) {
  hold_lock("openbaocluster/backup", "Backup");
  start(make_restore());
  CAF_CHECK(phase() == restore_phase::validating);
  CAF_CHECK_EQUAL(message(), "waiting for lock held by Backup openbaocluster/backup");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
  // The backup service releases through the lock protocol.
  self->send(locks, cluster_lock::release_request{{"tenant-a", "vault"},
                                                  model::cluster_operation::backup,
                                                  "openbaocluster/backup"});
  settle();
  run_for(2s);
  CAF_CHECK(phase() == restore_phase::running);
  CAF_CHECK_EQUAL(lock_holder(), holder());
}

CAF_TEST(force with override takes the lock and says so) {
  hold_lock("openbaocluster/backup", "Backup");
  auto r = make_restore();
  r.spec.force = true;
  r.spec.override_operation_lock = true;
  start(r);
  auto now = restore();
  CAF_CHECK(now.status.phase == restore_phase::running);
  CAF_CHECK_EQUAL(lock_holder(), holder());
  bool recorded = false;
  for (const auto& c : now.status.conditions)
    if (c.type == "OperationLockOverride") {
      recorded = true;
      CAF_CHECK_EQUAL(c.message, "took the operation lock from Backup openbaocluster/backup");
    }
  CAF_CHECK(recorded);
  // The override's Warning is the one Event so far.
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Event"), 1u);
  auto events = store->events("tenant-a");
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].reason, "OperationLockOverride");
}

CAF_TEST(a failed Job fails the restore and the lock is released) {
  start(make_restore());
  finish_job(false, "DeadlineExceeded");
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("DeadlineExceeded") != std::string::npos);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a Job deleted while running is JobLost and never re-created) {
  start(make_restore());
  auto job = store->job("tenant-a", "restore-restore-1");
  CAF_REQUIRE(job);
  self->send(gw, caf::delete_atom_v,
             gateway::delete_request<model::job>{{"tenant-a", "restore-restore-1"}, gateway::propagation::background, ""});
  settle();
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("disappeared while running") != std::string::npos);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a lock taken by someone else while running stops the Job before Failed) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  // An outside writer takes the lock; the cluster watch hands the new version to the
  // lock actor, which tells the restore at once.
  hold_lock("openbaocluster/upgrade", "Upgrade");
  auto c = store->cluster("tenant-a", "vault");
  self->send(locks, cluster_lock::cluster_observed{*c});
  settle();
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("the operation lock was taken by Upgrade openbaocluster/upgrade")
            == 0);
  CAF_CHECK(!store->job("tenant-a", "restore-restore-1"));
  CAF_CHECK_EQUAL(lock_holder(), "openbaocluster/upgrade");
}

CAF_TEST(deleting a running restore removes the Job then the lock then the finalizer) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  auto r = restore();
  r.metadata.deletion_timestamp = wall_start;
  store->put(r);
  self->send(caf::actor_cast<restore_request_actor>(*current), restore_changed{restore()});
  settle();
  run_for(3s);
  CAF_CHECK(!store->job("tenant-a", "restore-restore-1"));
  CAF_CHECK_EQUAL(lock_holder(), "");
  // The finalizer was the last one: with it gone the API server removes the restore.
  CAF_CHECK(!store->restore("tenant-a", "restore-1"));
}

CAF_TEST(a crashed job watcher is restarted with its restore which then completes) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  caf::actor watcher;
  auto asked = self->request(caf::actor_cast<detail::restore_request_impl>(*current),
                             caf::infinite, detail::watcher_atom_v);
  settle(); // the answer is in the mailbox only once the system has run
  asked.receive([&](caf::actor& w) { watcher = w; }, [](caf::error&) {});
  CAF_REQUIRE(watcher);
  auto before = *current;
  caf::anon_send_exit(watcher, caf::exit_reason::kill);
  settle();
  run_for(2s);
  CAF_CHECK(*current != before);
  finish_job(true);
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::completed);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a step that keeps failing is retried with a growing backoff) {
  config.retry_backoff.jitter = 0; // 2 s, 4 s, 8 s, ... up to 60 s
  // Every create fails (Events are best effort; the ServiceAccount is the step that fails).
  store->fail_next(gateway::verb::create, gateway::api_errc::server_error, 1000);
  start(make_restore());
  auto failed_sa = [this] { return count(gateway::verb::create, "ServiceAccount", true); };
  CAF_CHECK_EQUAL(failed_sa(), 1u);
  // Attempts at 0, 2, 6, 14, 30, 62 and 122 s: seven within two minutes (a fixed 2 s
  // interval would have made sixty).
  run_for(125s, 1s);
  auto attempts = failed_sa();
  CAF_CHECK_EQUAL(attempts, 7u);
  // The cluster stays locked meanwhile: the restore holds it and will use it.
  CAF_CHECK_EQUAL(lock_holder(), holder());
  // The API server heals: the next attempt (after at most the 60 s ceiling) goes through.
  store->fail_next(gateway::verb::create, gateway::api_errc::server_error, 0);
  run_for(61s, 1s);
  CAF_CHECK(phase() == restore_phase::running);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
