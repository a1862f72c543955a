#include "actors/job_watcher/job_watcher.hpp"

#include <random>
#include <utility>

#include "caf/all.hpp"

#include "actors/job_watcher/job_outcome.hpp"

namespace baorestore::job_watch {

namespace {

struct watcher_state {
  job_watch_config cfg;
  std::mt19937_64 rng;
  std::uint32_t waits = 0;                // intervals scheduled so far (poll_schedule's n)
  std::uint32_t consecutive_failures = 0; // failed polls since the last good one
  std::uint64_t tick = 0;                 // sequence number of the pending poll timer
  static inline const char* name = "job_watcher";
};

using self_ptr = job_watcher_actor::stateful_pointer<watcher_state>;

std::string job_key(const job_watch_config& cfg) {
  return cfg.job.namespace_ + "/" + cfg.job.name;
}

template <class Outcome>
void report(self_ptr self, Outcome outcome) {
  // A typed actor may send() to typed handles only; the parent is dynamically typed. The
  // outcome still comes from the watcher (current_sender), not anonymously.
  caf::unsafe_send_as(self, self->state.cfg.report_to, std::move(outcome));
  self->quit();
}

void schedule_next(self_ptr self) {
  auto& st = self->state;
  std::uniform_real_distribution<double> draw{0.0, 1.0};
  auto d = next_interval(st.cfg.schedule, st.waits, draw(st.rng));
  if (st.waits < UINT32_MAX)
    ++st.waits;
  self->delayed_send(self, d, poll_atom_v, ++st.tick);
}

void on_failure(self_ptr self, const caf::error& e, const char* what) {
  auto& st = self->state;
  ++st.consecutive_failures;
  auto every = st.cfg.failure_warning_threshold;
  if (every > 0 && st.consecutive_failures % every == 0 && st.cfg.on_warning)
    st.cfg.on_warning("job_watcher " + job_key(st.cfg) + ": "
                      + std::to_string(st.consecutive_failures)
                      + " consecutive failed polls; last: " + what + ": "
                      + gateway::api_error_message(e));
  schedule_next(self);
}

// The lock actor answers from its cache, which trails the API server whenever someone else
// wrote the lock since (another operator process, a person with kubectl): with two operators,
// cached answers killed running restores. So a lock that looks lost is read live, through the
// gateway and never from its watch cache, and only that read can conclude it is lost (DESIGN
// §4). What the read shows also goes to the lock actor, whose cache then catches up.
void confirm_lost(self_ptr self) {
  auto& cfg = self->state.cfg;
  gateway::get_request<model::openbao_cluster> get{{cfg.cluster.namespace_, cfg.cluster.name},
                                                   gateway::priority::high};
  get.cached = false;
  self->request(cfg.gateway, cfg.request_timeout, caf::get_atom_v, std::move(get))
    .then(
      [self](model::openbao_cluster& c) {
        auto& st = self->state;
        auto lock = c.status.lock;
        self->send(st.cfg.locks, cluster_lock::cluster_observed{std::move(c)});
        if (!is_lock_held(lock, st.cfg.holder, st.cfg.fence))
          return report(self, job_lock_lost{std::move(lock)});
        st.consecutive_failures = 0;
        schedule_next(self);
      },
      [self](caf::error& e) {
        // The cluster is gone, and its lock with it; anything else may pass.
        if (e == gateway::api_errc::not_found)
          return report(self, job_lock_lost{std::nullopt});
        on_failure(self, e, "cluster read");
      });
}

void check_lock(self_ptr self) {
  auto& cfg = self->state.cfg;
  if (!cfg.locks) {
    self->state.consecutive_failures = 0;
    return schedule_next(self);
  }
  self->request(cfg.locks, cfg.request_timeout, cluster_lock::query_request{cfg.cluster})
    .then(
      [self](cluster_lock::lock_status& s) {
        auto& st = self->state;
        if (!is_lock_held(s.lock, st.cfg.holder, st.cfg.fence))
          return confirm_lost(self);
        st.consecutive_failures = 0;
        schedule_next(self);
      },
      [self](caf::error& e) {
        // The cluster may be gone, and its lock with it: the live read tells.
        if (e == cluster_lock::lock_errc::cluster_not_found)
          return confirm_lost(self);
        on_failure(self, e, "lock query");
      });
}

void on_job(self_ptr self, const model::job& j) {
  auto& cfg = self->state.cfg;
  auto o = classify(j, cfg.job.uid);
  switch (o.phase) {
    case job_phase::missing:
      return report(self, job_missing{cfg.job.name, j.metadata.uid});
    case job_phase::succeeded:
      return report(self, job_succeeded{cfg.job.name, o.completion_time});
    case job_phase::failed:
      return report(self, job_failed{std::move(o.reason), std::move(o.message)});
    case job_phase::running:
      return check_lock(self);
  }
}

void poll(self_ptr self) {
  auto& cfg = self->state.cfg;
  gateway::get_request<model::job> get{{cfg.job.namespace_, cfg.job.name},
                                       gateway::priority::normal};
  self->request(cfg.gateway, cfg.request_timeout, caf::get_atom_v, std::move(get))
    .then([self](model::job& j) { on_job(self, j); },
          [self](caf::error& e) {
            if (e == gateway::api_errc::not_found)
              return report(self, job_missing{self->state.cfg.job.name, {}});
            on_failure(self, e, "get job");
          });
}

job_watcher_actor::behavior_type watcher_impl(self_ptr self, job_watch_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.rng.seed(st.cfg.seed != 0 ? st.cfg.seed : std::random_device{}());
  // Nobody to report to: stop. A link alone would not do: a parent that exits normally
  // sends a normal exit_msg, which CAF's default handler ignores.
  if (st.cfg.report_to) {
    self->monitor(st.cfg.report_to);
    self->set_down_handler([self](caf::down_msg& dm) {
      if (dm.source == self->state.cfg.report_to.address())
        self->quit();
    });
  }
  self->set_exit_handler([self](caf::exit_msg& m) { self->quit(std::move(m.reason)); });
  self->send(self, poll_atom_v, ++st.tick); // the first poll at once
  return {
    [self](poll_atom, std::uint64_t seq) {
      if (seq == self->state.tick)
        poll(self);
    },
  };
}

} // namespace

job_watcher_actor spawn_job_watcher(caf::actor_system& sys, job_watch_config config) {
  return sys.spawn(watcher_impl, std::move(config));
}

job_watcher_actor spawn_job_watcher(caf::local_actor* parent, job_watch_config config) {
  if (!config.report_to)
    config.report_to = caf::actor_cast<caf::actor>(parent);
  return parent->spawn<caf::linked>(watcher_impl, std::move(config));
}

} // namespace baorestore::job_watch
