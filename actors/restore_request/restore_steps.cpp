// The restore_request actor's steps: each does one request (gateway, lock registry, snapshot
// probe), records what it learnt in the observation, and resumes the loop. A failed request
// is not a decision: the actor waits and observes everything again. The Job's steps are in
// restore_job_steps.cpp.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

#include <boost/json.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/restore_request/detail/restore_state.hpp"
#include "actors/restore_request/status_patch.hpp"

namespace baorestore::restore::detail {

namespace {

namespace json = boost::json;
using gateway::api_errc;

gateway::object_ref<model::openbao_restore> restore_ref(self_ptr self) {
  return {self->state.ns, self->state.name_};
}

lookup lookup_of(const caf::error& e) {
  return e == api_errc::not_found ? lookup::missing : lookup::failed;
}

/// "<restore>.<hash of uid, type and reason>": one name per restore and outcome, so that an
/// Event written again (a retry, a restarted actor) is the same Event (AlreadyExists).
std::string event_name(const model::openbao_restore& r, const event_note& note) {
  std::uint32_t h = 2166136261u; // FNV-1a: stable across builds and platforms
  for (unsigned char ch : r.metadata.uid + "/" + note.type + "/" + note.reason)
    h = (h ^ ch) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  auto base = r.metadata.name.substr(0, 240); // a name is at most 253 characters
  while (!base.empty() && (base.back() == '-' || base.back() == '.'))
    base.pop_back();
  return base + "." + buf;
}

model::event make_event(self_ptr self, const event_note& note) {
  auto& st = self->state;
  const auto& r = st.obs.restore;
  model::event ev;
  ev.metadata.name = event_name(r, note);
  ev.metadata.namespace_ = r.metadata.namespace_;
  ev.involved_object = {model::openbao_api_version, model::restore_kind, r.metadata.name,
                        r.metadata.namespace_, r.metadata.uid, r.metadata.resource_version};
  ev.reason = note.reason;
  ev.message = note.message;
  ev.type = note.type == "Warning" ? model::event_type::warning : model::event_type::normal;
  ev.count = 1;
  ev.first_timestamp = st.obs.now;
  ev.last_timestamp = st.obs.now;
  ev.source.component = st.config.component;
  ev.reporting_component = st.config.component;
  return ev;
}

/// Best effort (the override Warning): an Event that cannot be written never holds up the
/// restore.
void record_event(self_ptr self, const event_note& note) {
  self
    ->request(self->state.config.gateway, caf::infinite, gateway::create_atom_v,
              gateway::create_request<model::event>{make_event(self, note)})
    .then([](const model::event&) {},
          [self](caf::error& e) {
            say(self, "event: " + gateway::api_error_message(e), log_entry::severity::warn);
          });
}

/// Writes the restore's metadata.finalizers (our finalizer added or removed).
void write_finalizers(self_ptr self, bool add) {
  auto& r = self->state.obs.restore;
  auto fs = r.metadata.finalizers;
  fs.erase(std::remove(fs.begin(), fs.end(), model::restore_finalizer), fs.end());
  if (add)
    fs.push_back(model::restore_finalizer);
  json::array arr;
  for (auto& f : fs)
    arr.emplace_back(f);
  auto patch = json::serialize(json::object{{"metadata", json::object{{"finalizers", arr}}}});
  self
    ->request(self->state.config.gateway, caf::infinite, gateway::patch_atom_v,
              gateway::patch_request<model::openbao_restore>{restore_ref(self), patch,
                                                             r.metadata.resource_version})
    .then(
      [self, add](model::openbao_restore& updated) {
        self->state.obs.restore = std::move(updated);
        if (!add) {
          say(self, "finalizer removed");
          self->quit();
          return;
        }
        resume(self);
      },
      retry_later(self, "finalizer write", request_kind::write));
}

void write_status(self_ptr self, const status_update& update, std::optional<event_note> event,
                  std::function<void()> then);
std::optional<api_errc> api_code_of(const caf::error& e);

/// The Event of a step (the Completed or failure Event of a terminal status) is written
/// before the status, under its deterministic name, and retried with the step until it is
/// there (AlreadyExists: written before, by this or an earlier incarnation). So no restore
/// ends without its Event, and none has two.
void write_event_then_status(self_ptr self, const status_update& update, const event_note& note,
                             std::function<void()> then) {
  auto& st = self->state;
  auto patch = status_patch(st.obs.restore.status, update, st.obs.now);
  if (!patch) { // the status says it already: so was the Event written
    then();
    return;
  }
  self
    ->request(st.config.gateway, caf::infinite, gateway::create_atom_v,
              gateway::create_request<model::event>{make_event(self, note), gateway::priority::high})
    .then([self, update, then](const model::event&) { write_status(self, update, {}, then); },
          [self, update, then](caf::error& e) {
            if (e == api_errc::already_exists)
              return write_status(self, update, {}, then);
            // An Event the API server refuses for good (422: say its name is invalid, as
            // for a restore a schema-less server let through) can never be written: the
            // status goes on without it rather than wait forever, and the log says so.
            if (classify_failure(api_code_of(e), request_kind::create) == failure_class::permanent) {
              say(self, "event refused, status written without it: " + gateway::api_error_message(e),
                  log_entry::severity::warn);
              return write_status(self, update, {}, then);
            }
            retry_later(self, "event write")(e);
          });
}

/// Writes `update` (when it changes anything), with `event` written first, then `then`.
void write_status(self_ptr self, const status_update& update, std::optional<event_note> event,
                  std::function<void()> then) {
  auto& st = self->state;
  if (event)
    return write_event_then_status(self, update, *event, std::move(then));
  auto patch = status_patch(st.obs.restore.status, update, st.obs.now);
  if (!patch) { // nothing changes: nothing is written
    then();
    return;
  }
  auto before = st.obs.restore.status.phase;
  self
    ->request(st.config.gateway, caf::infinite, gateway::patch_status_atom_v,
              gateway::patch_request<model::openbao_restore>{
                restore_ref(self), *patch, st.obs.restore.metadata.resource_version,
                gateway::priority::high})
    .then(
      [self, then, before](model::openbao_restore& updated) {
        auto& st = self->state;
        st.obs.restore = std::move(updated);
        if (st.obs.restore.status.phase != before)
          st.obs.healing_since.reset();
        then();
      },
      retry_later(self, "status write", request_kind::write));
}

void look_up_secret(self_ptr self, const std::string& name, secret_seen observation::*slot) {
  self
    ->request(self->state.config.gateway, caf::infinite, caf::get_atom_v,
              gateway::get_request<model::secret>{{self->state.ns, name}})
    .then(
      [self, slot](model::secret& s) {
        auto& seen = self->state.obs.*slot;
        seen.state = lookup::found;
        seen.keys.clear();
        for (auto& [k, v] : s.data)
          seen.keys.insert(k);
        // The credentials themselves are needed once, for the probe, and never kept.
        if (slot == &observation::credentials && self->state.config.probe)
          self->state.credentials_for_probe = std::move(s);
        resume(self);
      },
      [self, slot](caf::error& e) {
        auto& seen = self->state.obs.*slot;
        seen.state = lookup_of(e);
        seen.error = gateway::api_error_message(e);
        resume(self);
      });
}

void probe_snapshot(self_ptr self) {
  auto& st = self->state;
  const auto& spec = st.obs.restore.spec;
  auto target = st.credentials_for_probe
                  ? s3::make_probe_target(spec.source.target, spec.source.key,
                                          *st.credentials_for_probe)
                  : std::variant<s3::probe_target, std::string>{"credentials not read"};
  st.credentials_for_probe.reset();
  if (auto* why = std::get_if<std::string>(&target)) {
    st.obs.snapshot = {snapshot_state::error, -1, "cannot check the snapshot: " + *why};
    resume(self);
    return;
  }
  if (!st.config.probe) {
    st.obs.snapshot = {snapshot_state::error, -1, "no snapshot probe configured"};
    resume(self);
    return;
  }
  st.config.probe->check(std::get<s3::probe_target>(target),
                         [addr = self->address()](s3::probe_result r) {
                           if (auto hdl = caf::actor_cast<caf::actor>(addr))
                             caf::anon_send(hdl, probe_done{std::move(r)});
                         });
}

void acquire_lock(self_ptr self, const step& s) {
  auto& st = self->state;
  cluster_lock::acquire_request req;
  req.cluster = cluster_key_of(self);
  req.operation = model::cluster_operation::restore;
  req.holder = holder_of(st.obs.restore);
  req.message = "restore " + st.ns + "/" + st.name_;
  req.force = s.force_override;
  req.wait = st.config.decisions.lock_wait;
  const auto& seen = st.obs.cluster;
  if (st.obs.cluster_state == lookup::found && seen && !seen->status.lock)
    req.seen_free_at = seen->metadata.resource_version;
  st.obs.lock = lock_answer::waiting;
  self->request(st.config.locks, caf::infinite, std::move(req))
    .then(
      [self](cluster_lock::lock_reply& r) {
        auto& o = self->state.obs;
        if (r.outcome != cluster_lock::lock_outcome::granted) {
          o.cluster_state = lookup::unknown; // read it again
          o.lock = lock_answer::busy;
          resume(self);
          return;
        }
        // Granted on the very version validated: the cluster is as checked, with the lock
        // now held (not read again: one GET less per restore). Granted on another version
        // (after a wait, or the cached view was stale): it changed, read it again (live).
        if (o.cluster_state == lookup::found && o.cluster && r.current
            && r.decided_on == o.cluster->metadata.resource_version)
          o.cluster->status.lock = r.current;
        else
          o.cluster_state = lookup::unknown;
        o.cluster_read_after_job = false; // what the lock actor wrote is no read
        o.lock = lock_answer::granted;
        o.fence = r.fence;
        if (r.previous) {
          o.taken_over = r.previous;
          record_event(self, {"Warning", "OperationLockOverride",
                              "took the operation lock from "
                                + std::string{model::to_string(r.previous->operation)} + " "
                                + r.previous->holder});
        }
        resume(self);
      },
      [self](caf::error& e) {
        if (e == cluster_lock::lock_errc::cluster_not_found) {
          self->state.obs.cluster_state = lookup::missing;
          self->state.obs.lock = lock_answer::none;
          resume(self);
          return;
        }
        self->state.obs.lock = lock_answer::none;
        retry_later(self, "lock acquire")(e);
      });
}

/// Asks the controller for a slot under the per-tenant running limit (admission.hpp).
void request_slot(self_ptr self) {
  auto& st = self->state;
  const auto& r = st.obs.restore;
  slot_request req{st.ns, st.name_, r.spec.cluster, holder_of(r),
                   r.metadata.creation_timestamp.value_or(model::timestamp{})};
  self->request(st.config.controller, caf::infinite, std::move(req))
    .then(
      [self](slot_verdict& v) {
        auto& st = self->state;
        if (st.obs.slot.state != slot_answer::granted) { // not granted meanwhile
          st.obs.slot.state = v.granted ? slot_answer::granted : slot_answer::queued;
          st.obs.slot.message = v.granted ? std::string{} : waiting_message(st.ns, v);
        }
        resume(self);
      },
      retry_later(self, "slot request"));
}

void release_lock(self_ptr self) {
  auto& st = self->state;
  cluster_lock::release_request req{cluster_key_of(self), model::cluster_operation::restore,
                                    holder_of(st.obs.restore)};
  self->request(st.config.locks, caf::infinite, std::move(req))
    .then(
      [self](cluster_lock::lock_reply& r) {
        auto& o = self->state.obs;
        o.lock = lock_answer::released;
        // The Job is looked at again after the release: "none" before it was "none then",
        // and a create in flight may have landed meanwhile (DESIGN §4).
        o.job = {};
        o.cluster_read_after_job = false;
        // Released: the lock actor's write succeeded, the cluster is no longer ours (not read
        // again). Anything else: read it again.
        if (r.outcome == cluster_lock::lock_outcome::released && o.cluster)
          o.cluster->status.lock.reset();
        else
          o.cluster_state = lookup::unknown;
        resume(self);
      },
      retry_later(self, "lock release"));
}

} // namespace

namespace {

/// The api_errc of a gateway failure; nullopt for any other error (a request timeout, a
/// lock actor's answer, an actor gone).
std::optional<api_errc> api_code_of(const caf::error& e) {
  if (e.category() != caf::detail::error_factory<api_errc>::category)
    return std::nullopt;
  return static_cast<api_errc>(e.code());
}

/// "Job create" -> "JobCreateRejected": the condition reason of a refused request.
std::string rejected_reason(const std::string& what) {
  std::string out;
  bool upper = true;
  for (char c : what) {
    if (c == ' ') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out + "Rejected";
}

/// The server's message, bounded (a condition message is at most 32 KiB).
std::string bounded(std::string s) {
  constexpr std::size_t max = 4096;
  if (s.size() > max)
    s = s.substr(0, max) + "...";
  return s;
}

} // namespace

std::function<void(caf::error&)> retry_later(self_ptr self, std::string what, request_kind kind) {
  return [self, what = std::move(what), kind](caf::error& e) {
    auto& st = self->state;
    if (st.failing != st.performing) {
      st.failing = st.performing;
      st.failures = 0;
    }
    auto draw = std::uniform_real_distribution<double>{0.0, 1.0}(st.rng);
    auto code = api_code_of(e);
    auto verdict = judge_failure(code, kind, st.failures++, st.config.retry_backoff, draw);
    auto why = gateway::api_error_message(e);
    // A create refused for good fails the restore at once (next_step): it would be refused
    // again, and a lock held meanwhile would block every other operation on the cluster.
    // Only once: should the Failed status itself be refused, it is retried with backoff.
    if (verdict.kind == failure_class::permanent && kind == request_kind::create
        && !st.obs.refused) {
      say(self, what + " refused by the API server: " + why + "; the restore fails",
          log_entry::severity::warn);
      st.obs.refused = refusal{rejected_reason(what),
                               bounded(what + " refused by the API server ("
                                       + gateway::to_string(*code) + "): " + why)};
      return resume(self);
    }
    auto delay = verdict.backoff;
    say(self, what + " failed (" + to_string(verdict.kind) + "): " + why + "; again in "
                + std::to_string(delay.count()) + "ms", log_entry::severity::warn);
    // A restore never waits silently: while validating, its message says what is retried
    // (not for a failed write of the restore itself, which would meet the same trouble).
    auto message = "retrying: " + what + " failed: " + bounded(why);
    if (kind != request_kind::write
        && st.obs.restore.status.phase == model::restore_phase::validating
        && st.obs.restore.status.message != message) {
      status_update u;
      u.message = std::move(message);
      return write_status(self, u, std::nullopt, [self, delay] { wait_then_resume(self, delay); });
    }
    st.busy = false;
    wait_then_resume(self, delay);
  };
}

void look_up_cluster(self_ptr self, bool cached) {
  auto key = cluster_key_of(self);
  gateway::get_request<model::openbao_cluster> req{{key.namespace_, key.name}};
  req.cached = cached;
  self->request(self->state.config.gateway, caf::infinite, caf::get_atom_v, std::move(req))
    .then(
      [self, cached](model::openbao_cluster& c) {
        auto& o = self->state.obs;
        o.cluster = std::move(c);
        o.cluster_state = lookup::found;
        o.cluster_cached = cached;
        // A live read after the Job was seen is what may unsuspend it (DESIGN §4 step 3).
        o.cluster_read_after_job = !cached && o.job.state != job_state::unknown;
        // The fence of our lock as stored: Jobs and the job watcher carry it, also after a
        // restart (when no grant of this incarnation told it).
        const auto& lock = o.cluster->status.lock;
        if (lock && lock->holder == holder_of(o.restore) && lock->fence.value_or(0) != 0)
          o.fence = *lock->fence;
        resume(self);
      },
      [self](caf::error& e) {
        auto& o = self->state.obs;
        o.cluster_state = lookup_of(e);
        o.cluster_cached = false;
        o.cluster_read_after_job = false;
        resume(self);
      });
}

void perform(self_ptr self, const step& s) {
  auto& st = self->state;
  st.busy = true;
  switch (s.kind) {
    case step_kind::add_finalizer:
      return write_finalizers(self, true);
    case step_kind::remove_finalizer:
      return write_finalizers(self, false);
    case step_kind::update_status:
      return write_status(self, s.status, s.event, [self, s] {
        if (s.status.phase == model::restore_phase::failed)
          say_failed(self, s.event ? s.event->reason : std::string{},
                     s.status.message.value_or(""));
        resume(self);
      });
    case step_kind::wait:
      if (s.healing && !st.obs.healing_since)
        st.obs.healing_since = st.obs.now;
      return write_status(self, s.status, s.event,
                          [self, after = s.after,
                           for_slot = st.obs.slot.state == slot_answer::queued] {
                            auto& st = self->state;
                            if (for_slot && st.obs.slot.state == slot_answer::granted)
                              return resume(self); // granted while the status was written
                            st.slot_waiting = for_slot;
                            wait_then_resume(self, after);
                          });
    case step_kind::request_slot:
      return request_slot(self);
    case step_kind::look_up_cluster:
      return look_up_cluster(self, s.cached);
    case step_kind::look_up_credentials:
      return look_up_secret(self, st.obs.restore.spec.source.target.credentials_secret_ref->name,
                            &observation::credentials);
    case step_kind::look_up_token:
      return look_up_secret(self, st.obs.restore.spec.token_secret_ref->name, &observation::token);
    case step_kind::probe_snapshot:
      return probe_snapshot(self);
    case step_kind::look_up_job:
      return look_up_job(self);
    case step_kind::acquire_lock: // says whom it waits for (if anyone), then asks
      return write_status(self, s.status, s.event, [self, s] { acquire_lock(self, s); });
    case step_kind::create_job:
      return create_job(self);
    case step_kind::unsuspend_job:
      return unsuspend_job(self, s.fence);
    case step_kind::watch_job:
      watch_job(self);
      return; // stays busy until the watcher reports
    case step_kind::delete_job:
      return delete_job(self);
    case step_kind::release_lock:
      return release_lock(self);
    case step_kind::done:
      if (st.config.controller)
        caf::anon_send(st.config.controller, restore_done{st.obs.restore.metadata.uid,
                                                          st.obs.restore.metadata.resource_version});
      say_done(self);
      self->quit();
      return;
  }
}

} // namespace baorestore::restore::detail
