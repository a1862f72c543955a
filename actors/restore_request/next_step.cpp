#include "actors/restore_request/next_step.hpp"

#include <algorithm>

#include "actors/restore_request/admission.hpp"
#include "actors/restore_request/restore_job.hpp"
#include "model/restore_validation.hpp"

namespace baorestore::restore {

using model::restore_phase;
using namespace std::chrono_literals;

std::string to_string(step_kind k) {
  switch (k) {
    case step_kind::add_finalizer:
      return "add_finalizer";
    case step_kind::update_status:
      return "update_status";
    case step_kind::look_up_cluster:
      return "look_up_cluster";
    case step_kind::look_up_credentials:
      return "look_up_credentials";
    case step_kind::look_up_token:
      return "look_up_token";
    case step_kind::probe_snapshot:
      return "probe_snapshot";
    case step_kind::look_up_job:
      return "look_up_job";
    case step_kind::request_slot:
      return "request_slot";
    case step_kind::acquire_lock:
      return "acquire_lock";
    case step_kind::create_job:
      return "create_job";
    case step_kind::unsuspend_job:
      return "unsuspend_job";
    case step_kind::watch_job:
      return "watch_job";
    case step_kind::delete_job:
      return "delete_job";
    case step_kind::release_lock:
      return "release_lock";
    case step_kind::remove_finalizer:
      return "remove_finalizer";
    case step_kind::wait:
      return "wait";
    case step_kind::done:
      return "done";
  }
  return "step?";
}

bool status_update::empty() const {
  return !phase && !message && conditions.empty() && !set_start_time && !set_completion_time
         && !snapshot_key && !snapshot_size && !observed_generation;
}

std::string holder_of(const model::openbao_restore& r) {
  return "openbaorestore/" + r.metadata.name + "/" + r.metadata.uid;
}

namespace {

// -- building steps --------------------------------------------------------------------------

step just(step_kind k) {
  step s;
  s.kind = k;
  return s;
}

model::condition make_condition(std::string type, std::string status, std::string reason,
                                std::string message, const observation& o) {
  model::condition c;
  c.type = std::move(type);
  c.status = std::move(status);
  c.reason = std::move(reason);
  c.message = std::move(message);
  c.observed_generation = o.restore.metadata.generation;
  return c;
}

/// The restore fails: phase, message, RestoreComplete=False with the reason, a Warning.
step fail(const observation& o, std::string reason, std::string message) {
  step s;
  s.kind = step_kind::update_status;
  s.status.phase = restore_phase::failed;
  s.status.message = message;
  s.status.set_completion_time = true;
  s.status.conditions.push_back(
    make_condition(condition_restore_complete, "False", reason, message, o));
  s.event = event_note{"Warning", std::move(reason), std::move(message)};
  return s;
}

/// Waits with `message` as the restore's message (written only when it changes).
step wait_with(const observation& o, std::string message, std::chrono::milliseconds after) {
  step s;
  s.kind = step_kind::wait;
  s.after = after;
  if (o.restore.status.message != message)
    s.status.message = std::move(message);
  return s;
}

/// An error that may heal (GitOps ordering, a store briefly unreachable): wait and look
/// again, until the validation deadline; then fail with `reason`.
step heal_or_fail(const observation& o, const restore_config& config, std::string reason,
                  std::string message) {
  if (o.healing_since && o.now - *o.healing_since >= config.validation_deadline)
    return fail(o, std::move(reason),
                message + " (still after " + std::to_string(config.validation_deadline.count())
                  + "s)");
  auto s = wait_with(o, "waiting: " + message, 5s);
  s.healing = true;
  return s;
}

/// A phase change, written with its message. No Event: the phase is in the status, where
/// `kubectl get -w` shows it; Events are for what the status cannot show as well (DESIGN
/// §8: Warnings on failure and override) and for the audit trail of a completed restore.
step phase_change(restore_phase to, std::string message) {
  step s;
  s.kind = step_kind::update_status;
  s.status.phase = to;
  s.status.message = std::move(message);
  return s;
}

// -- what is observed --------------------------------------------------------------------------

bool has_finalizer(const model::openbao_restore& r) {
  const auto& f = r.metadata.finalizers;
  return std::find(f.begin(), f.end(), model::restore_finalizer) != f.end();
}

bool lock_is_ours(const observation& o) {
  if (!o.cluster || !o.cluster->status.lock)
    return false;
  return o.cluster->status.lock->holder == holder_of(o.restore);
}

std::string lock_description(const model::operation_lock& l) {
  return std::string{model::to_string(l.operation)} + " " + l.holder;
}

bool condition_true(const std::vector<model::condition>& cs, std::string_view type) {
  return std::any_of(cs.begin(), cs.end(),
                     [&](const auto& c) { return c.type == type && c.status == "True"; });
}

std::string cluster_name(const observation& o) {
  return o.restore.metadata.namespace_ + "/" + o.restore.spec.cluster;
}

std::string job_name_of(const observation& o);

/// A Job of this restore (the controller's own states, not missing or another's).
bool job_is_ours(const observation& o) {
  switch (o.job.state) {
    case job_state::suspended:
    case job_state::running:
    case job_state::succeeded:
    case job_state::failed:
      return true;
    default:
      return false;
  }
}

/// The cluster read live after the Job was last seen (DESIGN §4 step 3): what may unsuspend.
bool read_live_after_job(const observation& o) {
  return o.cluster_state == lookup::found && !o.cluster_cached && o.cluster_read_after_job;
}

/// The grant this restore had is gone before its Job started: the lock actor said so, or a
/// live read no longer shows it (a read that trails the API server never counts).
bool lost_before_running(const observation& o) {
  if (o.lock == lock_answer::lost)
    return true;
  return o.lock == lock_answer::granted && o.cluster_state == lookup::found && !o.cluster_cached
         && !lock_is_ours(o);
}

/// A Job of ours that must not go on (the lock is gone, the restore deleted): looked up when
/// unknown (a create may have landed since), deleted, and waited for until it is gone.
/// Nullopt once there is none of ours.
std::optional<step> stop_job(const observation& o) {
  if (o.job.state == job_state::unknown)
    return just(step_kind::look_up_job);
  if (!job_is_ours(o))
    return std::nullopt;
  if (!o.job.deleting)
    return just(step_kind::delete_job);
  return wait_with(o, o.restore.status.message, 1s);
}

// -- the phases ------------------------------------------------------------------------------

/// Whether the cluster may be read from the gateway's watch cache: before the lock is
/// granted, where the lock write's resourceVersion precondition catches a stale view. Once
/// granted (or lost) the cluster is read live.
bool may_read_cached(const observation& o) {
  return o.lock == lock_answer::none || o.lock == lock_answer::busy;
}

/// Validation step 2: the cluster (nullopt: it is fine).
std::optional<step> check_cluster(const observation& o, const restore_config& config) {
  switch (o.cluster_state) {
    case lookup::unknown: {
      auto s = just(step_kind::look_up_cluster);
      s.cached = may_read_cached(o);
      return s;
    }
    case lookup::failed:
      return heal_or_fail(o, config, "ClusterUnreadable",
                          "cannot read OpenBaoCluster " + cluster_name(o));
    case lookup::missing:
      return fail(o, "ClusterNotFound", "OpenBaoCluster " + cluster_name(o) + " not found");
    case lookup::found:
      break;
  }
  if (o.cluster->metadata.deletion_timestamp)
    return fail(o, "ClusterDeleting", "OpenBaoCluster " + cluster_name(o) + " is being deleted");
  if (!o.restore.spec.force && !o.cluster->status.initialized)
    return fail(o, "ClusterNotInitialized",
                "OpenBaoCluster " + cluster_name(o) + " is not initialized");
  return std::nullopt;
}

/// Validation step 4: restore auth.
std::optional<step> check_auth(const observation& o, const restore_config& config) {
  const auto& spec = o.restore.spec;
  if (!spec.jwt_auth_role.empty())
    return std::nullopt;
  if (spec.token_secret_ref) {
    auto name = "Secret " + o.restore.metadata.namespace_ + "/" + spec.token_secret_ref->name;
    switch (o.token.state) {
      case lookup::unknown:
        return just(step_kind::look_up_token);
      case lookup::missing:
        return heal_or_fail(o, config, "AuthSecretNotFound", "token " + name + " not found");
      case lookup::failed:
        return heal_or_fail(o, config, "AuthSecretUnreadable",
                            "cannot read token " + name + ": " + o.token.error);
      case lookup::found:
        if (!o.token.keys.count("token"))
          return fail(o, "AuthSecretInvalid", "token " + name + " has no key \"token\"");
        return std::nullopt;
    }
  }
  const auto& si = o.cluster->spec.self_init;
  if (si && si->oidc && si->oidc->enabled)
    return std::nullopt; // the default role openbao-operator-restore
  return fail(o, "AuthenticationRequired",
              "authentication is required: set spec.jwtAuthRole or spec.tokenSecretRef, or "
              "enable OIDC self-init on the cluster");
}

/// Validation step 5: the snapshot, where the operator can check it.
std::optional<step> check_snapshot(const observation& o, const restore_config& config) {
  const auto& target = o.restore.spec.source.target;
  if (target.provider != model::provider_s3 || !target.credentials_secret_ref)
    return std::nullopt; // left to the Job; said in SnapshotVerified=Unknown
  auto name = "Secret " + o.restore.metadata.namespace_ + "/" + target.credentials_secret_ref->name;
  switch (o.credentials.state) {
    case lookup::unknown:
      return just(step_kind::look_up_credentials);
    case lookup::missing:
      return heal_or_fail(o, config, "CredentialsNotFound", "credentials " + name + " not found");
    case lookup::failed:
      return heal_or_fail(o, config, "CredentialsUnreadable",
                          "cannot read credentials " + name + ": " + o.credentials.error);
    case lookup::found:
      break;
  }
  switch (o.snapshot.state) {
    case snapshot_state::unchecked:
      return just(step_kind::probe_snapshot);
    case snapshot_state::found:
      return std::nullopt;
    case snapshot_state::unreachable:
      return heal_or_fail(o, config, "SnapshotUnreachable", o.snapshot.message);
    default:
      return fail(o, "SnapshotNotAccessible", o.snapshot.message);
  }
}

/// The Job and ServiceAccount this restore would create, checked by the API server's rules
/// before the lock is taken: a restore they would be refused for never touches the lock.
/// (Built with default settings: what they change, image and deadline, is not checked.)
std::optional<step> check_objects(const observation& o) {
  auto problems = unacceptable(build_restore_job(o.restore, *o.cluster, 0, job_settings{}),
                               build_service_account(*o.cluster));
  if (problems.empty())
    return std::nullopt;
  std::string message = "the API server would refuse what this restore creates: ";
  for (std::size_t i = 0; i < problems.size(); ++i)
    message += (i ? "; " : "") + problems[i];
  return fail(o, "InvalidSpec", message);
}

/// The per-tenant running limit, asked before the lock: nullopt once a slot is granted. Over
/// the limit the restore waits (a grant wakes it; it asks again after the wait anyway) with
/// an Admitted=False condition saying why.
std::optional<step> check_slot(const observation& o) {
  switch (o.slot.state) {
    case slot_answer::granted:
      return std::nullopt;
    case slot_answer::unasked:
      return just(step_kind::request_slot);
    case slot_answer::queued:
      break;
  }
  auto s = wait_with(o, o.slot.message, 60s);
  s.status.conditions.push_back(
    make_condition(condition_admitted, "False", reason_tenant_limit, o.slot.message, o));
  return s;
}

/// Admitted=True once a restore that waited for a slot got one (written with the next
/// phase change, never on its own).
void note_admitted(const observation& o, step& s) {
  for (const auto& c : o.restore.status.conditions)
    if (c.type == condition_admitted && c.status != "True")
      s.status.conditions.push_back(make_condition(condition_admitted, "True", "Admitted",
                                                   "a slot under perTenantRunningLimit", o));
}

/// Validation step 6 and the lock: nullopt once the lock is ours.
std::optional<step> check_conflicts(const observation& o) {
  const auto& spec = o.restore.spec;
  if (!spec.force && condition_true(o.cluster->status.conditions, "Upgrading"))
    return wait_with(o, "waiting: OpenBaoCluster " + cluster_name(o) + " is upgrading", 10s);
  if (lock_is_ours(o) || o.lock == lock_answer::granted)
    return std::nullopt;
  step s = just(step_kind::acquire_lock);
  s.force_override = spec.force && spec.override_operation_lock;
  const auto& held = o.cluster->status.lock;
  if (held && !s.force_override) {
    auto message = "waiting for lock held by " + lock_description(*held);
    if (o.restore.status.message != message)
      s.status.message = message;
  }
  return s;
}

/// The conditions and fields the restore shows once its Job exists.
step to_running(const observation& o) {
  auto s = phase_change(restore_phase::running,
                        "restore Job " + job_name_of(o) + " is running");
  s.status.set_start_time = !o.restore.status.start_time;
  s.status.snapshot_key = o.restore.spec.source.key;
  note_admitted(o, s);
  if (o.taken_over)
    s.status.conditions.push_back(make_condition(
      condition_lock_override, "True", "Overridden",
      "took the operation lock from " + lock_description(*o.taken_over), o));
  if (o.snapshot.state == snapshot_state::found) {
    s.status.snapshot_size = o.snapshot.size;
    s.status.conditions.push_back(make_condition(condition_snapshot_verified, "True", "Found",
                                                 o.snapshot.message, o));
  } else {
    s.status.conditions.push_back(make_condition(
      condition_snapshot_verified, "Unknown", "NotCheckable",
      "the operator cannot check this snapshot source; the restore Job will", o));
  }
  return s;
}

/// DESIGN §4 steps 3 and 4: a suspended Job of ours is unsuspended only after a live read,
/// made after the Job was seen, shows this restore's holder; the fence is that read's.
step start_job(const observation& o) {
  if (o.job.deleting) // someone is deleting it: see what is left afterwards
    return wait_with(o, o.restore.status.message, 1s);
  if (!read_live_after_job(o))
    return just(step_kind::look_up_cluster); // live: the lock is granted (or ours)
  if (!lock_is_ours(o)) // read live, not ours: ask for it (a lost grant is decided above)
    return just(step_kind::acquire_lock);
  auto s = just(step_kind::unsuspend_job);
  s.fence = o.cluster->status.lock->fence.value_or(0);
  return s;
}

/// A restore never fails on a cached view of its cluster (it may trail the API server: the
/// cluster initialized, or its OIDC enabled, a moment ago): such a failure is decided again
/// over the cluster read live.
step confirmed(const observation& o, step s) {
  bool fails = s.kind == step_kind::update_status && s.status.phase == restore_phase::failed;
  if (fails && o.cluster_state == lookup::found && o.cluster_cached)
    return just(step_kind::look_up_cluster);
  return s;
}

/// Validation past the spec rules, from the cluster on (what `confirmed` guards).
step validate_against_cluster(const observation& o, const restore_config& config) {
  for (auto check : {check_cluster, check_auth, check_snapshot})
    if (auto s = check(o, config))
      return *s;
  if (auto s = check_objects(o))
    return *s;
  if (auto s = check_slot(o)) // a restarted operator asks again before the lock
    return *s;
  if (lost_before_running(o)) {
    if (auto s = stop_job(o)) // a Job that landed (suspended, or started) goes first
      return *s;
    return fail(o, "LockLost", "the operation lock was taken before the Job started");
  }
  if (auto s = check_conflicts(o))
    return *s;
  switch (o.job.state) {
    case job_state::unknown: // created at once: one that exists is read and judged then
    case job_state::missing:
      return just(step_kind::create_job);
    case job_state::foreign:
      return fail(o, "JobConflict", "Job " + job_name_of(o) + " exists and is not this restore's");
    case job_state::suspended:
      return start_job(o);
    default:
      return to_running(o);
  }
}

std::string join_errors(const model::field_errors& errors) {
  std::string message;
  for (const auto& e : errors)
    message += (message.empty() ? "" : "; ") + model::to_string(e);
  return message;
}

step validating(const observation& o, const restore_config& config) {
  auto errors = model::validate_restore_spec(o.restore.spec);
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors)
      message += (message.empty() ? "" : "; ") + model::to_string(e);
    return fail(o, "InvalidSpec", message);
  }
  if (auto unsupported = model::unsupported_restore_features(o.restore.spec);
      !unsupported.empty())
    return fail(o, "NotSupported", join_errors(unsupported));
  return confirmed(o, validate_against_cluster(o, config));
}

