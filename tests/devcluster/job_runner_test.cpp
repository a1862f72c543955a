#define CAF_SUITE devcluster.job_runner
#include "caf/test/unit_test.hpp"

// The simulated kubelet and Job controller: step_job() table-driven with an injected clock,
// then tick() on a real object store, read back and watched.

#include <chrono>
#include <string>
#include <vector>

#include "devcluster/job_runner.hpp"
#include "store_fixture.hpp"

using namespace devcluster_test;
using namespace std::chrono_literals;
using baorestore::model::format_rfc3339;

namespace {

const baorestore::model::timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}
                                      + std::chrono::hours{8}};

// A Job with optional annotations, spec extras and status (JSON fragments).
json::object job(std::string_view annotations = "{}", std::string_view spec_extra = "",
                 std::string_view status = "") {
  std::string text = R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j",)"
                     R"("namespace":"ns","annotations":)"
                     + std::string{annotations} + R"(},"spec":{"template":{})"
                     + std::string{spec_extra} + "}";
  if (!status.empty())
    text += R"(,"status":)" + std::string{status};
  return obj(text + "}");
}

std::string started() {
  return R"({"startTime":")" + format_rfc3339(t0) + R"(","active":1})";
}

// The status of a Job created suspended, as the Job controller wrote it.
std::string suspended_status() {
  return R"({"conditions":[{"type":"Suspended","status":"True","reason":"JobSuspended"}]})";
}

// What a step produced, reduced to what the table compares: "" for no change, else
// "active", "Complete" or "Failed/<reason>".
std::string summary(const std::optional<json::object>& st) {
  if (!st)
    return "";
  if (!st->contains("conditions"))
    return st->at("active").as_int64() == 1 ? "active" : "?";
  const auto& conds = st->at("conditions").as_array();
  const auto& last = conds.back().as_object();
  std::string type{last.at("type").as_string()};
  if (type == "Failed")
    return "Failed/" + std::string{last.at("reason").as_string()};
  return type;
}

} // namespace

CAF_TEST(durations and outcomes parse as flags and annotations write them) {
  CAF_CHECK(dc::parse_job_duration("3s") == std::chrono::milliseconds{3000});
  CAF_CHECK(dc::parse_job_duration("500ms") == std::chrono::milliseconds{500});
  CAF_CHECK(dc::parse_job_duration("1m30s") == std::chrono::milliseconds{90'000});
  CAF_CHECK(dc::parse_job_duration("2h") == std::chrono::milliseconds{7'200'000});
  for (auto bad : {"", "3", "s", "3x", "-1s", "1.5s", "3s "})
    CAF_CHECK(!dc::parse_job_duration(bad));
  CAF_CHECK(dc::parse_job_outcome("succeed") == dc::job_outcome::succeed);
  CAF_CHECK(dc::parse_job_outcome("fail") == dc::job_outcome::fail);
  CAF_CHECK(!dc::parse_job_outcome("Fail"));
}

CAF_TEST(step_job follows the Job controller through the life of a Job) {
  const std::string ann_fail = R"({"devcluster.baorestore.io/outcome":"fail"})";
  const std::string ann_5s = R"({"devcluster.baorestore.io/duration":"5s"})";
  const std::string ann_500ms = R"({"devcluster.baorestore.io/duration":"500ms"})";
  const std::string ann_bad = R"({"devcluster.baorestore.io/duration":"soon",)"
                              R"("devcluster.baorestore.io/outcome":"maybe"})";
  const std::string done_ok = R"({"startTime":")" + format_rfc3339(t0)
                              + R"(","succeeded":1,"conditions":[{"type":"Complete","status":"True"}]})";
  const std::string done_failed = R"({"startTime":")" + format_rfc3339(t0)
                                  + R"(","failed":1,"conditions":[{"type":"Failed","status":"True"}]})";
  struct row {
    std::string what;
    json::object job;
    std::chrono::seconds at; // after t0
    dc::job_outcome default_outcome;
    std::string want;
  };
  const auto ok = dc::job_outcome::succeed;
  const auto fail = dc::job_outcome::fail;
  std::vector<row> rows{
    {"new", job(), 0s, ok, "active"},
    {"new, no status at all, later", job(), 100s, ok, "active"},
    {"before its duration", job("{}", "", started()), 2s, ok, ""},
    {"after, default succeed", job("{}", "", started()), 3s, ok, "Complete"},
    {"after, default fail", job("{}", "", started()), 3s, fail, "Failed/BackoffLimitExceeded"},
    {"annotation fail over default", job(ann_fail, "", started()), 3s, ok,
     "Failed/BackoffLimitExceeded"},
    {"annotation 5s: not yet at 3s", job(ann_5s, "", started()), 3s, ok, ""},
    {"annotation 5s: done at 5s", job(ann_5s, "", started()), 5s, ok, "Complete"},
    {"annotation 500ms: done at 1s", job(ann_500ms, "", started()), 1s, ok, "Complete"},
    {"bad annotations: defaults", job(ann_bad, "", started()), 3s, fail,
     "Failed/BackoffLimitExceeded"},
    {"deadline before duration", job(ann_5s, R"(,"activeDeadlineSeconds":2)", started()), 2s, ok,
     "Failed/DeadlineExceeded"},
    {"deadline not reached", job(ann_5s, R"(,"activeDeadlineSeconds":2)", started()), 1s, ok, ""},
    {"deadline ties duration", job("{}", R"(,"activeDeadlineSeconds":3)", started()), 3s, ok,
     "Failed/DeadlineExceeded"},
    {"deadline after duration", job("{}", R"(,"activeDeadlineSeconds":10)", started()), 20s, ok,
     "Complete"},
    {"finished Complete", job("{}", "", done_ok), 100s, ok, ""},
    {"finished Failed", job("{}", "", done_failed), 100s, ok, ""},
    {"suspended, new: says so", job("{}", R"(,"suspend":true)"), 0s, ok, "Suspended"},
    {"suspended, started: says so", job("{}", R"(,"suspend":true)", started()), 100s, ok,
     "Suspended"},
    {"suspended, said so: nothing more", job("{}", R"(,"suspend":true)", suspended_status()),
     100s, ok, ""},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE(r.what);
    dc::job_runner_options opts;
    opts.outcome = r.default_outcome;
    CAF_CHECK_EQUAL(summary(dc::step_job(r.job, t0 + r.at, opts)), r.want);
  }
}

