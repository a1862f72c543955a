#define CAF_SUITE restore.late_create
#include "caf/test/dsl.hpp"

// Issue 16, finding 1: a Job create held by the network (its reply late, past the gateway's
// deadline) lands after its restore was cancelled and the lock passed to another restore.
// Such a Job must never run: it is created suspended, and only a restore that has just read
// its own lock live unsuspends it. Also the restarts of DESIGN §4 around a suspended Job,
// the fence from the live lock, and the terminal Event written before the status.
//
// A proxy in front of the in-memory gateway holds Job creates on demand: the restore is told
// the create failed (as after the gateway's deadline), and the test lets it land later.

#include "tests/restore_request/restore_fixture.hpp"

using namespace restore_test;

namespace {

using hold_atom = caf::atom_constant<caf::atom("lchold")>;
using land_atom = caf::atom_constant<caf::atom("lcland")>;

struct proxy_state {
  // Not an aggregate: CAF constructs a state from its actor pointer when it can, and C++20
  // would take that pointer as `holding`.
  proxy_state() = default;
  static inline const char* name = "late_create_proxy";
  bool holding = false;
  std::vector<gateway::create_request<model::job>> held;
};

/// Forwards every request to `gw` (the reply goes straight to the requester), except Job
/// creates while holding: those are kept, and answered with the error a deadline gives.
caf::behavior late_create_proxy(caf::stateful_actor<proxy_state>* self, caf::actor gw) {
  self->set_default_handler(
    [gw](caf::scheduled_actor* s, caf::message_view& xs) -> caf::result<caf::message> {
      auto rp = s->make_response_promise();
      rp.delegate(gw, xs.move_content_to_message());
      return caf::delegated<caf::message>{};
    });
  return {
    [self, gw](gateway::create_atom a,
               gateway::create_request<model::job>& req) -> caf::result<model::job> {
      if (!self->state.holding)
        return self->delegate(caf::actor_cast<gateway::api_gateway_actor>(gw), a, std::move(req));
      self->state.held.push_back(std::move(req));
      return gateway::make_api_error(gateway::api_errc::transport,
                                     "request deadline passed (held by the network)");
    },
    [self](hold_atom, bool on) { self->state.holding = on; },
    [self, gw](land_atom) {
      // The held creates reach the API server now; their replies go nowhere.
      for (auto& req : self->state.held)
        caf::anon_send(gw, gateway::create_atom_v, std::move(req));
      self->state.held.clear();
    },
  };
}

struct late_fixture : restore_fixture {
  caf::actor proxy;

  late_fixture() {
    proxy = sys.spawn(late_create_proxy, caf::actor_cast<caf::actor>(gw));
    config.gateway = caf::actor_cast<gateway::api_gateway_actor>(proxy);
  }

  ~late_fixture() {
    anon_send_exit(proxy, caf::exit_reason::user_shutdown);
  }

  void hold_creates(bool on) {
    self->send(proxy, hold_atom::value, on);
    settle();
  }

  void land_held_creates() {
    self->send(proxy, land_atom::value);
    settle();
  }

  /// Deletes the restore as kubectl does (its finalizer keeps it until the actor is done).
  void delete_restore(const std::string& name = "restore-1") {
    auto r = restore(name);
    r.metadata.deletion_timestamp = wall_start;
    store->put(r);
    self->send(caf::actor_cast<restore_request_actor>(*current), restore_changed{restore(name)});
    settle();
  }

  /// Whether a kubelet would run a pod for this Job: it exists and is not suspended.
  bool runs(const std::string& job_name) const {
    auto j = store->job("tenant-a", job_name);
    return j && !j->spec.suspend.value_or(false);
  }

  std::size_t job_patches(const std::string& job_name) const {
    std::size_t n = 0;
    for (const auto& c : store->calls())
      n += c.verb == gateway::verb::patch && c.kind == "Job" && c.name == job_name ? 1 : 0;
    return n;
  }

