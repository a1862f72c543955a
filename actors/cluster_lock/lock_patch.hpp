#pragma once
// The two writes a lock actor makes, as JSON merge patches (RFC 7386) of the cluster's status
// subresource. Merge patches touch only `status.operationLock`, so conditions and phase that
// other controllers write are never overwritten; the resourceVersion precondition travels
// beside the patch, in the gateway request.

#include <string>

#include "model/openbao_cluster.hpp"

namespace baorestore::cluster_lock {

/// {"status":{"operationLock":{...}}}: sets the whole lock (fields absent in `lock` are
/// written as absent, not merged with the old holder's).
std::string set_lock_patch(const model::operation_lock& lock);

/// {"status":{"operationLock":null}}: removes the lock.
std::string clear_lock_patch();

} // namespace baorestore::cluster_lock
