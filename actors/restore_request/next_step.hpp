#pragma once
// The restore state machine of DESIGN §4 as one pure function: from what the restore actor
// has observed, the one next thing to do. The actor performs it, observes again, and asks
// again; so a crash between any two steps resumes from what the API server shows.
//
//   (new) -> Validating -> [lock] -> Running -> Completed
//     |          |            |          \-> Failed -> (release lock, retried)
//     |          \-> Failed   \-> busy: stay Validating, "waiting for lock ..."
//     \-> Pending (only while the per-tenant running limit holds it back) -> Validating
//
// With the lock, the Job is created suspended, the cluster read live, and the Job unsuspended
// only when that read shows this restore's holder; then the status says Running. A Job
// create held by the network can land at any later time: suspended, it never runs a pod.
//
// Deleting a restore (the cancel path) deletes its Job (foreground) and waits until it is
// gone, then releases the lock, looks for the Job once more, then drops the finalizer.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "actors/restore_request/observation.hpp"

namespace baorestore::restore {

enum class step_kind : std::uint8_t {
  add_finalizer,
  update_status,       // write `status` (and record `event`), then observe again
  look_up_cluster,
  look_up_credentials, // the credentials Secret of spec.source.target
  look_up_token,       // spec.tokenSecretRef
  probe_snapshot,      // the signed HEAD of the snapshot object
  look_up_job,
  request_slot,        // ask the controller for a slot under the per-tenant running limit
  acquire_lock,        // wait queued up to restore_config::lock_wait
  create_job,          // suspended; idempotent: a Job already there is looked up and judged
  unsuspend_job,       // after a live read showed our lock: spec.suspend false and `fence`
  watch_job,           // run a job watcher until it reports
  delete_job,          // foreground, then observe the Job again
  release_lock,
  remove_finalizer,
  wait,                // observe again after `after` (with `status` written first if set)
  done,                // nothing left to do for this restore
};

std::string to_string(step_kind k);

/// A change of the restore's status; fields left unset keep their value.
struct status_update {
  std::optional<model::restore_phase> phase;
  std::optional<std::string> message;
  std::vector<model::condition> conditions; // by type; transition times are the patch's job
  bool set_start_time = false;
  bool set_completion_time = false;
  std::optional<std::string> snapshot_key;
  std::optional<std::int64_t> snapshot_size;
  std::optional<std::int64_t> observed_generation;

  bool empty() const;
};

/// A core/v1 Event to record once the step's write succeeded.
struct event_note {
  std::string type; // "Normal" or "Warning"
  std::string reason;
  std::string message;
};

struct step {
  step_kind kind = step_kind::done;
  status_update status;
  std::optional<event_note> event;
  std::chrono::milliseconds after{0}; // wait
  bool force_override = false;        // acquire_lock: take a Backup or Upgrade lock
  /// wait: the reason is an error that may heal; the validation deadline runs from the
  /// first such wait (observation::healing_since).
  bool healing = false;
  /// look_up_cluster: the gateway's watch cache may answer (validation before the lock is
  /// granted, where a stale cluster costs a 409 on the lock write, never a wrong decision).
  bool cached = false;
  /// unsuspend_job: the fence of the lock as the live read showed it (0 only when the
  /// stored lock has none, as against upstream's CRD, which prunes it).
  std::int64_t fence = 0;
};

// Condition types and reasons (upstream's where it has them).
inline constexpr const char* condition_restore_complete = "RestoreComplete";
inline constexpr const char* condition_lock_override = "OperationLockOverride";
inline constexpr const char* condition_snapshot_verified = "SnapshotVerified";

step next_step(const observation& o, const restore_config& config);

} // namespace baorestore::restore
