#pragma once
// BackupTarget (openbao.org/v1alpha1): object storage location, shared by
// OpenBaoCluster.spec.backup.target and OpenBaoRestore.spec.source.target.
// Defaults are the CRD's, applied when a field is absent, as the API server would.

#include <cstdint>
#include <optional>
#include <string>

namespace baorestore::model {

/// corev1.LocalObjectReference: a name in the referring object's namespace.
struct local_object_reference {
  std::string name;
  bool operator==(const local_object_reference&) const = default;
};

struct gcs_target {
  std::string project;
  bool operator==(const gcs_target&) const = default;
};

struct azure_target {
  std::string storage_account;
  std::string container;
  bool operator==(const azure_target&) const = default;
};

inline constexpr const char* provider_s3 = "s3";
inline constexpr const char* provider_gcs = "gcs";
inline constexpr const char* provider_azure = "azure";

inline constexpr std::int64_t default_part_size = 10485760;
inline constexpr std::int64_t min_part_size = 5242880;
inline constexpr std::int32_t default_concurrency = 3;
inline constexpr const char* default_region = "us-east-1";

struct backup_target {
  std::string provider = provider_s3; // kept as text: an unknown value is a validation error
  std::string endpoint;
  std::string bucket;
  std::string path_prefix;
  std::optional<local_object_reference> credentials_secret_ref;
  std::int64_t part_size = default_part_size;
  std::int32_t concurrency = default_concurrency;
  std::string region = default_region;
  std::string role_arn;
  bool use_path_style = false;
  std::optional<gcs_target> gcs;
  std::optional<azure_target> azure;
  bool insecure_skip_verify = false;
  bool operator==(const backup_target&) const = default;
};

} // namespace baorestore::model
