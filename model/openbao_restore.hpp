#pragma once
// OpenBaoRestore (openbao.org/v1alpha1): field names and defaults as upstream's
// api/v1alpha1/openbaorestore_types.go; behaviour as DESIGN.md §2 and §4.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/backup_target.hpp"
#include "model/condition.hpp"
#include "model/object_meta.hpp"

namespace baorestore::model {

inline constexpr const char* openbao_api_version = "openbao.org/v1alpha1";
inline constexpr const char* restore_kind = "OpenBaoRestore";
inline constexpr const char* restore_finalizer = "openbao.org/openbaorestore-finalizer";

struct restore_source {
  backup_target target;
  std::string key; // the full object path in the bucket, never prefixed with pathPrefix
  // Upstream's newer checks of the snapshot, carried for the executor (DESIGN §2, §4):
  // digest and size of the object, and the cluster ID and OpenBao version it was taken of.
  std::string expected_digest;
  std::optional<std::int64_t> expected_size;
  std::string expected_cluster_id;
  std::string expected_version;
  bool operator==(const restore_source&) const = default;
};

struct openbao_restore_spec {
  std::string cluster;
  restore_source source;
  std::string jwt_auth_role;
  std::optional<local_object_reference> token_secret_ref;
  // Optional with presence: the CRD rejects an explicit "" (minLength 1), so must we.
  std::optional<std::string> image;
  bool force = false;
  bool override_operation_lock = false;
  // Upstream's restore into a new cluster and its workload identity: decoded (the templates
  // kept as their compact JSON text) so that a manifest using them is read, and refused at
  // validation with NotSupported until built (unsupported_restore_features).
  std::optional<std::string> cluster_template; // a JSON object
  std::string target_lifecycle;
  std::optional<std::int64_t> cleanup_after_seconds;
  std::optional<std::string> workload_identity; // a JSON object
  /// Lenient decoding notes the spec's fields it does not know here ("spec.foo"): reading
  /// never fails on them, judging does (validate_restore_spec: InvalidSpec). Not encoded.
  std::vector<std::string> unknown_fields;
  bool operator==(const openbao_restore_spec&) const = default;
};

enum class restore_phase { unset, pending, validating, running, completed, failed };

std::string_view to_string(restore_phase p);
/// Parses "Pending", "Validating", ...; "" is unset; anything else is nullopt.
std::optional<restore_phase> parse_restore_phase(std::string_view text);

struct openbao_restore_status {
  restore_phase phase = restore_phase::unset;
  std::optional<timestamp> start_time;
  std::optional<timestamp> completion_time;
  std::string snapshot_key;
  std::int64_t snapshot_size = 0;
  std::string message;
  std::vector<condition> conditions;
  std::int64_t observed_generation = 0;
  bool operator==(const openbao_restore_status&) const = default;
};

struct openbao_restore {
  object_meta metadata;
  openbao_restore_spec spec;
  openbao_restore_status status;
  bool operator==(const openbao_restore&) const = default;
};

} // namespace baorestore::model
