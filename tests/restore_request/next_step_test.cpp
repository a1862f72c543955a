#define CAF_SUITE restore.next_step
#include "caf/test/unit_test.hpp"

// The restore state machine, table by table: each case is an observation and the one step
// it must lead to (DESIGN §4).

#include <functional>
#include <utility>
#include <vector>

#include "actors/restore_request/next_step.hpp"
#include "tests/restore_request/observations.hpp"

using namespace baorestore;
using namespace baorestore::restore;
using model::restore_phase;

namespace {

using restore_tables::at;

/// A valid restore in `phase` with the cluster found: each case changes what it is about.
observation base(restore_phase phase = restore_phase::validating) {
  return restore_tables::valid_restore(phase);
}

void hold(observation& o, std::string holder, model::cluster_operation op) {
  model::operation_lock l;
  l.operation = op;
  l.holder = std::move(holder);
  o.cluster->status.lock = l;
}

void hold_ourselves(observation& o) {
  hold(o, holder_of(o.restore), model::cluster_operation::restore);
}

step decide(const observation& o) {
  return next_step(o, restore_config{});
}

std::string kind_of(const observation& o) {
  return to_string(decide(o).kind);
}

/// The failure reason of a step that fails the restore, "" otherwise.
std::string failure(const observation& o) {
  auto s = decide(o);
  if (s.kind != step_kind::update_status || s.status.phase != restore_phase::failed)
    return "";
  return s.status.conditions.at(0).reason;
}

std::string message_of(const step& s) {
  return s.status.message ? *s.status.message : std::string{};
}

} // namespace

CAF_TEST(a new restore gets the finalizer first then goes Validating in one write) {
  auto o = base(restore_phase::unset);
  o.restore.metadata.finalizers.clear();
  o.restore.status.observed_generation = 0;
  CAF_CHECK_EQUAL(kind_of(o), "add_finalizer");
  o.restore.metadata.finalizers = {model::restore_finalizer};
  auto s = decide(o);
  CAF_CHECK(s.kind == step_kind::update_status);
  CAF_CHECK(s.status.phase == restore_phase::validating);
  CAF_CHECK(s.status.observed_generation == std::optional<std::int64_t>{1});
  CAF_CHECK(!s.event); // the phase is in the status; no Event for it
  // One that was written Pending before (by an older operator) goes on the same way.
  o.restore.status.phase = restore_phase::pending;
  o.restore.status.observed_generation = 1;
  auto v = decide(o);
  CAF_CHECK(v.status.phase == restore_phase::validating);
  CAF_CHECK(!v.status.observed_generation);
}

CAF_TEST(only the end of a restore is an Event: Normal on Completed and Warning on Failed) {
  auto o = base();
  hold_ourselves(o);
  o.job.state = job_state::running;
  auto running = decide(o);
  CAF_CHECK(running.status.phase == restore_phase::running);
  CAF_CHECK(!running.event);
  auto r = base(restore_phase::running);
  hold_ourselves(r);
  r.job.state = job_state::succeeded;
  auto done = decide(r);
  CAF_REQUIRE(done.event);
  CAF_CHECK_EQUAL(done.event->type, "Normal");
  CAF_CHECK_EQUAL(done.event->reason, "Completed");
  r.job.state = job_state::failed;
  auto failed = decide(r);
  CAF_REQUIRE(failed.event);
  CAF_CHECK_EQUAL(failed.event->type, "Warning");
  CAF_CHECK_EQUAL(failed.event->reason, "JobFailed");
}

