#pragma once
// Spec validation of an OpenBaoRestore: the CRD's rules plus the ones it cannot express
// (DESIGN §4 step 1). Every problem is reported at once, each with its JSON path.

#include "model/field_error.hpp"
#include "model/openbao_restore.hpp"

namespace baorestore::model {

/// Rules on spec alone: cluster and key non-empty, DNS-1123 names, provider enum, part size
/// and concurrency ranges, overrideOperationLock only with force, Secret refs that are plain
/// names in the same namespace and not the target cluster's own system Secrets; the spec's
/// unknown fields (noted by a lenient read) and a negative expectedSize.
field_errors validate_restore_spec(const openbao_restore_spec& spec);

/// Upstream fields we decode but do not implement (restore into a new cluster, workload
/// identity), one error each: a restore using them fails with reason NotSupported at
/// validation instead of being half done.
field_errors unsupported_restore_features(const openbao_restore_spec& spec);

/// validate_restore_spec plus metadata: a DNS-1123 subdomain name and namespace.
field_errors validate_restore(const openbao_restore& restore);

} // namespace baorestore::model
