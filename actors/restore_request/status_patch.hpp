#pragma once
// A status_update as the merge patch of the restore's status subresource, or nothing when it
// would change nothing (no empty or unchanged writes: DESIGN §4's API budget). Conditions are
// sent whole (a merge patch replaces arrays): the current ones with those of the update's
// types replaced; a condition's lastTransitionTime moves only when its status changes.

#include <optional>
#include <string>

#include "actors/restore_request/next_step.hpp"

namespace baorestore::restore {

/// The JSON text {"status":{...}} of the changed fields, or nullopt.
std::optional<std::string> status_patch(const model::openbao_restore_status& current,
                                        const status_update& update, model::timestamp now);

/// The status after the update (what the patch writes), for tests and the actor's own view.
model::openbao_restore_status apply_update(model::openbao_restore_status current,
                                           const status_update& update, model::timestamp now);

} // namespace baorestore::restore