CAF_TEST(the cluster is read from the watch cache only before the lock is granted) {
  auto o = base();
  o.cluster_state = lookup::unknown;
  o.cluster.reset();
  for (auto [lock, cached] : std::vector<std::pair<lock_answer, bool>>{
         {lock_answer::none, true},
         {lock_answer::busy, true},
         {lock_answer::granted, false},
         {lock_answer::lost, false},
       }) {
    o.lock = lock;
    auto s = decide(o);
    CAF_CHECK_EQUAL(to_string(s.kind), "look_up_cluster");
    CAF_CHECK_EQUAL(s.cached, cached);
  }
  // Running, finished and deleting restores read it live (the lock cleanup depends on it).
  for (auto phase : {restore_phase::running, restore_phase::completed, restore_phase::failed}) {
    auto r = base(phase);
    r.cluster_state = lookup::unknown;
    r.cluster.reset();
    auto s = decide(r);
    CAF_CHECK_EQUAL(to_string(s.kind), "look_up_cluster");
    CAF_CHECK(!s.cached);
  }
}

CAF_TEST(a restore never fails on a cached cluster: the failure is decided again over a live read) {
  auto cases = std::vector<std::function<void(observation&)>>{
    [](observation& o) { o.cluster->status.initialized = false; },
    [](observation& o) { o.cluster->metadata.deletion_timestamp = at(0); },
    [](observation& o) { o.restore.spec.jwt_auth_role.clear(); }, // no OIDC on the cluster
  };
  for (auto& change : cases) {
    auto o = base();
    change(o);
    CAF_CHECK_NOT_EQUAL(failure(o), "");
    o.cluster_cached = true;
    auto s = decide(o);
    CAF_CHECK_EQUAL(to_string(s.kind), "look_up_cluster");
    CAF_CHECK(!s.cached);
  }
  // What does not depend on the cluster fails at once, cached or not.
  auto spec = base();
  spec.cluster_cached = true;
  spec.restore.spec.override_operation_lock = true;
  CAF_CHECK_EQUAL(failure(spec), "InvalidSpec");
  // A cached cluster that passes goes on to the lock.
  auto fine = base();
  fine.cluster_cached = true;
  CAF_CHECK_EQUAL(kind_of(fine), "acquire_lock");
}

CAF_TEST(a spec generation that was not validated is refused) {
  auto o = base();
  o.restore.metadata.generation = 2;
  CAF_CHECK_EQUAL(failure(o), "SpecChanged");
  auto r = base(restore_phase::running);
  r.restore.metadata.generation = 3;
  CAF_CHECK_EQUAL(failure(r), "SpecChanged");
}

CAF_TEST(spec rules fail at once with upstream wording) {
  auto o = base();
  o.restore.spec.override_operation_lock = true;
  auto s = decide(o);
  CAF_CHECK_EQUAL(failure(o), "InvalidSpec");
  CAF_CHECK(message_of(s).find("overrideOperationLock requires force: true") != std::string::npos);
  CAF_REQUIRE(s.event);
  CAF_CHECK_EQUAL(s.event->type, "Warning");
}

CAF_TEST(the cluster must exist and not be deleting and be initialized unless forced) {
  auto o = base();
  o.cluster_state = lookup::unknown;
  o.cluster.reset();
  CAF_CHECK_EQUAL(kind_of(o), "look_up_cluster");
  o.cluster_state = lookup::missing;
  CAF_CHECK_EQUAL(failure(o), "ClusterNotFound");
  CAF_CHECK_EQUAL(message_of(decide(o)), "OpenBaoCluster tenant-a/vault not found");
  auto d = base();
  d.cluster->metadata.deletion_timestamp = at(0);
  CAF_CHECK_EQUAL(failure(d), "ClusterDeleting");
  auto u = base();
  u.cluster->status.initialized = false;
  CAF_CHECK_EQUAL(failure(u), "ClusterNotInitialized");
  CAF_CHECK_EQUAL(message_of(decide(u)), "OpenBaoCluster tenant-a/vault is not initialized");
  u.restore.spec.force = true;
  CAF_CHECK_EQUAL(kind_of(u), "acquire_lock");
  auto f = base();
  f.cluster_state = lookup::failed;
  CAF_CHECK_EQUAL(kind_of(f), "wait");
}