CAF_TEST(statuses carry the fields and conditions the real controller writes) {
  dc::job_runner_options opts;
  auto st = dc::step_job(job(), t0, opts);
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(str(*st, "/startTime"), format_rfc3339(t0));
  CAF_CHECK_EQUAL(st->at("active").as_int64(), 1);

  st = dc::step_job(job("{}", "", started()), t0 + 4s, opts);
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(str(*st, "/startTime"), format_rfc3339(t0));
  CAF_CHECK_EQUAL(str(*st, "/completionTime"), format_rfc3339(t0 + 4s));
  CAF_CHECK(!st->contains("active")); // zero counters are omitted, as the API server does
  CAF_CHECK_EQUAL(st->at("succeeded").as_int64(), 1);
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/type"), "SuccessCriteriaMet");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/type"), "Complete");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/status"), "True");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/reason"), "CompletionsReached");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/lastTransitionTime"), format_rfc3339(t0 + 4s));

  opts.outcome = dc::job_outcome::fail;
  st = dc::step_job(job("{}", "", started()), t0 + 4s, opts);
  CAF_REQUIRE(st);
  CAF_CHECK(!st->contains("completionTime"));
  CAF_CHECK_EQUAL(st->at("failed").as_int64(), 1);
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/type"), "FailureTarget");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/type"), "Failed");
  CAF_CHECK_EQUAL(str(*st, "/conditions/1/reason"), "BackoffLimitExceeded");

  auto terminating = job("{}", "", started());
  terminating["metadata"].as_object()["deletionTimestamp"] = format_rfc3339(t0);
  CAF_CHECK(!dc::step_job(terminating, t0 + 100s, opts));
}

CAF_TEST(tick writes through the status subresource and watches see it) {
  store_fixture f;
  f.now = t0;
  auto created = f.store->create(jobs, "ns", job());
  CAF_REQUIRE(created);
  auto rv0 = f.store->resource_version();
  dc::job_runner_options opts;

  CAF_CHECK_EQUAL(dc::tick(*f.store, t0, opts), 1u);
  auto got = f.store->get(jobs, "ns", "j");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(str(*got, "/status/startTime"), format_rfc3339(t0));
  CAF_CHECK_EQUAL(got->at("status").at("active").as_int64(), 1);
  CAF_CHECK_EQUAL(got->at("metadata").at("generation").as_int64(), 1); // status only

  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 1s, opts), 0u); // still running
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 3s, opts), 1u);
  got = f.store->get(jobs, "ns", "j");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(str(*got, "/status/conditions/1/type"), "Complete");
  CAF_CHECK_EQUAL(str(*got, "/status/completionTime"), format_rfc3339(t0 + 3s));
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 100s, opts), 0u); // finished: left alone

  auto events = f.store->events_since(jobs, "ns", rv0);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK((*events)[0].type == dc::event_type::modified);
  CAF_CHECK_EQUAL(str((*events)[0].object, "/status/startTime"), format_rfc3339(t0));
  CAF_CHECK((*events)[1].type == dc::event_type::modified);
  CAF_CHECK_EQUAL(str((*events)[1].object, "/status/conditions/1/type"), "Complete");
}