step running(const observation& o) {
  if (o.cluster_state == lookup::unknown)
    return just(step_kind::look_up_cluster);
  bool lost = o.lock == lock_answer::lost
              || (o.cluster_state == lookup::found && !lock_is_ours(o))
              || o.cluster_state == lookup::missing;
  if (lost) {
    if (o.job.state == job_state::unknown)
      return just(step_kind::look_up_job);
    bool live = o.job.state == job_state::running || o.job.state == job_state::suspended;
    if (live && !o.job.deleting)
      return just(step_kind::delete_job); // stop it before saying Failed
    if (live)
      return wait_with(o, o.restore.status.message, 1s);
    const auto& now = o.cluster && o.cluster->status.lock ? o.cluster->status.lock : std::nullopt;
    return fail(o, "LockLost",
                "the operation lock was taken"
                  + (now ? " by " + lock_description(*now) : std::string{})
                  + " while the restore ran; its Job was stopped");
  }
  switch (o.job.state) {
    case job_state::unknown:
      return just(step_kind::look_up_job);
    case job_state::missing:
      return fail(o, "JobLost",
                  "restore Job " + job_name_of(o)
                    + " disappeared while running; it is not re-created because the restore "
                      "may have started");
    case job_state::foreign:
      return fail(o, "JobConflict", "Job " + job_name_of(o) + " exists and is not this restore's");
    case job_state::running:
    case job_state::suspended: // suspended after it started: its deadline still runs
      return just(step_kind::watch_job);
    case job_state::failed:
      return fail(o, "JobFailed",
                  "restore Job " + job_name_of(o) + " failed"
                    + (o.job.reason.empty() ? std::string{} : ": " + o.job.reason)
                    + (o.job.message.empty() ? std::string{} : ": " + o.job.message));
    case job_state::succeeded:
      break;
  }
  auto s = phase_change(restore_phase::completed,
                        "restore workflow finished: the cluster may need unsealing");
  s.event = event_note{"Normal", "Completed", *s.status.message}; // the audit trail's end
  s.status.set_completion_time = true;
  s.status.conditions.push_back(make_condition(condition_restore_complete, "True", "Completed",
                                               "the restore Job succeeded", o));
  return s;
}