CAF_TEST(restore auth is a role or a token Secret with key token or the cluster OIDC) {
  auto o = base();
  o.restore.spec.jwt_auth_role.clear();
  CAF_CHECK_EQUAL(failure(o), "AuthenticationRequired");
  CAF_CHECK(message_of(decide(o)).find("authentication is required") == 0);
  o.cluster->spec.self_init = model::self_init_config{true, model::self_init_oidc{true, ""}};
  CAF_CHECK_EQUAL(kind_of(o), "acquire_lock");
  auto t = base();
  t.restore.spec.jwt_auth_role.clear();
  t.restore.spec.token_secret_ref = model::local_object_reference{"tok"};
  CAF_CHECK_EQUAL(kind_of(t), "look_up_token");
  t.token.state = lookup::found;
  CAF_CHECK_EQUAL(failure(t), "AuthSecretInvalid");
  t.token.keys = {"token"};
  CAF_CHECK_EQUAL(kind_of(t), "acquire_lock");
}

CAF_TEST(a Secret not there yet is waited for until the validation deadline) {
  auto o = base();
  o.restore.spec.jwt_auth_role.clear();
  o.restore.spec.token_secret_ref = model::local_object_reference{"tok"};
  o.token.state = lookup::missing;
  auto s = decide(o);
  CAF_CHECK(s.kind == step_kind::wait);
  CAF_CHECK(s.healing);
  CAF_CHECK_EQUAL(message_of(s), "waiting: token Secret tenant-a/tok not found");
  o.healing_since = at(0);
  o.now = at(119);
  CAF_CHECK_EQUAL(kind_of(o), "wait");
  o.now = at(120);
  CAF_CHECK_EQUAL(failure(o), "AuthSecretNotFound");
  // The message is written once: waiting again with the same message writes nothing.
  auto again = base();
  again.restore.spec = o.restore.spec;
  again.token.state = lookup::missing;
  again.restore.status.message = "waiting: token Secret tenant-a/tok not found";
  CAF_CHECK(decide(again).status.empty());
}

CAF_TEST(the snapshot is checked where the operator can and failures are permanent) {
  auto o = base();
  o.restore.spec.source.target.credentials_secret_ref = model::local_object_reference{"s3"};
  CAF_CHECK_EQUAL(kind_of(o), "look_up_credentials");
  o.credentials.state = lookup::missing;
  CAF_CHECK_EQUAL(kind_of(o), "wait");
  o.credentials.state = lookup::found;
  CAF_CHECK_EQUAL(kind_of(o), "probe_snapshot");
  for (auto st : {snapshot_state::not_found, snapshot_state::forbidden, snapshot_state::error}) {
    o.snapshot.state = st;
    o.snapshot.message = "snapshot s3://b/k.snap not found (404)";
    CAF_CHECK_EQUAL(failure(o), "SnapshotNotAccessible");
  }
  o.snapshot.state = snapshot_state::unreachable;
  CAF_CHECK_EQUAL(kind_of(o), "wait");
  o.snapshot.state = snapshot_state::found;
  o.snapshot.size = 4096;
  CAF_CHECK_EQUAL(kind_of(o), "acquire_lock");
  // Without credentials (IRSA) or another provider, nothing to check before the lock.
  auto gcs = base();
  gcs.restore.spec.source.target.provider = "gcs";
  gcs.restore.spec.source.target.credentials_secret_ref = model::local_object_reference{"g"};
  CAF_CHECK_EQUAL(kind_of(gcs), "acquire_lock");
}

CAF_TEST(an upgrade in progress makes the restore wait unless forced) {
  auto o = base();
  model::condition up;
  up.type = "Upgrading";
  up.status = "True";
  o.cluster->status.conditions.push_back(up);
  auto s = decide(o);
  CAF_CHECK(s.kind == step_kind::wait);
  CAF_CHECK_EQUAL(message_of(s), "waiting: OpenBaoCluster tenant-a/vault is upgrading");
  o.restore.spec.force = true;
  CAF_CHECK_EQUAL(kind_of(o), "acquire_lock");
}

