#pragma once
// Private to the restore_request actor's .cpp files: its internal interface (the answers of
// its helpers: snapshot probe, job watcher, lock actor) and its state.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "caf/actor.hpp"
#include "caf/atom.hpp"
#include "caf/replies_to.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_actor.hpp"

#include "actors/job_watcher/job_watcher.hpp"
#include "actors/restore_request/api_failure.hpp"
#include "actors/restore_request/next_step.hpp"
#include "actors/restore_request/restore_request.hpp"
#include "s3/snapshot_probe.hpp"

namespace baorestore::restore::detail {

/// The snapshot probe's answer (from its I/O thread).
struct probe_done {
  s3::probe_result result;
};

/// Tests ask for the running job watcher (to crash it on purpose).
using watcher_atom = caf::atom_constant<caf::atom("rrwatcher")>;
constexpr watcher_atom watcher_atom_v{};

using restore_request_impl = restore_request_actor::extend<
  caf::replies_to<watcher_atom>::with<caf::actor>,
  caf::reacts_to<probe_done>, caf::reacts_to<job_watch::job_succeeded>,
  caf::reacts_to<job_watch::job_failed>, caf::reacts_to<job_watch::job_missing>,
  caf::reacts_to<job_watch::job_lock_lost>, caf::reacts_to<cluster_lock::lock_lost>>;

struct restore_state {
  static inline const char* name = "restore_request";
  restore_request_config config;
  std::string ns;
  std::string name_;
  observation obs;
  bool have_restore = false; // the restore has been read at least once
  bool busy = false;         // an operation is in flight: its answer resumes the loop
  std::uint64_t tick = 0;    // the current wait; older ticks are ignored
  job_watch::job_watcher_actor watcher;
  /// The credentials Secret between its lookup and the probe that signs with it; not kept.
  std::optional<model::secret> credentials_for_probe;
  std::string last_log;
  /// In the wait of a restore queued for a slot: slot_granted ends it at once.
  bool slot_waiting = false;
  /// The kind of the step being performed, and of the step whose request failed last with
  /// how many failures in a row: the retry backoff grows while the same step keeps failing
  /// and starts over once the restore moves on to another step.
  step_kind performing = step_kind::done;
  std::optional<step_kind> failing;
  std::uint32_t failures = 0;
  std::mt19937_64 rng{std::random_device{}()};
};

using self_ptr = restore_request_impl::stateful_pointer<restore_state>;

// restore_actor.cpp: the loop
/// Decide and do the next step, unless one is in flight.
void advance(self_ptr self);
/// The operation in flight is over; observe and go on.
void resume(self_ptr self);
/// Observe again after `after`: every lookup is made afresh.
void wait_then_resume(self_ptr self, std::chrono::milliseconds after);
void say(self_ptr self, const std::string& what,
         log_entry::severity level = log_entry::severity::info);
/// The restore failed (its status written): a warning with the reason and message.
void say_failed(self_ptr self, const std::string& reason, const std::string& message);
/// The actor is done; for a Failed restore a warning with its reason and message.
void say_done(self_ptr self);
cluster_lock::cluster_key cluster_key_of(self_ptr self);

// restore_steps.cpp: one function per step kind
void perform(self_ptr self, const step& s);
/// A request that failed (the error handler of a step's request), judged by api_failure.hpp:
/// a create refused for good is recorded for next_step, which fails the restore at once;
/// anything else is said (the log; the status message while validating) and everything is
/// looked at again after a backoff that grows while the same step keeps failing.
std::function<void(caf::error&)> retry_later(self_ptr self, std::string what,
                                             request_kind kind = request_kind::read);
/// Reads the cluster; `cached`: the gateway's watch cache may answer (next_step says when).
void look_up_cluster(self_ptr self, bool cached);

// restore_job_steps.cpp: the Job's steps
void look_up_job(self_ptr self);
/// The pod's ServiceAccount (created when missing, owned by the cluster), then the Job.
void create_job(self_ptr self);
/// spec.suspend false, with `fence` (when not 0) as the Job's fence annotation.
void unsuspend_job(self_ptr self, std::int64_t fence);
void delete_job(self_ptr self);
void watch_job(self_ptr self);

} // namespace baorestore::restore::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::detail::probe_done)
