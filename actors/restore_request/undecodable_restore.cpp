#include "actors/restore_request/undecodable_restore.hpp"

#include "actors/restore_request/status_patch.hpp"

namespace baorestore::restore {

std::optional<undecodable_verdict> judge_undecodable(const model::undecodable_object& obj,
                                                     model::timestamp now) {
  const auto& m = obj.metadata;
  if (m.name.empty() || m.namespace_.empty() || m.deletion_timestamp)
    return std::nullopt;
  if (obj.phase == "Failed" || obj.phase == "Completed")
    return std::nullopt;
  undecodable_verdict v;
  v.message = "the restore does not decode: ";
  for (std::size_t i = 0; i < obj.errors.size(); ++i)
    v.message += (i == 0 ? "" : "; ") + model::to_string(obj.errors[i]);
  if (obj.errors.empty())
    v.message += "?";
  status_update u;
  u.phase = model::restore_phase::failed;
  u.message = v.message;
  u.set_completion_time = true;
  model::condition c;
  c.type = condition_restore_complete;
  c.status = "False";
  c.reason = reason_invalid_spec;
  c.message = v.message;
  c.observed_generation = m.generation;
  u.conditions.push_back(std::move(c));
  // Its current status did not decode either: written as if empty (conditions whole).
  v.patch = status_patch({}, u, now).value_or("{}");
  v.event = event_note{"Warning", reason_invalid_spec, v.message};
  return v;
}

} // namespace baorestore::restore
