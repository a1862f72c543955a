#pragma once
// OpenBaoCluster (openbao.org/v1alpha1): only the fields a restore needs, plus
// status.operationLock, the one field baorestore owns. Field names as upstream's
// api/v1alpha1/openbaocluster_types.go. Unknown fields are ignored on decode; baorestore
// never writes a whole cluster back, only merge patches of status.operationLock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/backup_target.hpp"
#include "model/condition.hpp"
#include "model/object_meta.hpp"

namespace baorestore::model {

inline constexpr const char* cluster_kind = "OpenBaoCluster";
/// Default JWT role of a restore when the cluster has self-init OIDC enabled.
inline constexpr const char* default_oidc_restore_role = "openbao-operator-restore";

struct backup_schedule {
  std::string schedule;
  backup_target target;
  std::string jwt_auth_role;
  std::optional<local_object_reference> token_secret_ref;
  std::string image;
  bool operator==(const backup_schedule&) const = default;
};

struct self_init_oidc {
  bool enabled = false;
  std::string audience;
  bool operator==(const self_init_oidc&) const = default;
};

struct self_init_config {
  bool enabled = false;
  std::optional<self_init_oidc> oidc;
  bool operator==(const self_init_config&) const = default;
};

struct tls_config {
  bool enabled = false;
  std::string mode;
  bool operator==(const tls_config&) const = default;
};

struct openbao_cluster_spec {
  std::string version;
  std::string image;
  std::int32_t replicas = 0;
  tls_config tls;
  std::optional<backup_schedule> backup;
  std::optional<self_init_config> self_init;
  bool operator==(const openbao_cluster_spec&) const = default;
};

enum class cluster_operation { restore, backup, upgrade };

std::string_view to_string(cluster_operation op);
std::optional<cluster_operation> parse_cluster_operation(std::string_view text);

/// status.operationLock. `fence` is ours: it increases by one on every change of holder and
/// may be pruned by upstream's CRD, so nothing may depend on its presence (DESIGN §2).
struct operation_lock {
  cluster_operation operation = cluster_operation::restore;
  std::string holder;
  std::string message;
  std::optional<timestamp> acquired_at;
  std::optional<timestamp> renewed_at;
  std::optional<std::int64_t> fence;
  bool operator==(const operation_lock&) const = default;
};

struct blue_green_status {
  std::string phase;
  std::string blue_revision;
  std::string green_revision;
  bool operator==(const blue_green_status&) const = default;
};

struct openbao_cluster_status {
  std::string phase;
  bool initialized = false;
  bool self_initialized = false;
  std::optional<blue_green_status> blue_green;
  std::optional<operation_lock> lock; // JSON "operationLock"
  std::vector<condition> conditions;
  bool operator==(const openbao_cluster_status&) const = default;
};

struct openbao_cluster {
  object_meta metadata;
  openbao_cluster_spec spec;
  openbao_cluster_status status;
  bool operator==(const openbao_cluster&) const = default;
};

} // namespace baorestore::model
