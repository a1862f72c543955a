#pragma once
// What the controller writes for a restore that does not decode (DESIGN §2: reading is
// lenient, judging is strict): no actor can read it, so no actor can fail it; the controller
// marks it Failed with reason InvalidSpec, the fields named, and a Warning Event, from what
// the watch could read of it (namespace, name, uid, resourceVersion, status.phase). Pure.

#include <optional>
#include <string>

#include "actors/restore_request/next_step.hpp"
#include "model/undecodable.hpp"

namespace baorestore::restore {

inline constexpr const char* reason_invalid_spec = "InvalidSpec";

struct undecodable_verdict {
  std::string message; // "the restore does not decode: spec.force: expected boolean, ..."
  std::string patch;   // the merge patch of its status subresource
  event_note event;    // Warning InvalidSpec
};

/// Nullopt when there is nothing to write: its metadata does not read (no name to address),
/// it is finished already (Failed or Completed), or it is being deleted.
std::optional<undecodable_verdict> judge_undecodable(const model::undecodable_object& obj,
                                                     model::timestamp now);

} // namespace baorestore::restore
