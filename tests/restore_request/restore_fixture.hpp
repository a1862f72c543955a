#pragma once
// The restore actor suites' fixture: CAF's deterministic test coordinator, the in-memory
// gateway with cluster tenant-a/vault (initialized), the lock registry, and restores started
// under a supervisor, as the controller starts them. Time moves only with pass().
//
// Include after "caf/test/dsl.hpp" (which needs CAF_SUITE first).

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "actors/restore_request/detail/restore_state.hpp"
#include "actors/restore_request/restore_request.hpp"
#include "actors/supervisor/supervisor.hpp"

namespace restore_test {

using namespace baorestore;
using namespace baorestore::restore;
using namespace std::chrono_literals;
using model::restore_phase;

inline const model::timestamp wall_start{std::chrono::seconds{1'800'000'000}};

struct restore_fixture : test_coordinator_fixture<> {
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  gateway::api_gateway_actor gw;
  cluster_lock::lock_registry_actor locks;
  restore_request_config config;
  supervision::supervisor_actor supervisor;
  /// The latest incarnation of the restore actor the supervisor started.
  std::shared_ptr<caf::actor> current = std::make_shared<caf::actor>();
  caf::actor_clock::time_point started = sched.clock().now();

  restore_fixture() {
    gw = sys.spawn(gateway::memory_gateway, store);
    cluster_lock::lock_config lc;
    lc.gateway = gw;
    lc.retry_base = 100ms;
    lc.retry_cap = 1s;
    lc.wall_clock_start = wall_start;
    locks = cluster_lock::spawn_lock_registry(sys, lc);
    config.gateway = gw;
    config.locks = locks;
    config.job_polls.initial = 1s;
    config.job_polls.ceiling = 2s;
    config.job_polls.jitter = 0;
    config.clock = [this] {
      return wall_start
             + std::chrono::duration_cast<std::chrono::seconds>(sched.clock().now() - started);
    };
    if (std::getenv("RESTORE_LOG")) // what each restore actor does, for debugging a test
      config.log = [](const log_entry& e) {
        std::fprintf(stderr, "%s/%s: %s\n", e.namespace_.c_str(), e.name.c_str(), e.msg.c_str());
      };
    supervision::restart_policy p;
    p.intensity = 100;
    p.backoff_base = 100ms;
    p.backoff_cap = 100ms;
    supervisor = supervision::spawn_supervisor(sys, p);
    model::openbao_cluster c;
    c.metadata.namespace_ = "tenant-a";
    c.metadata.name = "vault";
    c.spec.replicas = 3;
    c.status.initialized = true;
    store->put(std::move(c));
    settle();
  }

  /// The base's destructor fires every timer until none is left: stop everything that
  /// re-arms one (job watchers poll for ever) first.
  ~restore_fixture() {
    anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    anon_send_exit(locks, caf::exit_reason::user_shutdown);
    settle();
  }

  void settle() { sched.run(); }

  void pass(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  /// Moves time in small steps (each timer fires in its turn), for `total`.
  void run_for(caf::timespan total, caf::timespan step = 500ms) {
    for (caf::timespan t{0}; t < total; t += step)
      pass(step);
  }

  model::openbao_restore make_restore(std::string name = "restore-1") {
    model::openbao_restore r;
    r.metadata.namespace_ = "tenant-a";
    r.metadata.name = std::move(name);
    r.metadata.generation = 1;
    r.spec.cluster = "vault";
    r.spec.source.target.bucket = "b";
    r.spec.source.key = "k.snap";
    r.spec.jwt_auth_role = "restore";
    return r;
  }

  /// Stores the restore and starts its actor under the supervisor.
  void start(model::openbao_restore r, bool run = true) {
    auto name = r.metadata.name;
    store->put(std::move(r));
    auto cfg = config;
    auto cur = current;
    auto factory = supervision::make_child_factory([cfg, name, cur](caf::local_actor* s) {
      auto a = spawn_restore_request(s->system(), "tenant-a", name, cfg);
      *cur = caf::actor_cast<caf::actor>(a);
      return a;
    });
    self->send(supervisor, supervision::start_child{"restore/" + name, factory});
    if (run)
      settle();
  }

  model::openbao_restore restore(std::string name = "restore-1") const {
    auto r = store->restore("tenant-a", name);
    CAF_REQUIRE(r);
    return *r;
  }

  restore_phase phase(std::string name = "restore-1") const { return restore(name).status.phase; }

  std::string message(std::string name = "restore-1") const { return restore(name).status.message; }

  std::string lock_holder() const {
    auto c = store->cluster("tenant-a", "vault");
    return c && c->status.lock ? c->status.lock->holder : std::string{};
  }

  std::string holder(std::string name = "restore-1") const { return holder_of(restore(name)); }

  /// The Job the kubelet would finish: Complete (or Failed with `reason`).
  void finish_job(bool ok, std::string reason = "BackoffLimitExceeded",
                  std::string name = "restore-restore-1") {
    auto j = store->job("tenant-a", name);
    CAF_REQUIRE(j);
    model::job_condition c;
    c.type = ok ? "Complete" : "Failed";
    c.status = "True";
    c.reason = ok ? "" : reason;
    c.message = ok ? "" : "the pod failed";
    j->status.conditions.push_back(c);
    (ok ? j->status.succeeded : j->status.failed) = 1;
    store->put(*j);
  }

  void hold_lock(std::string holder, std::string operation) {
    store->patch_cluster_status("tenant-a", "vault",
                                R"({"status":{"operationLock":{"operation":")" + operation
                                  + R"(","holder":")" + holder + R"(","fence":5}}})");
  }

  std::size_t count(gateway::verb v, const std::string& kind, bool failed = false) const {
    std::size_t n = 0;
    for (const auto& c : store->calls())
      n += c.verb == v && c.kind == kind && c.injected_failure == failed ? 1 : 0;
    return n;
  }
};

} // namespace restore_test
