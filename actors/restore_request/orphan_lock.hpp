#pragma once
// Orphan Restore locks (DESIGN §3, issue 16 finding 2): a lock held by a Restore whose holder
// no longer exists (no OpenBaoRestore with that uid in the cluster's namespace) and that has
// no unsuspended Job is reclaimed, with a Warning Event on the cluster, so that nothing waits
// forever behind a restore that is gone. Pure: the reclaimer (lock_reclaim.hpp) reads the
// cluster, the restore and its Job live and asks judge_orphan; the restore controller only
// suspects (a holder uid its restore watch does not hold), so that only suspects cost reads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/job.hpp"
#include "model/openbao_cluster.hpp"

namespace baorestore::restore {

/// A Restore holder as baorestore writes it: "openbaorestore/<name>/<uid>".
struct restore_holder {
  std::string name;
  std::string uid;
  bool operator==(const restore_holder&) const = default;
};

/// The restore a holder names; nullopt for every other holder, upstream's uid-less
/// "openbaorestore/<name>" included (a restore upstream executes is never reclaimed).
std::optional<restore_holder> parse_restore_holder(std::string_view holder);

/// What a Job under the restore's Job name says about the restore that may still run.
struct job_view {
  std::string restore_uid; // from its owner reference or annotation; empty: it names none
  bool suspended = false;  // spec.suspend: true, so no pod runs
  bool finished = false;   // a Complete or Failed condition is True: its pod is gone
};

job_view view_of(const model::job& j);

/// What the reclaimer read live.
struct orphan_reads {
  std::optional<model::operation_lock> lock; // the cluster's lock
  std::optional<std::string> restore_uid;    // of the OpenBaoRestore of the holder's name
  std::optional<job_view> job;               // under the restore's Job name
};

enum class orphan_verdict : std::uint8_t {
  reclaim,        // release it (resourceVersion precondition) and say so in a Warning Event
  not_orphan,     // the lock is not (any more) held by a uid'd Restore holder
  restore_exists, // the holder's restore is there: its own actor answers for the lock
  job_runs,       // a Job of the holder's restore is not suspended: it may still write the
                  // cluster, so the lock stays until it has ended (look again later)
};

std::string to_string(orphan_verdict v);

/// The verdict on `holder`'s lock from live reads.
orphan_verdict judge_orphan(const std::string& holder, const orphan_reads& reads);

/// The name of the Warning Event on the cluster for a reclaimed lock: one per holder uid, so
/// that two operator processes reclaiming the same lock write one Event between them.
std::string reclaim_event_name(const std::string& cluster, const restore_holder& h);

} // namespace baorestore::restore
