#pragma once
// The embedded cluster's stand-in for the kubelet and the Job controller (DESIGN §9,
// issue 4). There are no pods: a Job becomes active when first seen, and after a delay it
// succeeds or fails, with the status counters and conditions the real Job controller
// (Kubernetes 1.32) writes, so that code watching Jobs here works on a real cluster.
//
// step_job() is the pure decision (Job + time -> status to write); tick() applies it to
// every Job in a store; job_runner_thread calls tick() on a timer for `baorestore devcluster`.
//
// Annotations override the defaults per Job, so one test can mix outcomes:
//   devcluster.baorestore.io/duration: "5s" | "500ms" | "1m30s"
//   devcluster.baorestore.io/outcome:  "succeed" | "fail"
// An unparsable annotation is ignored (the default applies), as kubelet ignores unknown ones.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <boost/json/object.hpp>

#include "model/time.hpp"

namespace baorestore::devcluster {

class object_store;

enum class job_outcome { succeed, fail };

struct job_runner_options {
  std::chrono::milliseconds duration{3000};
  job_outcome outcome = job_outcome::succeed;
};

inline constexpr std::string_view job_duration_annotation = "devcluster.baorestore.io/duration";
inline constexpr std::string_view job_outcome_annotation = "devcluster.baorestore.io/outcome";

/// Go-style durations as kubectl users write them: one or more <number><unit> with units
/// ms, s, m, h ("500ms", "3s", "1m30s"). nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_job_duration(std::string_view text);

/// "succeed" or "fail".
std::optional<job_outcome> parse_job_outcome(std::string_view text);

/// The whole new `status` for `job` at `now`, or nullopt when nothing changes:
/// - a Job never started (no status.startTime) gets startTime and active 1;
/// - once its duration has passed it succeeds (succeeded 1, completionTime, conditions
///   SuccessCriteriaMet and Complete, reason CompletionsReached) or fails (failed 1,
///   conditions FailureTarget and Failed, reason BackoffLimitExceeded);
/// - once spec.activeDeadlineSeconds has passed first (or at the same time), it fails with
///   reason DeadlineExceeded;
/// - a suspended Job (spec.suspend true) never starts: it gets the condition Suspended=True
///   (reason JobSuspended) once, and an active one goes inactive; when unsuspended the
///   condition turns False (JobResumed) and startTime is set to now, so that
///   activeDeadlineSeconds counts from the resume, as the Kubernetes Job controller does;
/// - finished (Complete or Failed True) and terminating Jobs are left alone.
std::optional<boost::json::object> step_job(const boost::json::object& job,
                                            model::timestamp now,
                                            const job_runner_options& opts);

/// One pass over every batch/v1 Job in `store`: writes each status step_job() asks for
/// through the status subresource (so watches see MODIFIED events), then runs the garbage
/// collector so that foreground deletions finish (the runner has no pods to wait for).
/// Returns the number of Job status writes. A write that loses a race (409) is skipped; the
/// next tick retries it from the fresh object.
std::size_t tick(object_store& store, model::timestamp now, const job_runner_options& opts);

/// Calls tick() every `interval` on its own thread until destroyed. The store's own mutex
/// makes this safe next to the HTTP server's threads.
class job_runner_thread {
public:
  job_runner_thread(object_store& store, job_runner_options opts,
                    std::chrono::milliseconds interval = std::chrono::milliseconds{200},
                    std::function<model::timestamp()> clock = {});
  ~job_runner_thread();
  job_runner_thread(const job_runner_thread&) = delete;
  job_runner_thread& operator=(const job_runner_thread&) = delete;

private:
  void run();

  object_store& store_;
  job_runner_options opts_;
  std::chrono::milliseconds interval_;
  std::function<model::timestamp()> clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_; // started in the constructor body, after every member it uses
};

} // namespace baorestore::devcluster
