// What a job_watcher makes of a Job and of the lock (DESIGN §4), pure: the Complete and
// Failed conditions decide, not the counters; another uid is a replacement; the lock check.
#define CAF_SUITE job_watcher.outcome
#include "caf/test/dsl.hpp"

#include <string>
#include <vector>

#include "actors/job_watcher/job_outcome.hpp"

using namespace baorestore;
using namespace baorestore::job_watch;

namespace {

const model::timestamp t0{std::chrono::seconds{1'800'000'000}};

model::job_condition cond(std::string type, std::string status, std::string reason = {},
                          std::string message = {}) {
  model::job_condition c;
  c.type = std::move(type);
  c.status = std::move(status);
  c.reason = std::move(reason);
  c.message = std::move(message);
  return c;
}

model::job job_with(std::vector<model::job_condition> cs, std::string uid = "uid-1") {
  model::job j;
  j.metadata.namespace_ = "tenant-a";
  j.metadata.name = "vault-restore";
  j.metadata.uid = std::move(uid);
  j.status.conditions = std::move(cs);
  return j;
}

model::operation_lock lock_of(std::string holder, std::optional<std::int64_t> fence) {
  model::operation_lock l;
  l.operation = model::cluster_operation::restore;
  l.holder = std::move(holder);
  l.fence = fence;
  return l;
}

} // namespace

CAF_TEST(conditions with status True decide the phase) {
  struct row {
    const char* what;
    std::vector<model::job_condition> conditions;
    job_phase want;
    std::string reason;
  };
  std::vector<row> rows{
    {"no conditions", {}, job_phase::running, ""},
    {"complete", {cond("Complete", "True")}, job_phase::succeeded, ""},
    {"complete false", {cond("Complete", "False")}, job_phase::running, ""},
    {"complete unknown", {cond("Complete", "Unknown")}, job_phase::running, ""},
    {"backoff limit",
     {cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the backoff limit")},
     job_phase::failed,
     "BackoffLimitExceeded"},
    {"deadline",
     {cond("Failed", "True", "DeadlineExceeded", "Job was active longer than specified deadline")},
     job_phase::failed,
     "DeadlineExceeded"},
    {"failed without reason", {cond("Failed", "True")}, job_phase::failed, "Failed"},
    {"failed false", {cond("Failed", "False", "X")}, job_phase::running, ""},
    {"failure target only",
     {cond("FailureTarget", "True", "BackoffLimitExceeded")},
     job_phase::running,
     ""},
    {"success criteria only", {cond("SuccessCriteriaMet", "True")}, job_phase::running, ""},
    {"suspended", {cond("Suspended", "True", "JobSuspended")}, job_phase::running, ""},
    {"failure target then failed",
     {cond("FailureTarget", "True", "DeadlineExceeded"),
      cond("Failed", "True", "DeadlineExceeded")},
     job_phase::failed,
     "DeadlineExceeded"},
    {"both terminal: failed wins",
     {cond("Complete", "True"), cond("Failed", "True", "BackoffLimitExceeded")},
     job_phase::failed,
     "BackoffLimitExceeded"},
  };
  for (auto& r : rows) {
    CAF_MESSAGE(r.what);
    auto o = classify(job_with(r.conditions), "uid-1");
    CAF_CHECK_EQUAL(to_string(o.phase), to_string(r.want));
    CAF_CHECK_EQUAL(o.reason, r.reason);
  }
}

CAF_TEST(counters alone do not decide) {
  auto j = job_with({});
  j.status.succeeded = 1;
  j.status.active = 0;
  CAF_CHECK(classify(j).phase == job_phase::running);
  j.status.succeeded = 0;
  j.status.failed = 6;
  CAF_CHECK(classify(j).phase == job_phase::running);
}

CAF_TEST(a failure carries the condition message) {
  auto o = classify(job_with({cond("Failed", "True", "BackoffLimitExceeded", "too many")}));
  CAF_CHECK(o.phase == job_phase::failed);
  CAF_CHECK_EQUAL(o.message, "too many");
}

CAF_TEST(completion time comes from the status or else the condition) {
  auto j = job_with({cond("Complete", "True")});
  j.status.conditions[0].last_transition_time = t0 + std::chrono::seconds{5};
  j.status.completion_time = t0;
  auto o = classify(j);
  CAF_CHECK(o.phase == job_phase::succeeded);
  CAF_CHECK(o.completion_time == t0);
  j.status.completion_time.reset();
  o = classify(j);
  CAF_CHECK(o.completion_time == t0 + std::chrono::seconds{5});
}

CAF_TEST(a job of another uid counts as missing whatever its state) {
  CAF_CHECK(classify(job_with({}, "uid-2"), "uid-1").phase == job_phase::missing);
  CAF_CHECK(classify(job_with({cond("Complete", "True")}, "uid-2"), "uid-1").phase
            == job_phase::missing);
  // No expected uid: any incarnation.
  CAF_CHECK(classify(job_with({cond("Complete", "True")}, "uid-2")).phase
            == job_phase::succeeded);
}

CAF_TEST(the lock is held by the same holder with the same or an unknown fence) {
  const std::string me = "openbaorestore/r1/uid-r1";
  CAF_CHECK(is_lock_held(lock_of(me, 3), me, 3));
  CAF_CHECK(is_lock_held(lock_of(me, std::nullopt), me, 3)); // upstream's CRD: no fence
  CAF_CHECK(is_lock_held(lock_of(me, 0), me, 3));
  CAF_CHECK(is_lock_held(lock_of(me, 7), me, 0)); // fence not checked
  CAF_CHECK(!is_lock_held(lock_of(me, 4), me, 3)); // released and re-acquired meanwhile
  CAF_CHECK(!is_lock_held(lock_of("openbaorestore/r2/uid-r2", 3), me, 3));
  CAF_CHECK(!is_lock_held(lock_of("openbaocluster/backup", std::nullopt), me, 0));
  CAF_CHECK(!is_lock_held(std::nullopt, me, 3));
}
