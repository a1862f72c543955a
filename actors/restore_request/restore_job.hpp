#pragma once
// The restore Job of DESIGN §4, built from the restore, its cluster and its lock fence: a
// deterministic name, our labels and annotations, an owner reference to the restore, and the
// hardened pod that runs upstream's executor image unchanged (its environment names). Pure.

#include <cstdint>
#include <string>
#include <vector>

#include "model/job.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/service_account.hpp"

namespace baorestore::restore {

struct job_settings {
  /// The executor image when neither the restore nor the cluster's backup names one.
  std::string executor_image = "ghcr.io/dc-tec/openbao-backup:latest";
  /// So that a pod that never starts cannot hold the lock forever.
  std::int64_t active_deadline_seconds = 3600;
  /// Audience of the projected service-account token (JWT auth).
  std::string token_audience = "openbao-internal";
};

inline constexpr const char* label_managed_by = "app.kubernetes.io/managed-by";
inline constexpr const char* label_cluster = "openbao.org/cluster";
inline constexpr const char* label_component = "openbao.org/component";
inline constexpr const char* label_restore = "openbao.org/restore";
inline constexpr const char* annotation_restore_uid = "openbao.org/restore-uid";
inline constexpr const char* annotation_fence = "openbao.org/lock-fence";
// The full names, whose label values may be cut (restore_label_value).
inline constexpr const char* annotation_restore_name = "openbao.org/restore-name";
inline constexpr const char* annotation_cluster_name = "openbao.org/cluster-name";
inline constexpr const char* managed_by = "baorestore";

/// "restore-<name>", cut to 63 characters with a short hash suffix when longer.
std::string restore_job_name(const std::string& restore_name);

/// "<cluster>-restore-serviceaccount", cut to 253 characters with the same hash suffix when
/// longer: the pod's identity for JWT auth.
std::string restore_service_account_name(const std::string& cluster_name);

/// The value of the `openbao.org/restore` label: the restore's name, cut to 63 characters
/// with the Job name's hash suffix when longer. A selector for a restore's Job uses this.
std::string restore_label_value(const std::string& restore_name);

/// The pod's ServiceAccount, owned by the cluster (created when missing, never changed).
model::service_account build_service_account(const model::openbao_cluster& c);

model::job build_restore_job(const model::openbao_restore& r, const model::openbao_cluster& c,
                             std::int64_t fence, const job_settings& settings);

/// Whether a Job found under the restore's Job name is this restore's: our labels and an
/// owner reference to this restore's uid (else it is never adopted).
bool is_our_job(const model::job& j, const model::openbao_restore& r);

/// Why the API server would refuse to create this Job or ServiceAccount (their names,
/// labels and annotations, by the embedded cluster's own rules, model/metadata_validation):
/// one line per problem, empty when both are acceptable. Checked before the lock is taken,
/// so that a doomed restore fails in Validating and never touches it (DESIGN §4).
std::vector<std::string> unacceptable(const model::job& j, const model::service_account& sa);

/// Whether `j` is a restore Job of this operator that is still suspended (it never ran a
/// pod) and is owned by the restore of uid `gone_uid`, which no longer exists: a create that
/// landed after its restore was deleted. The restore controller deletes it (DESIGN §4).
bool is_abandoned_suspended_job(const model::job& j, const std::string& gone_uid);

} // namespace baorestore::restore