CAF_TEST(the lock is asked or waited for with the holder named or taken with force and override) {
  auto o = base();
  auto s = decide(o);
  CAF_CHECK(s.kind == step_kind::acquire_lock);
  CAF_CHECK(!s.force_override);
  hold(o, "openbaocluster/backup", model::cluster_operation::backup);
  auto busy = decide(o);
  CAF_CHECK(busy.kind == step_kind::acquire_lock);
  CAF_CHECK_EQUAL(message_of(busy), "waiting for lock held by Backup openbaocluster/backup");
  o.restore.spec.force = true;
  o.restore.spec.override_operation_lock = true;
  auto forced = decide(o);
  CAF_CHECK(forced.force_override);
  o.lock = lock_answer::lost;
  CAF_CHECK_EQUAL(kind_of(o), "look_up_job"); // a Job that landed goes first
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(failure(o), "LockLost");
}

CAF_TEST(with the lock the Job is created (or judged when it exists) and then the restore runs) {
  auto o = base();
  hold_ourselves(o);
  CAF_CHECK_EQUAL(kind_of(o), "create_job"); // no lookup first: a create answers as well
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(kind_of(o), "create_job");
  o.job.state = job_state::foreign;
  CAF_CHECK_EQUAL(failure(o), "JobConflict");
  o.job.state = job_state::running;
  auto s = decide(o);
  CAF_CHECK(s.status.phase == restore_phase::running);
  CAF_CHECK(s.status.set_start_time);
  CAF_CHECK(s.status.snapshot_key == std::optional<std::string>{"k.snap"});
  CAF_REQUIRE_EQUAL(s.status.conditions.size(), 1u);
  CAF_CHECK_EQUAL(s.status.conditions[0].type, "SnapshotVerified");
  CAF_CHECK_EQUAL(s.status.conditions[0].status, "Unknown");
  // A grant answered before the cluster was read again counts too (the view trails it)...
  auto g = base();
  g.lock = lock_answer::granted;
  g.cluster_cached = true;
  CAF_CHECK_EQUAL(kind_of(g), "create_job");
  // ...but a live read that does not show it means the grant is gone (the actor reads live
  // only after a grant): LockLost, once a Job that may have landed is looked for.
  g.cluster_cached = false;
  CAF_CHECK_EQUAL(kind_of(g), "look_up_job");
  g.job.state = job_state::missing;
  CAF_CHECK_EQUAL(failure(g), "LockLost");
}

CAF_TEST(a forced takeover is recorded as a condition naming the previous holder) {
  auto o = base();
  hold_ourselves(o);
  o.job.state = job_state::running;
  model::operation_lock prev;
  prev.operation = model::cluster_operation::backup;
  prev.holder = "openbaocluster/backup";
  o.taken_over = prev;
  auto s = decide(o);
  bool found = false;
  for (const auto& c : s.status.conditions)
    if (c.type == "OperationLockOverride") {
      found = true;
      CAF_CHECK_EQUAL(c.message, "took the operation lock from Backup openbaocluster/backup");
    }
  CAF_CHECK(found);
}

CAF_TEST(running ends with the outcome of the Job) {
  auto o = base(restore_phase::running);
  hold_ourselves(o);
  CAF_CHECK_EQUAL(kind_of(o), "look_up_job");
  o.job.state = job_state::running;
  CAF_CHECK_EQUAL(kind_of(o), "watch_job");
  o.job.state = job_state::succeeded;
  auto done = decide(o);
  CAF_CHECK(done.status.phase == restore_phase::completed);
  CAF_CHECK_EQUAL(message_of(done), "restore workflow finished: the cluster may need unsealing");
  CAF_CHECK(done.status.set_completion_time);
  o.job.state = job_state::failed;
  o.job.reason = "BackoffLimitExceeded";
  CAF_CHECK_EQUAL(failure(o), "JobFailed");
  CAF_CHECK(message_of(decide(o)).find("BackoffLimitExceeded") != std::string::npos);
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(failure(o), "JobLost");
}

