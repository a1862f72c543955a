#pragma once
// What a restore_request actor has observed of the world, re-read from the API server after
// every step (never remembered across a restart), and the settings that shape its decisions.
// Pure values: next_step() decides from these alone.

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/time.hpp"

namespace baorestore::restore {

/// Whether a lookup has been made, and what it found.
enum class lookup : std::uint8_t { unknown, found, missing, failed };

struct secret_seen {
  lookup state = lookup::unknown;
  std::set<std::string> keys; // data keys, when found
  std::string error;          // when failed: why (transport, forbidden, ...)
};

/// The snapshot check (DESIGN §4 step 5).
enum class snapshot_state : std::uint8_t {
  unchecked,
  found,        // HEAD 200: size known
  not_found,    // 404: permanent
  forbidden,    // 403: permanent
  unreachable,  // transport or 5xx: may heal
  error,        // anything else: permanent
};

struct snapshot_seen {
  snapshot_state state = snapshot_state::unchecked;
  std::int64_t size = -1;
  std::string message;
};

/// The lock as this restore knows it from its lock registry's answers.
enum class lock_answer : std::uint8_t {
  none,     // not asked (or the answer is stale after a restart: re-derive from the cluster)
  waiting,  // asked, queued behind the holder: the registry answers when granted
  granted,  // the registry granted it
  busy,     // the wait ended without a grant
  lost,     // the lock actor told us it was taken
  released, // we released it
};

/// The restore's slot under the per-tenant running limit (admission.hpp), as its controller
/// answered. Without a limit it is `granted` from the start and never asked for.
enum class slot_answer : std::uint8_t {
  granted,
  unasked, // ask before the lock (again after every wait: asking is idempotent)
  queued,  // over the limit: wait Pending until granted
};

struct slot_seen {
  slot_answer state = slot_answer::granted;
  std::string message; // queued: why ("waiting: 1 of 1 restores of tenant-a are running ...")
};

/// The restore Job as last read. `suspended`: ours, created suspended and not yet started
/// (DESIGN §4 step 2): it runs no pod until a restore that has just read its own lock live
/// unsuspends it. `missing` is "not there now", never "never there": a create in flight may
/// still land, suspended.
enum class job_state : std::uint8_t {
  unknown,
  missing,
  suspended,
  running,
  succeeded,
  failed,
  foreign
};

struct job_seen {
  job_state state = job_state::unknown;
  std::string uid;
  std::string resource_version; // the precondition of the unsuspend patch
  std::string reason;  // failed: the Failed condition's reason (BackoffLimitExceeded, ...)
  std::string message;
  bool deleting = false; // deletionTimestamp set (a foreground delete in progress)
};

/// A create or write that the API server refused for good (api_failure.hpp): the restore
/// fails with it at once (and then releases its lock, if held).
struct refusal {
  std::string reason;  // the condition's reason, e.g. "JobRejected"
  std::string message; // with the API server's own message
};

struct observation {
  model::openbao_restore restore;
  lookup cluster_state = lookup::unknown;
  std::optional<model::openbao_cluster> cluster; // when found
  /// The cluster was asked of the gateway's watch cache, so it may trail the API server: a
  /// restore never fails on such a view without reading the cluster live first.
  bool cluster_cached = false;
  /// The cluster was read live (a GET, not the watch cache nor what a lock write returned)
  /// after the Job was last read or created: only such a read may unsuspend the Job.
  bool cluster_read_after_job = false;
  secret_seen credentials; // spec.source.target.credentialsSecretRef, when set
  secret_seen token;       // spec.tokenSecretRef, when set
  snapshot_seen snapshot;
  lock_answer lock = lock_answer::none;
  std::int64_t fence = 0; // of our grant, 0 unknown
  /// The lock this restore took over by force (its previous holder), when it did.
  std::optional<model::operation_lock> taken_over;
  slot_seen slot;
  job_seen job;
  /// When the first error that may heal was seen in this validation (a Secret not there
  /// yet, the store unreachable): the validation deadline counts from here.
  std::optional<model::timestamp> healing_since;
  std::optional<refusal> refused;
  model::timestamp now;
};

struct restore_config {
  /// How long errors that may heal are retried before the restore fails.
  std::chrono::seconds validation_deadline{120};
  /// How long one acquire waits queued in the lock actor before it asks again.
  std::chrono::seconds lock_wait{30};
};

/// "openbaorestore/<name>/<uid>": the uid stops a new restore of the same name from
/// adopting an old one's lock (DESIGN §2).
std::string holder_of(const model::openbao_restore& r);

} // namespace baorestore::restore
