#pragma once
// core/v1 ServiceAccount: the restore Job's identity, created per restore and owned by it
// (metadata.ownerReferences), with token automount left to the pod spec when unset.

#include <optional>

#include "model/object_meta.hpp"

namespace baorestore::model {

struct service_account {
  object_meta metadata;
  std::optional<bool> automount_service_account_token;
  bool operator==(const service_account&) const = default;
};

} // namespace baorestore::model
