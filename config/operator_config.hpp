#pragma once
// The operator's configuration (issue 7): one value type, read from a YAML file, overridden by
// BAORESTORE_* environment variables, then by command-line flags. Pure code: no CAF, no I/O
// beyond reading the file.
//
// Precedence, lowest first: the defaults below < the file (load_config_file) < the environment
// (apply_environment) < command-line flags. Flags are the CLI's: it assigns the fields of the
// flags given explicitly (CLI11 `->count() > 0`) after apply_environment, then calls validate()
// once more (cli/run_config.cpp).
//
// Every problem is reported, all at once, named by its path in the file
// ("leaderElection.renewDeadline", "watchedNamespaces[2]") or by its environment variable.
// Durations are Go-style text: "500ms", "30s", "1m30s", "2h" (units ms, s, m, h; decimals
// allowed, "1.5s"). Addresses are listening addresses, IP:PORT: "127.0.0.1:8080",
// "0.0.0.0:8081", "[::1]:8080" (port 0: any free port).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace baorestore::config {

using duration = std::chrono::milliseconds;

enum class log_level { debug, info, warn, error };

std::string_view to_string(log_level level);
std::optional<log_level> parse_log_level(std::string_view text);

struct supervisor_settings {
  /// Restarts allowed within `period` before the supervisor escalates.
  std::int64_t intensity = 5;
  duration period = std::chrono::seconds{60};
  bool operator==(const supervisor_settings&) const = default;
};

struct leader_election_settings {
  bool enabled = false;
  std::string lease_name = "baorestore-leader";
  /// Empty: the operator's own namespace (its service account's).
  std::string lease_namespace;
  duration lease_duration = std::chrono::seconds{15};
  duration renew_deadline = std::chrono::seconds{10};
  duration retry_period = std::chrono::seconds{2};
  bool operator==(const leader_election_settings&) const = default;
};

/// The lock service for backup and upgrade services (issue 8): HTTPS with bearer tokens.
struct lock_service_settings {
  /// HOST:PORT to serve on (port 0: any free one); empty: not served.
  std::string address;
  std::string cert_file;   // PEM certificate chain, reloaded when it changes
  std::string key_file;    // PEM private key, reloaded with the certificate
  std::string tokens_file; // the token file (lock_service/token_table.hpp), reloaded too
  std::int64_t max_body_bytes = 16 * 1024;
  double requests_per_second = 10; // per token
  std::int64_t burst = 20;         // per token
  std::int64_t max_waits_per_token = 4;
  std::int64_t max_wait_seconds = 300;
  /// A hold taken through the service and not renewed for this long is released, so that a
  /// crashed backup never keeps the cluster locked (0: never).
  duration hold_timeout = std::chrono::seconds{90};
  bool operator==(const lock_service_settings&) const = default;
};

struct operator_config {
  /// Empty: all namespaces.
  std::vector<std::string> watched_namespaces;
  /// Client-side rate limit of API requests (token bucket).
  double qps = 50;
  std::int64_t burst = 100;
  duration job_poll_initial = std::chrono::seconds{1};
  duration job_poll_ceiling = std::chrono::seconds{15};
  /// Restores running at once per tenant namespace; 0: unlimited.
  std::int64_t per_tenant_running_limit = 0;
  duration lock_wait_deadline = std::chrono::seconds{30};
  duration validation_deadline = std::chrono::seconds{120};
  supervisor_settings supervisor;
  /// HOST:PORT of /metrics, /healthz and /readyz; empty: not served.
  std::string metrics_address;
  /// HOST:PORT of /healthz and /readyz apart from /metrics; empty: on metricsAddress.
  std::string health_address;
  leader_election_settings leader_election;
  lock_service_settings lock_service;
  log_level log = log_level::info;
  /// On SIGTERM: how long API writes already in flight may take to finish before the
  /// operator stops anyway (no new work starts meanwhile).
  duration shutdown_grace_period = std::chrono::seconds{10};
  /// Empty: the built-in default image of the restore Job.
  std::string executor_image;
  /// Empty: the in-cluster configuration.
  std::string kubeconfig;
  bool operator==(const operator_config&) const = default;
};

struct config_problem {
  /// Where: "leaderElection.renewDeadline", "watchedNamespaces[1]", "BAORESTORE_QPS", or the
  /// file's name when the file as a whole is the problem.
  std::string path;
  std::string message;
  bool operator==(const config_problem&) const = default;
};

using config_problems = std::vector<config_problem>;

/// "path: message".
std::string to_string(const config_problem& p);

/// Largest configuration file accepted.
inline constexpr std::size_t max_config_file_bytes = 1024 * 1024;

/// The defaults overridden by the file at `path` (YAML or JSON, one mapping; an empty file
/// is the defaults), then validated; or every problem found. Unknown keys are problems, with a
/// "did you mean ...?" when a known key is close. A key with a null value keeps its default.
std::variant<operator_config, config_problems> load_config_file(const std::filesystem::path& path);

/// load_config_file on text already read; `source` names it in whole-file problems.
std::variant<operator_config, config_problems> load_config_text(std::string_view text,
                                                                const std::string& source);

/// Reads an environment variable; nullopt when unset.
using getenv_function = std::function<std::optional<std::string>(const char*)>;

/// std::getenv (the production getenv_function).
std::optional<std::string> process_getenv(const char* name);

/// Where settings' values came from, by setting path ("qps" -> "BAORESTORE_QPS", "--qps"),
/// for the messages of their problems.
using setting_origins = std::map<std::string, std::string>;

/// Appends " (from ORIGIN)" to the message of each problem of a setting with an origin.
void attribute(config_problems& problems, const setting_origins& origins);

/// apply_environment without the validation: only the variables that do not parse are
/// problems. Records in `origins` the settings that were set.
config_problems read_environment(operator_config& cfg, const getenv_function& getenv,
                                 setting_origins& origins);

/// Overrides settings from BAORESTORE_<UPPER_SNAKE_PATH> variables (environment_variable):
/// BAORESTORE_QPS, BAORESTORE_LOG_LEVEL, BAORESTORE_LEADER_ELECTION_ENABLED (true|false),
/// BAORESTORE_WATCHED_NAMESPACES (comma-separated; empty: all). Unset variables change
/// nothing; a variable whose text does not parse is a problem named by the variable and leaves
/// its setting alone. Then validates the result (problems named by their file path).
config_problems apply_environment(operator_config& cfg, const getenv_function& getenv);

/// The rules between and on values (qps > 0, retryPeriod < renewDeadline < leaseDuration,
/// addresses, names...). load_config_file and apply_environment call it; call it again after
/// changing a config by other means (flags).
config_problems validate(const operator_config& cfg);

/// Every setting's path in the file, in to_yaml's order ("qps", "leaderElection.enabled").
std::vector<std::string> setting_paths();

/// The environment variable of a setting path: "leaderElection.leaseName" ->
/// "BAORESTORE_LEADER_ELECTION_LEASE_NAME".
std::string environment_variable(std::string_view path);

/// The paths of the settings whose values differ between `a` and `b`.
std::vector<std::string> differing_settings(const operator_config& a, const operator_config& b);

/// Go-style text of a duration: "500ms", "15s", "1m30s", "2h".
std::string format_duration(duration d);

/// Parses format_duration's text (and "1.5s", "0"); nullopt when it is not a duration.
std::optional<duration> parse_duration(std::string_view text);

/// The configuration as a YAML file that load_config_file reads back to the same value.
std::string to_yaml(const operator_config& cfg);

} // namespace baorestore::config