/// Completed or Failed: the lock is released (retried) until the cluster is no longer ours.
/// Before that, a suspended Job (a create that landed after the restore ended) is deleted:
/// it would never run, and nothing else would remove it while the record stays.
step finished(const observation& o) {
  switch (o.cluster_state) {
    case lookup::unknown:
      return just(step_kind::look_up_cluster);
    case lookup::failed:
      return wait_with(o, o.restore.status.message, 5s);
    case lookup::missing:
      return just(step_kind::done);
    case lookup::found:
      break;
  }
  if (!lock_is_ours(o))
    return just(step_kind::done);
  if (o.job.state == job_state::unknown)
    return just(step_kind::look_up_job);
  if (o.job.state == job_state::suspended)
    return o.job.deleting ? wait_with(o, o.restore.status.message, 1s)
                          : just(step_kind::delete_job);
  return just(step_kind::release_lock);
}

/// The restore is being deleted: Job gone first, then the lock, then the finalizer. "No Job
/// now" is not "no Job ever": the Job is looked up again after the lock is released (the
/// actor forgets it then), so one whose create landed meanwhile is deleted too; one landing
/// even later is suspended for good, and removed with its vanished owner.
step cancelling(const observation& o) {
  if (!has_finalizer(o.restore))
    return just(step_kind::done);
  if (auto s = stop_job(o)) // missing, or not ours (never touched): on to the lock
    return *s;
  switch (o.cluster_state) {
    case lookup::unknown:
      return just(step_kind::look_up_cluster);
    case lookup::failed:
      return wait_with(o, o.restore.status.message, 5s);
    default:
      break;
  }
  if (lock_is_ours(o))
    return just(step_kind::release_lock);
  return just(step_kind::remove_finalizer);
}