CAF_TEST(running with a lost lock stops the Job before the restore fails) {
  auto o = base(restore_phase::running);
  hold(o, "openbaorestore/other/uid-9", model::cluster_operation::restore);
  CAF_CHECK_EQUAL(kind_of(o), "look_up_job");
  o.job.state = job_state::running;
  CAF_CHECK_EQUAL(kind_of(o), "delete_job");
  o.job.deleting = true;
  CAF_CHECK_EQUAL(kind_of(o), "wait");
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(failure(o), "LockLost");
  CAF_CHECK(message_of(decide(o)).find("Restore openbaorestore/other/uid-9") != std::string::npos);
  auto told = base(restore_phase::running);
  hold_ourselves(told);
  told.lock = lock_answer::lost;
  told.job.state = job_state::running;
  CAF_CHECK_EQUAL(kind_of(told), "delete_job");
}

CAF_TEST(finished restores release the lock until the cluster is no longer theirs) {
  for (auto phase : {restore_phase::completed, restore_phase::failed}) {
    auto o = base(phase);
    o.cluster_state = lookup::unknown;
    CAF_CHECK_EQUAL(kind_of(o), "look_up_cluster");
    o.cluster_state = lookup::found;
    hold_ourselves(o);
    o.job.state = job_state::missing;
    CAF_CHECK_EQUAL(kind_of(o), "release_lock");
    hold(o, "openbaocluster/backup", model::cluster_operation::backup);
    CAF_CHECK_EQUAL(kind_of(o), "done");
    o.cluster_state = lookup::missing;
    CAF_CHECK_EQUAL(kind_of(o), "done");
    o.cluster_state = lookup::failed;
    CAF_CHECK_EQUAL(kind_of(o), "wait");
  }
}

CAF_TEST(deleting removes the Job first then the lock then the finalizer) {
  auto o = base(restore_phase::running);
  o.restore.metadata.deletion_timestamp = at(0);
  hold_ourselves(o);
  CAF_CHECK_EQUAL(kind_of(o), "look_up_job");
  o.job.state = job_state::running;
  CAF_CHECK_EQUAL(kind_of(o), "delete_job");
  o.job.deleting = true;
  CAF_CHECK_EQUAL(kind_of(o), "wait");
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(kind_of(o), "release_lock");
  o.cluster->status.lock.reset();
  CAF_CHECK_EQUAL(kind_of(o), "remove_finalizer");
  o.restore.metadata.finalizers.clear();
  CAF_CHECK_EQUAL(kind_of(o), "done");
  // Another controller's Job under our name is never touched.
  auto f = base(restore_phase::validating);
  f.restore.metadata.deletion_timestamp = at(0);
  f.job.state = job_state::foreign;
  CAF_CHECK_EQUAL(kind_of(f), "remove_finalizer");
}

// Issue 16 finding 6: a create the API server refused for good fails the restore at once
// (the lock is released by the Failed phase's step), and a restore whose Job would be
// refused fails before the lock.
CAF_TEST(a refused create fails the restore with the server message) {
  auto o = base();
  hold_ourselves(o);
  o.lock = lock_answer::granted;
  o.job.state = job_state::missing;
  CAF_CHECK_EQUAL(kind_of(o), "create_job");
  o.refused = refusal{"JobCreateRejected", "Job create refused by the API server (invalid): x"};
  auto s = decide(o);
  CAF_CHECK_EQUAL(failure(o), "JobCreateRejected");
  CAF_CHECK_EQUAL(message_of(s), "Job create refused by the API server (invalid): x");
  // Then the Failed restore releases its lock.
  o.restore.status.phase = restore_phase::failed;
  CAF_CHECK_EQUAL(kind_of(o), "release_lock");
  // A deletion still takes the cancel path (no Job: release the lock, then the finalizer).
  o.restore.status.phase = restore_phase::validating;
  o.restore.metadata.deletion_timestamp = at(1);
  CAF_CHECK_EQUAL(kind_of(o), "release_lock");
}

