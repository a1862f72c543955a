// The restore_request actor's loop: read the restore, then decide (next_step) and do one
// step at a time; every answer, report and change of the restore resumes the loop.
#include "actors/restore_request/restore_request.hpp"

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/restore_request/detail/restore_state.hpp"

namespace baorestore::restore {

using namespace detail;

namespace detail {

void say(self_ptr self, const std::string& what, log_entry::severity level) {
  auto& st = self->state;
  if (!st.config.log || what == st.last_log)
    return;
  st.last_log = what;
  log_entry e;
  e.level = level;
  e.namespace_ = st.ns;
  e.name = st.name_;
  if (st.have_restore)
    e.phase = std::string{model::to_string(st.obs.restore.status.phase)};
  e.msg = what;
  st.config.log(e);
}

/// A warning line of a Failed restore: `what` ("failed", "done") with its reason and message.
void say_failure(self_ptr self, const char* what, const std::string& reason,
                 const std::string& message) {
  auto& st = self->state;
  if (!st.config.log)
    return;
  st.last_log = what;
  log_entry e;
  e.level = log_entry::severity::warn;
  e.namespace_ = st.ns;
  e.name = st.name_;
  e.phase = "Failed";
  e.msg = what;
  e.reason = reason;
  e.message = message;
  st.config.log(e);
}

void say_failed(self_ptr self, const std::string& reason, const std::string& message) {
  say_failure(self, "failed", reason, message);
}

void say_done(self_ptr self) {
  auto& st = self->state;
  const auto& status = st.obs.restore.status;
  if (!st.have_restore || status.phase != model::restore_phase::failed)
    return say(self, "done");
  // A Failed restore's last line says why, whatever was logged before (DESIGN §8).
  std::string reason;
  for (const auto& c : status.conditions)
    if (c.type == condition_restore_complete)
      reason = c.reason;
  say_failure(self, "done", reason, status.message);
}

cluster_lock::cluster_key cluster_key_of(self_ptr self) {
  return {self->state.ns, self->state.obs.restore.spec.cluster};
}

/// Steps that read and decide nothing by themselves.
bool only_observes(step_kind k) {
  switch (k) {
    case step_kind::look_up_cluster:
    case step_kind::look_up_credentials:
    case step_kind::look_up_token:
    case step_kind::probe_snapshot:
    case step_kind::look_up_job:
    case step_kind::request_slot:
    case step_kind::wait:
      return true;
    default:
      return false;
  }
}

void advance(self_ptr self) {
  auto& st = self->state;
  if (st.busy || !st.have_restore)
    return;
  st.obs.now = st.config.clock ? st.config.clock()
                               : model::timestamp{std::chrono::time_point_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now())};
  auto s = next_step(st.obs, st.config.decisions);
  // Lookups come between two attempts of a failing step; another acting step means the
  // failed one is behind us, and its backoff starts over.
  if (st.failing && s.kind != *st.failing && !only_observes(s.kind)) {
    st.failing.reset();
    st.failures = 0;
  }
  st.performing = s.kind;
  say(self, to_string(s.kind));
  perform(self, s);
}

void resume(self_ptr self) {
  self->state.busy = false;
  advance(self);
}

void wait_then_resume(self_ptr self, std::chrono::milliseconds after) {
  auto& st = self->state;
  st.busy = true;
  self->delayed_send(self, after, tick_atom_v, ++st.tick);
}

} // namespace detail