std::string job_name_of(const observation& o) {
  return o.restore.metadata.namespace_ + "/" + restore_job_name(o.restore.metadata.name);
}

/// A new or Pending restore: Validating once it has a slot under the per-tenant running
/// limit, in one write with the generation it validates. Pending is written only for a
/// restore that the limit holds back (a status write less for every other restore).
step admit(const observation& o) {
  const auto& r = o.restore;
  bool is_new = r.status.phase == restore_phase::unset;
  if (auto s = check_slot(o)) {
    if (is_new && s->kind == step_kind::wait) {
      s->status.phase = restore_phase::pending;
      s->status.observed_generation = r.metadata.generation;
    }
    return *s;
  }
  auto s = phase_change(restore_phase::validating, "validating");
  if (is_new)
    s.status.observed_generation = r.metadata.generation;
  note_admitted(o, s);
  return s;
}

} // namespace

step next_step(const observation& o, const restore_config& config) {
  const auto& r = o.restore;
  auto phase = r.status.phase;
  if (r.metadata.deletion_timestamp)
    return cancelling(o);
  if (phase == restore_phase::completed || phase == restore_phase::failed)
    return finished(o);
  if (o.refused) // a create or write refused for good: fail now (then release the lock)
    return fail(o, o.refused->reason, o.refused->message);
  if (!has_finalizer(r))
    return just(step_kind::add_finalizer);
  // A spec generation nobody validated is never acted on (the immutability rule's second
  // layer, behind the CRD's own).
  if (r.status.observed_generation != 0 && r.metadata.generation != r.status.observed_generation)
    return fail(o, "SpecChanged",
                "spec changed after it was validated (generation "
                  + std::to_string(r.metadata.generation) + ", validated "
                  + std::to_string(r.status.observed_generation)
                  + "): create a new OpenBaoRestore instead");
  switch (phase) {
    case restore_phase::unset:
    case restore_phase::pending:
      return admit(o);
    case restore_phase::validating:
      return validating(o, config);
    default:
      return running(o);
  }
}

} // namespace baorestore::restore
