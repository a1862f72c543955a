#include "devcluster/job_runner.hpp"

#include <cctype>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "devcluster/metadata.hpp"
#include "devcluster/object_store.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<milliseconds> parse_job_duration(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  milliseconds total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) // far beyond any sensible delay; also keeps the sum from overflowing
        return std::nullopt;
    }
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
      ++i;
    auto unit = text.substr(unit_start, i - unit_start);
    if (digits == 0)
      return std::nullopt;
    if (unit == "ms")
      total += milliseconds{n};
    else if (unit == "s")
      total += seconds{n};
    else if (unit == "m")
      total += std::chrono::minutes{n};
    else if (unit == "h")
      total += std::chrono::hours{n};
    else
      return std::nullopt;
  }
  return total;
}

std::optional<job_outcome> parse_job_outcome(std::string_view text) {
  if (text == "succeed")
    return job_outcome::succeed;
  if (text == "fail")
    return job_outcome::fail;
  return std::nullopt;
}

namespace {

const json::object* object_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

std::optional<std::string_view> annotation(const json::object& job, std::string_view key) {
  auto* meta = object_at(job, "metadata");
  auto* ann = meta ? object_at(*meta, "annotations") : nullptr;
  auto* v = ann ? ann->if_contains(key) : nullptr;
  if (!v || !v->is_string())
    return std::nullopt;
  return std::string_view{v->get_string()};
}

// True when a condition of `type` is "True": the Job controller's test for a finished Job.
bool has_true_condition(const json::object& status, std::string_view type) {
  auto* v = status.if_contains("conditions");
  auto* conds = v ? v->if_array() : nullptr;
  if (!conds)
    return false;
  for (const auto& c : *conds) {
    auto* co = c.if_object();
    if (!co)
      continue;
    auto* t = co->if_contains("type");
    auto* s = co->if_contains("status");
    if (t && s && t->is_string() && s->is_string() && t->get_string() == type
        && s->get_string() == "True")
      return true;
  }
  return false;
}

json::object condition(std::string_view type, std::string_view reason, std::string_view message,
                       const std::string& at) {
  return json::object{{"type", type},          {"status", "True"},
                      {"lastProbeTime", at},   {"lastTransitionTime", at},
                      {"reason", reason},      {"message", message}};
}

// The fields every status the Job controller writes carries; counters that are zero are left
// out, as the API server's JSON (omitempty) does.
json::object base_status(const std::string& start) {
  return json::object{{"startTime", start},
                      {"ready", 0},
                      {"terminating", 0},
                      {"uncountedTerminatedPods", json::object{}}};
}

// Conditions in the order the real controller adds them: the "target" condition first (since
// 1.31 it marks the decision before pods are gone), then the terminal one.
json::object failed_status(const std::string& start, std::string_view reason,
                           std::string_view message, const std::string& at) {
  auto st = base_status(start);
  st["failed"] = 1;
  st["conditions"] = json::array{condition("FailureTarget", reason, message, at),
                                 condition("Failed", reason, message, at)};
  return st;
}

json::object succeeded_status(const std::string& start, const std::string& at) {
  constexpr std::string_view reason = "CompletionsReached";
  constexpr std::string_view message = "Reached expected number of succeeded pods";
  auto st = base_status(start);
  st["succeeded"] = 1;
  st["completionTime"] = at;
  st["conditions"] = json::array{condition("SuccessCriteriaMet", reason, message, at),
                                 condition("Complete", reason, message, at)};
  return st;
}

bool is_suspended(const json::object& spec) {
  auto* s = spec.if_contains("suspend");
  return s && s->is_bool() && s->get_bool();
}

bool is_suspended_condition(const json::value& c) {
  auto* o = c.if_object();
  auto* t = o ? o->if_contains("type") : nullptr;
  return t && t->is_string() && t->get_string() == "Suspended";
}

/// The Suspended condition as the Job controller keeps it: True (JobSuspended) while
/// spec.suspend is, False (JobResumed) once resumed; never added as False.
json::object suspended_condition(bool suspended, const std::string& at) {
  auto c = condition("Suspended", suspended ? "JobSuspended" : "JobResumed",
                     suspended ? "Job suspended" : "Job resumed", at);
  c["status"] = suspended ? "True" : "False";
  return c;
}

/// `status` with its Suspended condition set to `suspended` (added when absent).
json::object with_suspended(json::object status, bool suspended, const std::string& at) {
  json::array conds;
  if (auto* v = status.if_contains("conditions"); v && v->is_array())
    for (auto& c : v->get_array())
      if (!is_suspended_condition(c))
        conds.push_back(c);
  conds.push_back(suspended_condition(suspended, at));
  status["conditions"] = std::move(conds);
  return status;
}

/// A resumed Job's Suspended=False condition stays beside the terminal ones (the controller
/// appends; it never drops a condition).
json::object keeping_suspended(json::object next, const json::object& status) {
  auto* v = status.if_contains("conditions");
  if (!v || !v->is_array())
    return next;
  json::array conds;
  for (const auto& c : v->get_array())
    if (is_suspended_condition(c))
      conds.push_back(c);
  if (conds.empty())
    return next;
  if (auto* n = next.if_contains("conditions"); n && n->is_array())
    for (auto& c : n->get_array())
      conds.push_back(c);
  next["conditions"] = std::move(conds);
  return next;
}

} // namespace

