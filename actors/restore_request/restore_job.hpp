#pragma once
// The restore Job of DESIGN §4, built from the restore, its cluster and its lock fence: a
// deterministic name, our labels and annotations, an owner reference to the restore, and the
// hardened pod that runs upstream's executor image unchanged (its environment names). Pure.

#include <cstdint>
#include <string>

#include "model/job.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"

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
inline constexpr const char* managed_by = "baorestore";

/// "restore-<name>", cut to 63 characters with a short hash suffix when longer.
std::string restore_job_name(const std::string& restore_name);

/// "<cluster>-restore-serviceaccount": the pod's identity for JWT auth.
std::string restore_service_account_name(const std::string& cluster_name);

model::job build_restore_job(const model::openbao_restore& r, const model::openbao_cluster& c,
                             std::int64_t fence, const job_settings& settings);

/// Whether a Job found under the restore's Job name is this restore's: our labels and an
/// owner reference to this restore's uid (else it is never adopted).
bool is_our_job(const model::job& j, const model::openbao_restore& r);

/// Whether `j` is a restore Job of this operator that is still suspended (it never ran a
/// pod) and is owned by the restore of uid `gone_uid`, which no longer exists: a create that
/// landed after its restore was deleted. The restore controller deletes it (DESIGN §4).
bool is_abandoned_suspended_job(const model::job& j, const std::string& gone_uid);

} // namespace baorestore::restore
