#include "actors/restore_request/status_patch.hpp"

#include <boost/json.hpp>

#include "model/codec.hpp"

namespace baorestore::restore {

namespace json = boost::json;

namespace {

void merge_condition(std::vector<model::condition>& cs, model::condition c,
                     model::timestamp now) {
  for (auto& existing : cs) {
    if (existing.type != c.type)
      continue;
    c.last_transition_time = existing.status == c.status && existing.last_transition_time
                               ? existing.last_transition_time
                               : std::optional<model::timestamp>{now};
    existing = std::move(c);
    return;
  }
  c.last_transition_time = now;
  cs.push_back(std::move(c));
}

} // namespace

model::openbao_restore_status apply_update(model::openbao_restore_status s,
                                           const status_update& u, model::timestamp now) {
  if (u.phase)
    s.phase = *u.phase;
  if (u.message)
    s.message = *u.message;
  for (const auto& c : u.conditions)
    merge_condition(s.conditions, c, now);
  if (u.set_start_time && !s.start_time)
    s.start_time = now;
  if (u.set_completion_time && !s.completion_time)
    s.completion_time = now;
  if (u.snapshot_key)
    s.snapshot_key = *u.snapshot_key;
  if (u.snapshot_size)
    s.snapshot_size = *u.snapshot_size;
  if (u.observed_generation)
    s.observed_generation = *u.observed_generation;
  return s;
}

std::optional<std::string> status_patch(const model::openbao_restore_status& current,
                                        const status_update& update, model::timestamp now) {
  auto next = apply_update(current, update, now);
  if (next == current)
    return std::nullopt;
  // The encoder writes every field of the status; keep the changed ones.
  auto before = model::encode(model::openbao_restore{{}, {}, current}).as_object()["status"];
  auto after = model::encode(model::openbao_restore{{}, {}, next}).as_object()["status"];
  json::object changed;
  for (auto& [key, value] : after.as_object()) {
    auto* old = before.is_object() ? before.as_object().if_contains(key) : nullptr;
    if (!old || *old != value)
      changed[key] = value;
  }
  // Fields the encoder omits once empty are absent from `after`: a merge patch deletes them
  // with null (never needed today: updates only set fields).
  return json::serialize(json::object{{"status", std::move(changed)}});
}

} // namespace baorestore::restore