CAF_TEST(a restore whose Job would be refused fails as InvalidSpec before the lock) {
  auto o = base();
  o.restore.metadata.name = "Bad_Name";
  CAF_CHECK_EQUAL(failure(o), "InvalidSpec");
  CAF_CHECK(message_of(decide(o)).find("Job restore-Bad_Name: metadata.name: Invalid value") != std::string::npos);
  // A 253-character name is fine: its Job name and labels are cut.
  o.restore.metadata.name = std::string(253, 'a');
  CAF_CHECK_EQUAL(kind_of(o), "acquire_lock");
}

namespace {

/// A Validating restore holding its lock (fence 7) whose Job was created suspended.
observation with_suspended_job(restore_phase phase = restore_phase::validating) {
  auto o = base(phase);
  hold_ourselves(o);
  o.cluster->status.lock->fence = 7;
  o.lock = lock_answer::granted;
  o.job.state = job_state::suspended;
  o.job.resource_version = "41";
  return o;
}

struct job_row {
  std::string what;
  std::function<void(observation&)> change;
  std::string want; // the step kind, or "Failed/<reason>"
};

std::string outcome(const observation& o) {
  auto f = failure(o);
  return f.empty() ? kind_of(o) : "Failed/" + f;
}

void check_rows(const std::vector<job_row>& rows, restore_phase phase) {
  for (const auto& r : rows) {
    auto o = with_suspended_job(phase);
    r.change(o);
    CAF_MESSAGE(r.what);
    CAF_CHECK_EQUAL(outcome(o), r.want);
  }
}

} // namespace

CAF_TEST(a suspended Job is started only after a live read made after it shows our lock) {
  auto live = [](observation& o) { o.cluster_read_after_job = true; };
  check_rows(
    {
      {"just created: the lock is read live first", [](observation&) {}, "look_up_cluster"},
      {"read live after the Job: unsuspended", live, "unsuspend_job"},
      {"read from the cache: read again", [&](observation& o) { live(o); o.cluster_cached = true; },
       "look_up_cluster"},
      {"read before the Job was seen: read again",
       [](observation& o) { o.cluster_read_after_job = false; }, "look_up_cluster"},
      {"a restart that found its lock (no grant this time), read live",
       [&](observation& o) { live(o); o.lock = lock_answer::none; }, "unsuspend_job"},
      {"a restart whose lock is another's now: asks for it, the Job stays suspended",
       [&](observation& o) {
         live(o);
         o.lock = lock_answer::none;
         hold(o, "openbaocluster/backup", model::cluster_operation::backup);
       },
       "acquire_lock"},
      {"the grant is gone by the live read: the suspended Job is deleted",
       [&](observation& o) {
         live(o);
         hold(o, "openbaorestore/other/uid-9", model::cluster_operation::restore);
       },
       "delete_job"},
      {"the grant is gone and the Job is being deleted: wait",
       [&](observation& o) {
         live(o);
         o.cluster->status.lock.reset();
         o.job.deleting = true;
       },
       "wait"},
      {"the grant is gone and the Job with it: LockLost",
       [&](observation& o) {
         live(o);
         o.cluster->status.lock.reset();
         o.job.state = job_state::missing;
       },
       "Failed/LockLost"},
      {"told the lock is lost: the suspended Job goes first",
       [&](observation& o) { live(o); o.lock = lock_answer::lost; }, "delete_job"},
      {"someone deletes the suspended Job: wait and see",
       [&](observation& o) { live(o); o.job.deleting = true; }, "wait"},
      {"unsuspended (by the patch): the restore runs",
       [&](observation& o) { live(o); o.job.state = job_state::running; }, "update_status"},
      {"a Job not ours under our name: never started", [&](observation& o) {
         live(o);
         o.job.state = job_state::foreign;
       },
       "Failed/JobConflict"},
      {"no Job (yet): created", [](observation& o) { o.job.state = job_state::missing; },
       "create_job"},
    },
    restore_phase::validating);
  // The fence is the live read's: never 0 when the stored lock has one.
  auto o = with_suspended_job();
  o.cluster_read_after_job = true;
  o.fence = 0; // a restarted actor that no grant told
  auto s = decide(o);
  CAF_CHECK(s.kind == step_kind::unsuspend_job);
  CAF_CHECK_EQUAL(s.fence, 7);
  o.cluster->status.lock->fence = 0; // upstream's CRD pruned it: 0, and safety needs none
  CAF_CHECK_EQUAL(decide(o).fence, 0);
  // The live read is never a cached one, whatever the lock answer.
  o.cluster_read_after_job = false;
  for (auto lock : {lock_answer::none, lock_answer::granted}) {
    o.lock = lock;
    auto look = decide(o);
    CAF_CHECK(look.kind == step_kind::look_up_cluster);
    CAF_CHECK(!look.cached);
  }
}

