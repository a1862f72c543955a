#pragma once
// `baorestore run`: the operator against an API server (issue 6's minimal entry point; issue 7
// adds the configuration file, leader election, metrics and health). It loads a kubeconfig
// (or the in-cluster configuration), starts the HTTP gateway, the lock registry, the snapshot
// probe and the restore controller, and runs until SIGTERM or SIGINT. One line per restore
// step goes to stderr.

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/api_gateway/kube_config.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "log/logger.hpp"

namespace baorestore::cli {

/// The lock service (issue 8, config lockService): HTTPS for backup and upgrade services.
struct lock_service_run_options {
  std::string address; // HOST:PORT (port 0: any free one); empty: not served
  std::string cert_file;
  std::string key_file;
  std::string tokens_file;
  std::size_t max_body_bytes = 16 * 1024;
  double requests_per_second = 10;
  double burst = 20;
  std::size_t max_waits_per_token = 4;
  std::int64_t max_wait_seconds = 300;
  std::chrono::milliseconds hold_timeout{90'000}; // 0: holds never expire
};

struct run_options {
  std::string kubeconfig;                // empty: in-cluster configuration
  std::string context;                   // empty: the kubeconfig's current context
  std::vector<std::string> namespaces;   // empty: all
  std::string executor_image;            // empty: the built-in default
  double qps = 50;
  double burst = 100;
  std::chrono::seconds lock_wait{30};
  std::chrono::seconds validation_deadline{120};
  double job_poll_initial = 1;           // seconds
  double job_poll_ceiling = 15;          // seconds
  bool quiet = false;                    // no per-step lines
  /// Restores of one namespace holding a lock or a Job at once (perTenantRunningLimit);
  /// 0: unlimited.
  std::int64_t per_tenant_running_limit = 0;
  /// The operator's log on stderr (issue 7): JSON lines by default, or text (--log-format);
  /// records below log_level (logLevel) are dropped.
  log::level log_level = log::level::info;
  log::format log_format = log::format::json;
  /// The restore actors' supervisor: more than `intensity` restarts within `period` escalate.
  std::uint32_t supervisor_intensity = 5;
  std::chrono::milliseconds supervisor_period{60'000};
  /// On SIGTERM: how long API requests in flight may take to finish (shutdownGracePeriod).
  std::chrono::milliseconds shutdown_grace{10'000};
  /// HOST:PORT of /metrics, /healthz and /readyz (port 0: any free one); empty: not served.
  std::string metrics_address;
  /// HOST:PORT of /healthz and /readyz alone (healthAddress); empty: on metrics_address only.
  std::string health_address;
  /// Served with the restore controller, so by the leader only (lock_service_port()).
  lock_service_run_options lock_service;
  // The configuration's sources (issue 7, cli/run_config.hpp): run_operator resolves the
  // settings above from the defaults < the --config file < BAORESTORE_* environment < the
  // flags named in `given` (by their setting's path: "qps", "watchedNamespaces", ...).
  /// Leader election (a coordination.k8s.io/v1 Lease): only the leader runs the controller.
  bool leader_election = false;
  std::string lease_name = "baorestore-leader";
  std::string lease_namespace;           // empty: the in-cluster namespace, else "default"
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  std::string config_file;               // --config; empty: none
  bool print_config = false;             // --print-config: print the result as YAML, exit 0
  std::set<std::string> given;           // flags given explicitly on the command line
};

/// Exit codes: 0 stopped by a signal (or --print-config), 2 unusable configuration.
/// `requested` is resolved first (resolve_run_options in cli/run_config.hpp).
int run_operator(const run_options& requested, std::ostream& out, std::ostream& err);

/// The operator's actors in an actor system (shared by `run` and `dev`).
struct operator_actors;

/// Starts the gateway (against `connection`), the lock registry, the snapshot probe and the
/// restore controller. Throws std::runtime_error when the TLS material is unusable.
std::shared_ptr<operator_actors> start_operator(caf::actor_system& sys,
                                                gateway::connection_config connection,
                                                const run_options& opts, std::ostream& err,
                                                bool with_controller = true);

/// Starts the restore controller of an operator started without it (a new leader).
void start_controller(caf::actor_system& sys, operator_actors& ops, const run_options& opts,
                      std::ostream& err);

/// The lock registry of a started operator (in-process lock clients use it).
cluster_lock::lock_registry_actor lock_registry_of(const operator_actors& ops);

/// The port of /metrics, /healthz and /readyz; 0 when not served.
std::uint16_t ops_port(const operator_actors& ops);

/// The port of the lock service; 0 when not served (not configured, or not leading).
std::uint16_t lock_service_port(const operator_actors& ops);

/// Stops what start_operator started.
void stop_operator(operator_actors& ops);

/// A graceful stop (SIGTERM): stops taking work (the controller and its restore actors, the
/// leader elector, the lock registry), then waits up to `grace` for the API requests already
/// accepted by the gateway to be answered, says so on `log` ("drained"), then stop_operator.
void drain_operator(operator_actors& ops, std::chrono::milliseconds grace,
                    const log::logger& log);

} // namespace baorestore::cli