namespace {

/// A read of the restore; 404 means there is nothing to do. The first read of an
/// incarnation may come from the gateway's watch cache (the controller started it for what
/// that watch saw; every write of the restore is conditional on its resourceVersion, so a
/// stale one costs a 409 and a live read); later ones, after a wait or a failed write, are
/// live.
void read_restore(self_ptr self, bool cached) {
  auto& st = self->state;
  st.busy = true;
  gateway::get_request<model::openbao_restore> req{{st.ns, st.name_}};
  req.cached = cached;
  self->request(st.config.gateway, caf::infinite, caf::get_atom_v, std::move(req))
    .then(
      [self](model::openbao_restore& r) {
        self->state.obs.restore = std::move(r);
        self->state.have_restore = true;
        resume(self);
      },
      [self](caf::error& e) {
        if (e == gateway::api_errc::not_found) {
          say(self, "gone");
          self->quit();
          return;
        }
        say(self, "cannot read the restore: " + gateway::api_error_message(e),
            log_entry::severity::warn);
        self->state.busy = false;
        self->delayed_send(self, std::chrono::seconds{2}, tick_atom_v, ++self->state.tick);
      });
}

/// Stops the job watcher (its outcome is no longer awaited) and ends the wait for it.
void stop_watcher(self_ptr self) {
  auto& st = self->state;
  // Unlinked first: its exit must not take this actor with it.
  self->unlink_from(st.watcher);
  self->send_exit(st.watcher, caf::exit_reason::user_shutdown);
  st.watcher = nullptr;
  st.obs.job = {};
  st.busy = false;
}

/// Everything is looked up again after a wait: state comes from the API server.
void forget_lookups(observation& o) {
  o.cluster_state = lookup::unknown;
  o.cluster.reset();
  o.cluster_cached = false;
  o.cluster_read_after_job = false;
  o.credentials = {};
  o.token = {};
  o.job = {};
  if (o.snapshot.state == snapshot_state::unreachable)
    o.snapshot = {};
  if (o.slot.state == slot_answer::queued) // asked again: it keeps its place
    o.slot.state = slot_answer::unasked;
}

/// Whether `a` is a later version than `b` (watch events may trail our own writes).
bool newer(const model::openbao_restore& a, const model::openbao_restore& b) {
  const auto& x = a.metadata.resource_version;
  const auto& y = b.metadata.resource_version;
  bool numeric = !x.empty() && !y.empty() && x.size() < 19 && y.size() < 19
                 && x.find_first_not_of("0123456789") == std::string::npos
                 && y.find_first_not_of("0123456789") == std::string::npos;
  return numeric ? std::stoll(x) > std::stoll(y) : x != y;
}

restore_request_impl::behavior_type restore_actor(self_ptr self, std::string ns,
                                                  std::string name,
                                                  restore_request_config config) {
  auto& st = self->state;
  st.ns = std::move(ns);
  st.name_ = std::move(name);
  st.config = std::move(config);
  if (st.config.limited && st.config.controller)
    st.obs.slot.state = slot_answer::unasked;
  read_restore(self, true);
  return {
    [self](restore_changed& c) {
      auto& st = self->state;
      if (!st.have_restore || newer(c.restore, st.obs.restore)) {
        st.obs.restore = std::move(c.restore);
        st.have_restore = true;
        // Watching the Job waits for its outcome; a deletion (or a spec change) cannot.
        if (st.watcher && (st.obs.restore.metadata.deletion_timestamp
                           || st.obs.restore.metadata.generation
                                != st.obs.restore.status.observed_generation))
          stop_watcher(self);
        if (st.slot_waiting && st.obs.restore.metadata.deletion_timestamp) {
          st.slot_waiting = false; // a deletion does not wait for a slot
          ++st.tick;
          st.busy = false;
        }
      }
      advance(self);
    },
    [self](restore_removed) { self->quit(); },
    [self](slot_granted) {
      auto& st = self->state;
      st.obs.slot.state = slot_answer::granted;
      if (st.slot_waiting) { // end the wait now
        st.slot_waiting = false;
        ++st.tick;
        st.busy = false;
      }
      advance(self);
    },
    [self](watcher_atom) { return caf::actor_cast<caf::actor>(self->state.watcher); },
    [self](tick_atom, std::uint64_t n) {
      auto& st = self->state;
      if (n != st.tick)
        return;
      st.slot_waiting = false;
      // Everything is read again, the restore included (a write of ours may have met a
      // conflict): state comes from the API server.
      forget_lookups(st.obs);
      read_restore(self, false);
    },
    [self](probe_done& p) {
      auto& o = self->state.obs;
      static constexpr snapshot_state by_outcome[] = {
        snapshot_state::found, snapshot_state::not_found, snapshot_state::forbidden,
        snapshot_state::unreachable, snapshot_state::error};
      o.snapshot.state = by_outcome[static_cast<int>(p.result.outcome)];
      o.snapshot.size = p.result.size;
      o.snapshot.message = std::move(p.result.message);
      resume(self);
    },
    [self](job_watch::job_succeeded&) {
      self->state.obs.job.state = job_state::succeeded;
      self->state.watcher = nullptr;
      resume(self);
    },
    [self](job_watch::job_failed& f) {
      auto& j = self->state.obs.job;
      j.state = job_state::failed;
      j.reason = std::move(f.reason);
      j.message = std::move(f.message);
      self->state.watcher = nullptr;
      resume(self);
    },
    [self](job_watch::job_missing&) {
      self->state.obs.job.state = job_state::missing;
      self->state.watcher = nullptr;
      resume(self);
    },
    [self](job_watch::job_lock_lost&) {
      self->state.obs.lock = lock_answer::lost;
      self->state.obs.cluster_state = lookup::unknown;
      self->state.watcher = nullptr;
      resume(self);
    },
    [self](cluster_lock::lock_lost&) {
      // Told by the lock actor at once (a forced override, an outside writer).
      auto& st = self->state;
      st.obs.lock = lock_answer::lost;
      st.obs.cluster_state = lookup::unknown;
      if (st.watcher)
        stop_watcher(self);
      advance(self);
    },
  };
}

} // namespace

restore_request_actor spawn_restore_request(caf::actor_system& sys, std::string ns,
                                            std::string name, restore_request_config config) {
  return sys.spawn(restore_actor, std::move(ns), std::move(name), std::move(config));
}

} // namespace baorestore::restore
