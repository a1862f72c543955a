#pragma once
// What a job_watcher makes of one read of its Job and of the cluster's lock (DESIGN §4), pure.
//
// A Job is over when a terminal condition says so with status "True": Complete (succeeded) or
// Failed (reason BackoffLimitExceeded, DeadlineExceeded, ...). Counters (succeeded, failed,
// active) are not read: a Job with a failed pod may still be retried, and a Job whose pods are
// all done may not be marked yet. FailureTarget and SuccessCriteriaMet (Kubernetes 1.31+),
// which precede the terminal condition while pods terminate, count as running. A Job with
// both Complete and Failed true (never written by Kubernetes) counts as failed: a restore
// must not claim success on contradicting evidence.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/job.hpp"
#include "model/openbao_cluster.hpp"

namespace baorestore::job_watch {

enum class job_phase : std::uint8_t { running, succeeded, failed, missing };

std::string to_string(job_phase p);

struct job_outcome {
  job_phase phase = job_phase::running;
  std::string reason;  // failed: the Failed condition's reason ("Failed" if it has none)
  std::string message; // failed: its message
  std::optional<model::timestamp> completion_time; // succeeded: status.completionTime, else
                                                   // the Complete condition's transition
  bool operator==(const job_outcome&) const = default;
};

/// The Job's state from its conditions. With a non-empty `expected_uid`, a Job of another
/// uid is a replacement of the one watched (deleted and created again under the same name)
/// and counts as missing.
job_outcome classify(const model::job& j, std::string_view expected_uid = {});

/// Whether `lock` is still held by `holder`: same holder name, and, when both the expected
/// fence and the stored one are non-zero, the same fence (a release and re-acquire by a
/// namesake in between changes the fence).
bool is_lock_held(const std::optional<model::operation_lock>& lock, std::string_view holder,
                  std::int64_t fence);

} // namespace baorestore::job_watch