CAF_TEST(a running restore whose Job is suspended watches it and stops it when the lock goes) {
  check_rows(
    {
      {"suspended after it started: watched (its deadline runs)", [](observation&) {},
       "watch_job"},
      {"the lock is another's: the suspended Job is deleted",
       [](observation& o) { hold(o, "openbaorestore/other/uid-9", model::cluster_operation::restore); },
       "delete_job"},
      {"being deleted: wait",
       [](observation& o) {
         o.lock = lock_answer::lost;
         o.job.deleting = true;
       },
       "wait"},
    },
    restore_phase::running);
}

CAF_TEST(a finished restore deletes a suspended Job that landed late before it releases) {
  for (auto phase : {restore_phase::completed, restore_phase::failed}) {
    check_rows(
      {
        {"Job not known: looked up while the lock is ours",
         [](observation& o) { o.job.state = job_state::unknown; }, "look_up_job"},
        {"a suspended Job (a create that landed late): deleted", [](observation&) {},
         "delete_job"},
        {"being deleted: wait", [](observation& o) { o.job.deleting = true; }, "wait"},
        {"gone: the lock is released",
         [](observation& o) { o.job.state = job_state::missing; }, "release_lock"},
        {"the Job that ran stays (it is the record's): the lock is released",
         [](observation& o) { o.job.state = job_state::succeeded; }, "release_lock"},
        {"a failed Job stays too", [](observation& o) { o.job.state = job_state::failed; },
         "release_lock"},
        {"the lock is not ours: nothing to do, no lookup",
         [](observation& o) {
           o.cluster->status.lock.reset();
           o.job.state = job_state::unknown;
         },
         "done"},
      },
      phase);
  }
}

CAF_TEST(deleting a restore deletes a suspended Job and looks again after the release) {
  auto deleting = [](observation& o) { o.restore.metadata.deletion_timestamp = at(0); };
  for (auto phase : {restore_phase::validating, restore_phase::running, restore_phase::failed}) {
    check_rows(
      {
        {"a suspended Job: deleted", deleting, "delete_job"},
        {"deleting: wait", [&](observation& o) { deleting(o); o.job.deleting = true; }, "wait"},
        {"gone: the lock is released",
         [&](observation& o) { deleting(o); o.job.state = job_state::missing; }, "release_lock"},
        // After the release the actor forgets the Job: "none then" is not "none ever".
        {"released: the Job is looked up once more",
         [&](observation& o) {
           deleting(o);
           o.cluster->status.lock.reset();
           o.lock = lock_answer::released;
           o.job.state = job_state::unknown;
         },
         "look_up_job"},
        {"a create that landed meanwhile: deleted too",
         [&](observation& o) {
           deleting(o);
           o.cluster->status.lock.reset();
           o.lock = lock_answer::released;
         },
         "delete_job"},
        {"still none: the finalizer goes",
         [&](observation& o) {
           deleting(o);
           o.cluster->status.lock.reset();
           o.lock = lock_answer::released;
           o.job.state = job_state::missing;
         },
         "remove_finalizer"},
      },
      phase);
  }
}