  /// A Job of restore `r` as an earlier incarnation created it: suspended, fence 0.
  model::job suspended_job_of(const model::openbao_restore& r) {
    auto c = store->cluster("tenant-a", "vault");
    auto j = build_restore_job(r, *c, 0, config.job);
    return store->put(j);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(late_create_tests, late_fixture)

CAF_TEST(a Job create that lands after its restore was cancelled never runs a pod) {
  hold_creates(true);
  start(make_restore());
  CAF_REQUIRE_EQUAL(lock_holder(), holder());
  CAF_REQUIRE(!store->job("tenant-a", "restore-restore-1")); // the create is in the network
  // Cancelled while the create is held: the restore finds no Job, releases, and goes.
  delete_restore();
  run_for(10s);
  CAF_REQUIRE(!store->restore("tenant-a", "restore-1"));
  CAF_CHECK_EQUAL(lock_holder(), "");
  // The lock passes to another restore, whose Job runs.
  hold_creates(false);
  start(make_restore("restore-2"));
  run_for(3s);
  CAF_REQUIRE(phase("restore-2") == restore_phase::running);
  CAF_CHECK_EQUAL(lock_holder(), holder("restore-2"));
  CAF_CHECK(runs("restore-restore-2"));
  // Now the held create lands: a Job of a restore that is gone, without the lock.
  land_held_creates();
  CAF_REQUIRE(store->job("tenant-a", "restore-restore-1"));
  run_for(60s, 1s);
  CAF_CHECK(!runs("restore-restore-1"));             // suspended: no pod, ever
  CAF_CHECK_EQUAL(job_patches("restore-restore-1"), 0u); // nobody unsuspended it
  CAF_CHECK_EQUAL(lock_holder(), holder("restore-2"));
}

CAF_TEST(a Job create that lands after its restore failed never runs a pod) {
  hold_creates(true);
  start(make_restore());
  CAF_REQUIRE_EQUAL(lock_holder(), holder());
  // The lock is taken from it by an outside writer while its create is held.
  hold_lock("openbaocluster/upgrade", "Upgrade");
  auto c = store->cluster("tenant-a", "vault");
  self->send(locks, cluster_lock::cluster_observed{*c});
  settle();
  run_for(10s);
  CAF_REQUIRE(phase() == restore_phase::failed);
  CAF_CHECK(message().find("the operation lock was taken before the Job started") == 0);
  land_held_creates();
  run_for(30s, 1s);
  CAF_CHECK(!runs("restore-restore-1"));
  CAF_CHECK_EQUAL(job_patches("restore-restore-1"), 0u);
  CAF_CHECK_EQUAL(lock_holder(), "openbaocluster/upgrade");
}

CAF_TEST(the Job is unsuspended only after a live read and with the fence of that read) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  auto j = store->job("tenant-a", "restore-restore-1");
  CAF_REQUIRE(j);
  CAF_CHECK(runs("restore-restore-1"));
  auto fence = store->cluster("tenant-a", "vault")->status.lock->fence.value_or(0);
  CAF_CHECK_NOT_EQUAL(fence, 0);
  CAF_CHECK_EQUAL(j->metadata.annotations["openbao.org/lock-fence"], std::to_string(fence));
  // Created suspended, then one patch with the created Job's resourceVersion as precondition.
  CAF_CHECK_EQUAL(job_patches("restore-restore-1"), 1u);
  std::string create_then_get_then_patch;
  for (const auto& c : store->calls()) {
    if (c.kind == "Job" && c.verb == gateway::verb::create)
      create_then_get_then_patch += "C";
    if (c.kind == "OpenBaoCluster" && c.verb == gateway::verb::get
        && !create_then_get_then_patch.empty())
      create_then_get_then_patch += "G";
    if (c.kind == "Job" && c.verb == gateway::verb::patch) {
      create_then_get_then_patch += "P";
      CAF_CHECK(!c.precondition.empty());
      break; // what the job watcher reads afterwards is not this order's
    }
  }
  CAF_CHECK_EQUAL(create_then_get_then_patch, "CGP");
}

CAF_TEST(a restarted restore that finds its lock and a suspended Job continues at the live read) {
  auto r = make_restore();
  r.metadata.finalizers = {model::restore_finalizer};
  r.status.phase = restore_phase::validating;
  r.status.observed_generation = 1;
  r = store->put(r);
  hold_lock(holder_of(r), "Restore"); // fence 5, as stored by an earlier incarnation
  suspended_job_of(r);
  start(r);
  run_for(2s);
  CAF_CHECK(phase() == restore_phase::running);
  CAF_CHECK(runs("restore-restore-1"));
  auto j = store->job("tenant-a", "restore-restore-1");
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(j->metadata.annotations["openbao.org/lock-fence"], "5"); // not the 0 it had
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u); // answered AlreadyExists: adopted
  finish_job(true);
  run_for(3s);
  CAF_CHECK(phase() == restore_phase::completed);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a restarted restore that holds its lock stamps its new Job with the stored fence) {
  auto r = make_restore();
  r.metadata.finalizers = {model::restore_finalizer};
  r.status.phase = restore_phase::validating;
  r.status.observed_generation = 1;
  r = store->put(r);
  hold_lock(holder_of(r), "Restore"); // fence 5; no grant of this incarnation tells it
  start(r);
  run_for(2s);
  CAF_REQUIRE(phase() == restore_phase::running);
  auto j = store->job("tenant-a", "restore-restore-1");
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(j->metadata.annotations["openbao.org/lock-fence"], "5");
}

CAF_TEST(a finished restore that finds a suspended Job deletes it before releasing) {
  auto r = make_restore();
  r.metadata.finalizers = {model::restore_finalizer};
  r.status.phase = restore_phase::failed;
  r.status.observed_generation = 1;
  r = store->put(r);
  hold_lock(holder_of(r), "Restore");
  suspended_job_of(r);
  start(r);
  run_for(3s);
  CAF_CHECK(!store->job("tenant-a", "restore-restore-1"));
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(the Completed Event is written before the status and a retry writes it once) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  // The status write of Completed fails once: the step is retried, the Event is not doubled.
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::server_error, 1);
  finish_job(true);
  run_for(10s);
  CAF_CHECK(phase() == restore_phase::completed);
  auto events = store->events("tenant-a");
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].reason, "Completed");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Event"), 2u); // the second: AlreadyExists
  // Written before the status that says Completed.
  std::string order;
  for (const auto& c : store->calls()) {
    if (c.kind == "Event" && c.verb == gateway::verb::create && !c.injected_failure)
      order += "E";
    if (c.kind == "OpenBaoRestore" && c.verb == gateway::verb::patch_status && !order.empty())
      order += "S";
  }
  CAF_CHECK(order.rfind("ES", 0) == 0);
}

CAF_TEST(a failed Event write holds the terminal status back until it is written) {
  start(make_restore());
  CAF_REQUIRE(phase() == restore_phase::running);
  store->fail_next(gateway::verb::create, gateway::api_errc::server_error, 2);
  finish_job(false, "DeadlineExceeded");
  run_for(2s, 250ms);
  CAF_CHECK(phase() == restore_phase::running); // not Failed without its Event
  run_for(20s);
  CAF_CHECK(phase() == restore_phase::failed);
  auto events = store->events("tenant-a");
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].reason, "JobFailed");
  CAF_CHECK(events[0].type == model::event_type::warning);
}

CAF_TEST_FIXTURE_SCOPE_END()
