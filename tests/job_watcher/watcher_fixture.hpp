#pragma once
// Shared fixture of the job_watcher suite: the in-memory gateway with a cluster whose lock the
// restore holds and a running Job, a lock registry, and a parent actor (the restore's
// stand-in) that spawns the watcher and records what it is told.
//
// Include after "caf/test/dsl.hpp" (which needs CAF_SUITE first). Time: the fixture's run()
// fires every pending timer (a live watcher never runs out of them); tests move messages with
// settle() (sched.run(): no time passes) and time with pass(d), and the fixture stops every
// watcher before it ends.

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "actors/job_watcher/job_watcher.hpp"

namespace job_watcher_test {

using namespace baorestore;
using namespace baorestore::job_watch;
using namespace std::chrono_literals;
using gateway::api_errc;
using gateway::verb;


inline const std::string holder = "openbaorestore/r1/uid-r1";
inline const model::timestamp wall_start{std::chrono::seconds{1'800'000'000}};

using report = std::variant<job_succeeded, job_failed, job_missing, job_lock_lost>;

/// Makes the parent quit normally.
using quit_atom = caf::atom_constant<caf::atom("quitnow")>;
constexpr quit_atom quit_atom_v{};

/// What the parent was told, and by whom.
struct parent_log {
  std::vector<report> reports;
  std::vector<caf::actor_addr> senders;
  caf::actor watcher;
  std::optional<caf::error> watcher_exit;
};

/// The restore actor's stand-in: spawns its watcher (linked, reporting to it) and records.
inline caf::behavior parent(caf::event_based_actor* self, job_watch_config cfg,
                     std::shared_ptr<parent_log> log) {
  auto w = spawn_job_watcher(self, std::move(cfg));
  log->watcher = caf::actor_cast<caf::actor>(w);
  self->monitor(w);
  self->set_down_handler([=](caf::down_msg& dm) { log->watcher_exit = dm.reason; });
  auto record = [=](auto& x) {
    log->reports.emplace_back(std::move(x));
    log->senders.push_back(self->current_sender() ? self->current_sender()->address()
                                                  : caf::actor_addr{});
  };
  return {
    [self](quit_atom) { self->quit(); },
    [=](job_succeeded& x) { record(x); },
    [=](job_failed& x) { record(x); },
    [=](job_missing& x) { record(x); },
    [=](job_lock_lost& x) { record(x); },
  };
}

/// Records job_succeeded only (a report_to that did not spawn the watcher).
inline caf::behavior success_sink(caf::event_based_actor*, std::shared_ptr<parent_log> log) {
  return {
    [log](job_succeeded& x) { log->reports.emplace_back(std::move(x)); },
  };
}

/// A lock actor that answers queries from a script (the last entry repeats).
struct scripted_lock_state {
  std::vector<caf::expected<cluster_lock::lock_status>> script;
  std::size_t next = 0;
  static inline const char* name = "scripted_lock";
};

inline cluster_lock::cluster_lock_actor::behavior_type
scripted_lock(cluster_lock::cluster_lock_actor::stateful_pointer<scripted_lock_state> self,
              std::vector<caf::expected<cluster_lock::lock_status>> script) {
  self->state.script = std::move(script);
  return {
    [](cluster_lock::acquire_request&) -> caf::result<cluster_lock::lock_reply> {
      return caf::make_error(cluster_lock::lock_errc::invalid_request);
    },
    [](cluster_lock::release_request&) -> caf::result<cluster_lock::lock_reply> {
      return caf::make_error(cluster_lock::lock_errc::invalid_request);
    },
    [](cluster_lock::renew_request&) -> caf::result<cluster_lock::lock_reply> {
      return caf::make_error(cluster_lock::lock_errc::invalid_request);
    },
    [self](cluster_lock::query_request&) -> caf::result<cluster_lock::lock_status> {
      auto& st = self->state;
      auto& x = st.script[std::min(st.next, st.script.size() - 1)];
      ++st.next;
      if (x)
        return *x;
      return x.error();
    },
    [](cluster_lock::cluster_observed&) {
      // nop
    },
  };
}

inline model::operation_lock restore_lock(std::string who, std::int64_t fence) {
  model::operation_lock l;
  l.operation = model::cluster_operation::restore;
  l.holder = std::move(who);
  l.message = "restore r1";
  l.acquired_at = wall_start;
  l.fence = fence;
  return l;
}

inline model::job_condition cond(std::string type, std::string reason = {},
                          std::string message = {}) {
  model::job_condition c;
  c.type = std::move(type);
  c.status = "True";
  c.reason = std::move(reason);
  c.message = std::move(message);
  return c;
}

struct watcher_fixture : test_coordinator_fixture<> {
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  gateway::api_gateway_actor gw;
  cluster_lock::lock_registry_actor registry;
  const cluster_lock::cluster_key cluster{"tenant-a", "vault"};
  model::job job; // as stored, with its uid
  std::vector<caf::actor> parents;
  std::vector<std::string> warnings;

  watcher_fixture() {
    gw = sys.spawn(gateway::memory_gateway, store);
    cluster_lock::lock_config lc;
    lc.gateway = gw;
    lc.idle_timeout = 1h;
    lc.wall_clock_start = wall_start;
    registry = cluster_lock::spawn_lock_registry(sys, lc);
    model::openbao_cluster c;
    c.metadata.namespace_ = cluster.namespace_;
    c.metadata.name = cluster.name;
    c.status.initialized = true;
    c.status.lock = restore_lock(holder, 3);
    store->put(std::move(c));
    job = store->put(make_job());
    settle();
    store->clear_calls();
  }

  ~watcher_fixture() override {
    for (auto& p : parents)
      caf::anon_send_exit(p, caf::exit_reason::user_shutdown); // the linked watcher follows
    settle();
  }

  static model::job make_job() {
    model::job j;
    j.metadata.namespace_ = "tenant-a";
    j.metadata.name = "vault-restore-r1";
    model::container c;
    c.name = "restore";
    c.image = "openbao/restore:1";
    j.spec.template_.spec.containers.push_back(c);
    j.spec.template_.spec.restart_policy = "Never";
    j.status.active = 1;
    return j;
  }

  void settle() {
    sched.run();
  }

  void pass(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  /// Fast at first, doubling to 8 s; no jitter unless a test asks for it.
  job_watch_config config() {
    job_watch_config cfg;
    cfg.gateway = gw;
    cfg.locks = registry;
    cfg.cluster = cluster;
    cfg.job = {job.metadata.namespace_, job.metadata.name, job.metadata.uid};
    cfg.holder = holder;
    cfg.fence = 3;
    cfg.schedule.initial = 1s;
    cfg.schedule.growth = 2.0;
    cfg.schedule.ceiling = 8s;
    cfg.schedule.jitter = 0.0;
    cfg.seed = 42;
    cfg.failure_warning_threshold = 2;
    cfg.on_warning = [this](const std::string& w) { warnings.push_back(w); };
    return cfg;
  }

  std::shared_ptr<parent_log> watch(job_watch_config cfg) {
    auto log = std::make_shared<parent_log>();
    parents.push_back(sys.spawn(parent, std::move(cfg), log));
    settle();
    return log;
  }

  std::shared_ptr<parent_log> watch() {
    return watch(config());
  }

  /// Writes the Job's status as the Job controller would (same uid).
  void set_job(std::vector<model::job_condition> cs,
               std::optional<model::timestamp> completion = std::nullopt) {
    auto j = *store->job(job.metadata.namespace_, job.metadata.name);
    j.status.active = 0;
    j.status.conditions = std::move(cs);
    j.status.completion_time = completion;
    store->put(std::move(j));
  }

  /// Another writer takes the lock; the lock actor hears of it as from its watch.
  void take_lock(std::string who, std::int64_t fence) {
    store->patch_cluster_status(cluster.namespace_, cluster.name,
                                R"({"status":{"operationLock":{"holder":")" + who
                                  + R"(","fence":)" + std::to_string(fence) + "}}}");
    caf::anon_send(registry, cluster_lock::cluster_observed{
                               *store->cluster(cluster.namespace_, cluster.name)});
    settle();
  }

  std::size_t job_gets() const {
    std::size_t n = 0;
    for (auto& c : store->calls())
      n += c.verb == verb::get && c.kind == "Job" ? 1 : 0;
    return n;
  }

  std::size_t cluster_gets() const {
    std::size_t n = 0;
    for (auto& c : store->calls())
      n += c.verb == verb::get && c.kind == "OpenBaoCluster" ? 1 : 0;
    return n;
  }

  /// The lock holder as the registry's lock actor has it cached (it reads the cluster
  /// itself only when it has no copy yet).
  std::string cached_holder() {
    std::string out = "(no answer)";
    auto h = self->request(registry, caf::infinite, cluster_lock::query_request{cluster});
    settle();
    h.receive([&](cluster_lock::lock_status& s) { out = s.lock ? s.lock->holder : ""; },
              [&](caf::error&) { out = "(error)"; });
    return out;
  }

  caf::timespan now() {
    return sched.clock().now().time_since_epoch();
  }
};

template <class T>
const T* as(const parent_log& log, std::size_t i) {
  return i < log.reports.size() ? std::get_if<T>(&log.reports[i]) : nullptr;
}

} // namespace job_watcher_test
