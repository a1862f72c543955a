#include "actors/job_watcher/job_outcome.hpp"

namespace baorestore::job_watch {

std::string to_string(job_phase p) {
  switch (p) {
    case job_phase::running:
      return "running";
    case job_phase::succeeded:
      return "succeeded";
    case job_phase::failed:
      return "failed";
    case job_phase::missing:
      return "missing";
  }
  return "unknown";
}

namespace {

const model::job_condition* true_condition(const model::job& j, std::string_view type) {
  for (auto& c : j.status.conditions)
    if (c.type == type && c.status == "True")
      return &c;
  return nullptr;
}

} // namespace

job_outcome classify(const model::job& j, std::string_view expected_uid) {
  job_outcome out;
  if (!expected_uid.empty() && j.metadata.uid != expected_uid) {
    out.phase = job_phase::missing;
    return out;
  }
  if (auto* failed = true_condition(j, "Failed")) {
    out.phase = job_phase::failed;
    out.reason = failed->reason.empty() ? "Failed" : failed->reason;
    out.message = failed->message;
    return out;
  }
  if (auto* complete = true_condition(j, "Complete")) {
    out.phase = job_phase::succeeded;
    out.completion_time = j.status.completion_time ? j.status.completion_time
                                                   : complete->last_transition_time;
    return out;
  }
  return out;
}

bool is_lock_held(const std::optional<model::operation_lock>& lock, std::string_view holder,
                  std::int64_t fence) {
  if (!lock || lock->holder != holder)
    return false;
  auto stored = lock->fence.value_or(0);
  return fence == 0 || stored == 0 || stored == fence;
}

} // namespace baorestore::job_watch
