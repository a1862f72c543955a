#pragma once
// batch/v1 Job: the parts baorestore creates (a hardened single-container restore pod,
// DESIGN §4) and the status it reads (active, succeeded, failed, conditions).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/object_meta.hpp"

namespace baorestore::model {

struct env_var {
  std::string name;
  std::string value;
  bool operator==(const env_var&) const = default;
};

struct volume_mount {
  std::string name;
  std::string mount_path;
  bool read_only = false;
  bool operator==(const volume_mount&) const = default;
};

struct capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;
  bool operator==(const capabilities&) const = default;
};

struct container_security_context {
  std::optional<bool> allow_privilege_escalation;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> run_as_non_root;
  std::optional<bool> privileged;
  std::optional<capabilities> caps; // JSON "capabilities"
  bool operator==(const container_security_context&) const = default;
};

struct container {
  std::string name;
  std::string image;
  std::string image_pull_policy;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<env_var> env;
  std::vector<volume_mount> volume_mounts;
  std::optional<container_security_context> security_context;
  bool operator==(const container&) const = default;
};

struct secret_volume_source {
  std::string secret_name;
  std::optional<std::int32_t> default_mode;
  bool operator==(const secret_volume_source&) const = default;
};

struct empty_dir_volume_source {
  std::string medium;
  bool operator==(const empty_dir_volume_source&) const = default;
};

struct service_account_token_projection {
  std::string audience;
  std::optional<std::int64_t> expiration_seconds;
  std::string path;
  bool operator==(const service_account_token_projection&) const = default;
};

/// Projected volume limited to what restore pods mount: service-account tokens.
struct projected_volume_source {
  std::vector<service_account_token_projection> service_account_tokens;
  std::optional<std::int32_t> default_mode;
  bool operator==(const projected_volume_source&) const = default;
};

struct volume {
  std::string name;
  std::optional<secret_volume_source> secret;
  std::optional<empty_dir_volume_source> empty_dir;
  std::optional<projected_volume_source> projected;
  bool operator==(const volume&) const = default;
};

struct pod_security_context {
  std::optional<bool> run_as_non_root;
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<std::int64_t> fs_group;
  std::string seccomp_profile_type; // seccompProfile.type, e.g. "RuntimeDefault"
  bool operator==(const pod_security_context&) const = default;
};

struct pod_spec {
  std::string service_account_name;
  std::optional<bool> automount_service_account_token;
  std::string restart_policy;
  std::optional<pod_security_context> security_context;
  std::vector<container> containers;
  std::vector<volume> volumes;
  bool operator==(const pod_spec&) const = default;
};

struct pod_template {
  std::map<std::string, std::string> labels;      // template.metadata.labels
  std::map<std::string, std::string> annotations; // template.metadata.annotations
  pod_spec spec;
  bool operator==(const pod_template&) const = default;
};

struct job_spec {
  std::optional<std::int32_t> backoff_limit;
  std::optional<std::int64_t> active_deadline_seconds;
  std::optional<std::int32_t> ttl_seconds_after_finished;
  /// A suspended Job starts no pod (DESIGN §4: restore Jobs are created suspended and
  /// unsuspended only after a live read of the lock).
  std::optional<bool> suspend;
  pod_template template_;
  bool operator==(const job_spec&) const = default;
};

/// batch/v1 JobCondition (types Complete, Failed, Suspended, FailureTarget, ...).
struct job_condition {
  std::string type;
  std::string status;
  std::string reason;
  std::string message;
  std::optional<timestamp> last_probe_time;
  std::optional<timestamp> last_transition_time;
  bool operator==(const job_condition&) const = default;
};

struct job_status {
  std::int32_t active = 0;
  std::int32_t succeeded = 0;
  std::int32_t failed = 0;
  std::optional<timestamp> start_time;
  std::optional<timestamp> completion_time;
  std::vector<job_condition> conditions;
  bool operator==(const job_status&) const = default;
};

struct job {
  object_meta metadata;
  job_spec spec;
  job_status status;
  bool operator==(const job&) const = default;
};

} // namespace baorestore::model