std::optional<json::object> step_job(const json::object& job, model::timestamp now,
                                     const job_runner_options& opts) {
  // Terminating Jobs are the garbage collector's; the runner does not write to them.
  if (is_terminating(job))
    return std::nullopt;
  static const json::object empty;
  auto* spec_p = object_at(job, "spec");
  const auto& spec = spec_p ? *spec_p : empty;
  auto* status_p = object_at(job, "status");
  const auto& status = status_p ? *status_p : empty;
  if (has_true_condition(status, "Complete") || has_true_condition(status, "Failed"))
    return std::nullopt;
  std::string at = model::format_rfc3339(now);
  // A suspended Job creates no pod (and an active one loses its pod): it only says so, once.
  if (is_suspended(spec)) {
    if (has_true_condition(status, "Suspended"))
      return std::nullopt;
    auto st = with_suspended(status, true, at);
    st.erase("active");
    return st;
  }
  // Resumed: startTime is now, so activeDeadlineSeconds counts from here, as in Kubernetes
  // ("the number of seconds a Job is continuously active").
  if (has_true_condition(status, "Suspended")) {
    auto st = with_suspended(base_status(at), false, at);
    st["active"] = 1;
    return st;
  }

  auto* start_v = status.if_contains("startTime");
  std::optional<model::timestamp> start;
  if (start_v && start_v->is_string())
    start = model::parse_rfc3339(start_v->get_string());
  if (!start) {
    auto st = base_status(at);
    st["active"] = 1;
    return keeping_suspended(std::move(st), status);
  }

  auto duration = opts.duration;
  if (auto a = annotation(job, job_duration_annotation))
    duration = parse_job_duration(*a).value_or(duration);
  auto outcome = opts.outcome;
  if (auto a = annotation(job, job_outcome_annotation))
    outcome = parse_job_outcome(*a).value_or(outcome);

  // startTime has second precision, so times are compared in milliseconds from it: a
  // "500ms" Job finishes at the first tick at least 500 ms after its recorded start.
  auto elapsed = std::chrono::duration_cast<milliseconds>(now - *start);
  std::optional<milliseconds> deadline;
  if (auto* d = spec.if_contains("activeDeadlineSeconds"); d && d->is_int64())
    deadline = seconds{d->get_int64()};
  else if (d && d->is_uint64())
    deadline = seconds{static_cast<std::int64_t>(d->get_uint64())};

  std::string start_text = model::format_rfc3339(*start);
  // The deadline wins a tie: the controller checks it before counting finished pods.
  if (deadline && elapsed >= *deadline && *deadline <= duration)
    return keeping_suspended(failed_status(start_text, "DeadlineExceeded",
                                           "Job was active longer than specified deadline", at),
                             status);
  if (elapsed < duration)
    return std::nullopt;
  if (outcome == job_outcome::succeed)
    return keeping_suspended(succeeded_status(start_text, at), status);
  return keeping_suspended(failed_status(start_text, "BackoffLimitExceeded",
                                         "Job has reached the specified backoff limit", at),
                           status);
}

std::size_t tick(object_store& store, model::timestamp now, const job_runner_options& opts) {
  static const resource_id jobs{"batch", "v1", "jobs"};
  std::size_t writes = 0;
  auto page = store.list(jobs, "", {});
  if (!page) // batch/v1 not served (yet): nothing to run
    return 0;
  for (auto& job : page->items) {
    auto status = step_job(job, now, opts);
    if (!status)
      continue;
    std::string ns{meta_string(job, "namespace")};
    std::string name{meta_string(job, "name")};
    // The listed object keeps its resourceVersion: the write is conditional on it, so a
    // client's concurrent change is never overwritten with stale fields.
    job["status"] = std::move(*status);
    if (store.update(jobs, ns, name, std::move(job), subresource::status))
      ++writes;
  }
  // A foreground deletion waits for its dependents; the runner makes no pods, so those of a
  // Job are usually gone already, and this lets their owner go.
  store.collect_garbage();
  return writes;
}

job_runner_thread::job_runner_thread(object_store& store, job_runner_options opts,
                                     milliseconds interval,
                                     std::function<model::timestamp()> clock)
    : store_(store), opts_(opts), interval_(interval), clock_(std::move(clock)) {
  if (!clock_)
    clock_ = [] { return std::chrono::floor<seconds>(std::chrono::system_clock::now()); };
  thread_ = std::thread{[this] { run(); }};
}

job_runner_thread::~job_runner_thread() {
  {
    std::lock_guard guard{mu_};
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void job_runner_thread::run() {
  std::unique_lock lock{mu_};
  while (!stop_) {
    lock.unlock();
    try {
      tick(store_, clock_(), opts_);
    } catch (const std::exception&) {
      // A failed persistence write surfaces as an exception from the store; the server keeps
      // serving, and the next tick tries again.
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

} // namespace baorestore::devcluster
