#include "cli/run_command.hpp"

#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>

#include <pthread.h>

#include "caf/all.hpp"

#include "actors/api_gateway/http_gateway.hpp"
#include "actors/api_gateway/kube_config.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "actors/restore_request/restore_controller.hpp"
#include "cli/devcluster_command.hpp"
#include "cli/exit_code.hpp"
#include "cli/run_config.hpp"
#include "metrics/ops_endpoints.hpp"
#include "net/http_server.hpp"
#include "s3/snapshot_probe.hpp"

namespace baorestore::cli {

namespace {

using namespace std::chrono;

std::variant<gateway::connection_config, gateway::config_error>
load_connection(const run_options& opts) {
  if (!opts.kubeconfig.empty())
    return gateway::load_kubeconfig(opts.kubeconfig, opts.context);
  return gateway::load_in_cluster(gateway::process_getenv, gateway::default_sa_dir);
}

restore::restore_request_config restore_settings(const run_options& opts,
                                                 std::ostream& err) {
  restore::restore_request_config rc;
  rc.decisions.lock_wait = opts.lock_wait;
  rc.decisions.validation_deadline = opts.validation_deadline;
  if (!opts.executor_image.empty())
    rc.job.executor_image = opts.executor_image;
  rc.job_polls.initial = duration_cast<nanoseconds>(duration<double>(opts.job_poll_initial));
  rc.job_polls.ceiling = duration_cast<nanoseconds>(duration<double>(opts.job_poll_ceiling));
  rc.probe = std::make_shared<s3::snapshot_probe>();
  if (!opts.quiet) {
    auto mtx = std::make_shared<std::mutex>();
    rc.log = [&err, mtx](const std::string& line) {
      std::lock_guard guard{*mtx};
      err << "restore " << line << std::endl;
    };
  }
  return rc;
}

int wait_for_stop_signal(const sigset_t& stop_signals) {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  return sig;
}

} // namespace

struct operator_actors {
  gateway::api_gateway_actor gateway;
  cluster_lock::lock_registry_actor locks;
  caf::actor controller;
  std::shared_ptr<s3::snapshot_probe> probe;
  metrics::ops_sources sources;
  std::unique_ptr<net::http_server> ops_server; // /metrics, /healthz, /readyz
};

namespace {

/// Serves the operator's own endpoints when an address is configured; throws when it
/// cannot bind.
std::unique_ptr<net::http_server> serve_ops(const std::string& address,
                                            const metrics::ops_sources& sources) {
  if (address.empty())
    return nullptr;
  auto listen = parse_listen(address);
  if (!listen)
    throw std::runtime_error("--metrics-address wants HOST:PORT, got \"" + address + "\"");
  net::server_options o;
  o.address = listen->first;
  o.port = listen->second;
  auto server = std::make_unique<net::http_server>(
    o, [sources](const net::request& r) { return metrics::handle_ops(sources, r); });
  server->start();
  return server;
}

} // namespace

std::uint16_t ops_port(const operator_actors& ops) {
  return ops.ops_server ? ops.ops_server->port() : 0;
}

std::shared_ptr<operator_actors> start_operator(caf::actor_system& sys,
                                                gateway::connection_config connection,
                                                const run_options& opts, std::ostream& err) {
  auto ops = std::make_shared<operator_actors>();
  gateway::http_gateway_config gc;
  gc.connection = std::move(connection);
  gc.qps = opts.qps;
  gc.burst = opts.burst;
  ops->sources.gateway = gc.counters = std::make_shared<gateway::gateway_counters>();
  ops->sources.restores = std::make_shared<restore::restore_stats>();
  ops->ops_server = serve_ops(opts.metrics_address, ops->sources);
  ops->gateway = gateway::spawn_http_gateway(sys, gc);
  cluster_lock::lock_config lc;
  lc.gateway = ops->gateway;
  ops->locks = cluster_lock::spawn_lock_registry(sys, lc);
  restore::controller_config cc;
  cc.namespaces = opts.namespaces;
  cc.stats = ops->sources.restores;
  cc.restores = restore_settings(opts, err);
  cc.restores.gateway = ops->gateway;
  cc.restores.locks = ops->locks;
  ops->probe = cc.restores.probe;
  ops->controller = restore::spawn_restore_controller(sys, cc);
  return ops;
}

cluster_lock::lock_registry_actor lock_registry_of(const operator_actors& ops) {
  return ops.locks;
}

void stop_operator(operator_actors& ops) {
  caf::anon_send_exit(ops.controller, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(ops.locks, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(ops.gateway, caf::exit_reason::user_shutdown);
  ops.probe->stop();
  if (ops.ops_server)
    ops.ops_server->stop();
}

int run_operator(const run_options& requested, std::ostream& out, std::ostream& err) {
  auto resolved = resolve_run_options(requested, config::process_getenv, out, err);
  if (auto* code = std::get_if<int>(&resolved))
    return *code;
  const auto& opts = std::get<run_options>(resolved);
  auto loaded = load_connection(opts);
  if (auto* e = std::get_if<gateway::config_error>(&loaded)) {
    err << "run: " << e->message << "\n";
    return exit_usage;
  }
  auto conn = std::get<gateway::connection_config>(std::move(loaded));
  for (const auto& w : conn.warnings)
    err << "run: warning: " << w << "\n";
  // Signals are taken by sigwait only: block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto server = conn.server;
  std::shared_ptr<operator_actors> ops;
  try {
    ops = start_operator(sys, std::move(conn), opts, err);
  } catch (const std::exception& e) {
    err << "run: " << e.what() << "\n";
    return exit_usage;
  }
  out << "run: operator started against " << (server.tls ? "https://" : "http://")
      << server.host << ":" << server.port << " (namespaces: "
      << (opts.namespaces.empty() ? std::string{"all"} : std::to_string(opts.namespaces.size()))
      << ")" << std::endl;
  if (auto port = ops_port(*ops))
    out << "run: metrics and health on http://" << parse_listen(opts.metrics_address)->first
        << ":" << port << "/metrics /healthz /readyz" << std::endl;
  auto sig = wait_for_stop_signal(stop_signals);
  out << "run: signal " << sig << ", stopping" << std::endl;
  stop_operator(*ops);
  return exit_ok;
}

} // namespace baorestore::cli
