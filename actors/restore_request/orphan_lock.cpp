#include "actors/restore_request/orphan_lock.hpp"

#include "actors/restore_request/restore_job.hpp"
#include "model/openbao_restore.hpp"

namespace baorestore::restore {

namespace {

constexpr std::string_view holder_prefix = "openbaorestore/";
constexpr std::size_t max_object_name = 253; // metadata.name of an Event

bool condition_true(const model::job& j, std::string_view type) {
  for (const auto& c : j.status.conditions)
    if (c.type == type && c.status == "True")
      return true;
  return false;
}

} // namespace

std::optional<restore_holder> parse_restore_holder(std::string_view holder) {
  if (holder.substr(0, holder_prefix.size()) != holder_prefix)
    return std::nullopt;
  auto rest = holder.substr(holder_prefix.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt; // upstream's "openbaorestore/<name>": no uid, never ours to judge
  auto name = rest.substr(0, slash);
  auto uid = rest.substr(slash + 1);
  if (name.empty() || uid.empty() || uid.find('/') != std::string_view::npos)
    return std::nullopt;
  return restore_holder{std::string{name}, std::string{uid}};
}

job_view view_of(const model::job& j) {
  job_view v;
  for (const auto& o : j.metadata.owner_references)
    if (o.kind == model::restore_kind)
      v.restore_uid = o.uid;
  if (v.restore_uid.empty())
    if (auto i = j.metadata.annotations.find(annotation_restore_uid);
        i != j.metadata.annotations.end())
      v.restore_uid = i->second;
  v.suspended = j.spec.suspend.value_or(false);
  v.finished = condition_true(j, "Complete") || condition_true(j, "Failed");
  return v;
}

std::string to_string(orphan_verdict v) {
  switch (v) {
    case orphan_verdict::reclaim:
      return "reclaim";
    case orphan_verdict::not_orphan:
      return "not_orphan";
    case orphan_verdict::restore_exists:
      return "restore_exists";
    case orphan_verdict::job_runs:
      return "job_runs";
  }
  return "unknown";
}

orphan_verdict judge_orphan(const std::string& holder, const orphan_reads& reads) {
  auto h = parse_restore_holder(holder);
  const auto& lock = reads.lock;
  if (!h || !lock || lock->holder != holder
      || lock->operation != model::cluster_operation::restore)
    return orphan_verdict::not_orphan;
  if (reads.restore_uid == h->uid)
    return orphan_verdict::restore_exists;
  // A Job of another restore (a new one of the same name) is not this one's; a Job that
  // names no restore may be, and counts as long as it may run.
  if (const auto& j = reads.job;
      j && (j->restore_uid.empty() || j->restore_uid == h->uid) && !j->suspended
      && !j->finished)
    return orphan_verdict::job_runs;
  return orphan_verdict::reclaim;
}

std::string reclaim_event_name(const std::string& cluster, const restore_holder& h) {
  auto name = cluster + ".lock-reclaimed." + h.uid;
  if (name.size() <= max_object_name)
    return name;
  return "lock-reclaimed." + h.uid;
}

} // namespace baorestore::restore