CAF_TEST(tick runs Jobs in every namespace and lets foreground deletions finish) {
  store_fixture f;
  f.now = t0;
  auto other = job(R"({"devcluster.baorestore.io/outcome":"fail"})");
  other["metadata"].as_object()["namespace"] = "other";
  CAF_REQUIRE(f.store->create(jobs, "ns", job()));
  CAF_REQUIRE(f.store->create(jobs, "other", other));
  dc::job_runner_options opts;
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0, opts), 2u);
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 3s, opts), 2u);
  auto failed = f.store->get(jobs, "other", "j");
  CAF_REQUIRE(failed);
  CAF_CHECK_EQUAL(str(*failed, "/status/conditions/1/type"), "Failed");

  // A Job deleted in the foreground while running: the store marks it; with no pods to wait
  // for, the runner's pass finishes the deletion.
  dc::delete_options del;
  del.policy = dc::propagation::foreground;
  auto running = job();
  running["metadata"].as_object()["name"] = "running";
  CAF_REQUIRE(f.store->create(jobs, "ns", running));
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 4s, opts), 1u);
  auto marked = f.store->remove(jobs, "ns", "running", del);
  CAF_REQUIRE(marked);
  CAF_CHECK(!marked->removed);
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 100s, opts), 0u); // terminating: no status write
  CAF_CHECK(!f.store->get(jobs, "ns", "running"));
}

CAF_TEST(the runner thread ticks on its own until destroyed) {
  store_fixture f;
  f.now = t0;
  CAF_REQUIRE(f.store->create(jobs, "ns", job()));
  {
    dc::job_runner_thread runner{*f.store, {}, std::chrono::milliseconds{5}, [] { return t0; }};
    for (int i = 0; i < 400; ++i) {
      auto got = f.store->get(jobs, "ns", "j");
      if (got && got->contains("status") && got->at("status").as_object().contains("startTime"))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  }
  auto got = f.store->get(jobs, "ns", "j");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(str(*got, "/status/startTime"), format_rfc3339(t0));
}

CAF_TEST(a suspended Job starts no pod and its deadline counts from the unsuspend) {
  dc::job_runner_options opts; // 3 s, succeed
  const std::string spec_suspended = R"(,"suspend":true,"activeDeadlineSeconds":2)";
  // Created suspended: Suspended=True, no startTime, nothing active, for as long as it is.
  auto j = job(R"({"devcluster.baorestore.io/duration":"5s"})", spec_suspended);
  auto st = dc::step_job(j, t0, opts);
  CAF_REQUIRE(st);
  CAF_CHECK(!st->contains("startTime"));
  CAF_CHECK(!st->contains("active"));
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/type"), "Suspended");
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/status"), "True");
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/reason"), "JobSuspended");
  j["status"] = *st;
  for (auto later : {1s, 10s, 100s, 1000s}) // far past both its duration and its deadline
    CAF_CHECK(!dc::step_job(j, t0 + later, opts));
  // Unsuspended at t0+100s: started now, Suspended=False (JobResumed).
  j["spec"].as_object()["suspend"] = false;
  st = dc::step_job(j, t0 + 100s, opts);
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(str(*st, "/startTime"), format_rfc3339(t0 + 100s));
  CAF_CHECK_EQUAL(st->at("active").as_int64(), 1);
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/type"), "Suspended");
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/status"), "False");
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/reason"), "JobResumed");
  j["status"] = *st;
  CAF_CHECK(!dc::step_job(j, t0 + 101s, opts)); // deadline 2 s from the resume, not from t0
  st = dc::step_job(j, t0 + 102s, opts);
  CAF_CHECK_EQUAL(summary(st), "Failed/DeadlineExceeded");
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(str(*st, "/conditions/0/type"), "Suspended"); // kept beside the end
}

CAF_TEST(tick leaves a suspended Job without a pod until it is unsuspended) {
  store_fixture f;
  f.now = t0;
  dc::job_runner_options opts;
  auto j = job("{}", R"(,"suspend":true)");
  CAF_REQUIRE(f.store->create(jobs, "ns", j));
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0, opts), 1u);         // Suspended=True
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 100s, opts), 0u);  // nothing ever runs
  auto got = f.store->get(jobs, "ns", "j");
  CAF_REQUIRE(got);
  CAF_CHECK(!has(*got, "/status/startTime"));
  CAF_CHECK(!has(*got, "/status/active"));
  CAF_REQUIRE(f.store->merge_patch(jobs, "ns", "j", val(R"({"spec":{"suspend":false}})")));
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 100s, opts), 1u); // resumed: started now
  CAF_CHECK_EQUAL(dc::tick(*f.store, t0 + 103s, opts), 1u); // and done 3 s later
  got = f.store->get(jobs, "ns", "j");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(str(*got, "/status/startTime"), format_rfc3339(t0 + 100s));
  CAF_CHECK_EQUAL(summary(got->at("status").as_object()), "Complete");
}
