#include "cli/run_command.hpp"

#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>

#include <pthread.h>

#include <condition_variable>
#include <optional>
#include <thread>

#include <unistd.h>

#include "caf/all.hpp"

#include "actors/leader/leader_elector.hpp"

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
  leader::leader_elector_actor elector;         // with leader election only
  caf::actor_system* sys = nullptr;
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
                                                const run_options& opts, std::ostream& err,
                                                bool with_controller) {
  auto ops = std::make_shared<operator_actors>();
  ops->sys = &sys;
  gateway::http_gateway_config gc;
  gc.connection = std::move(connection);
  gc.qps = opts.qps;
  gc.burst = opts.burst;
  ops->sources.gateway = gc.counters = std::make_shared<gateway::gateway_counters>();
  ops->sources.restores = std::make_shared<restore::restore_stats>();
  if (opts.leader_election)
    ops->sources.leadership = std::make_shared<std::atomic<int>>(-1);
  ops->ops_server = serve_ops(opts.metrics_address, ops->sources);
  ops->gateway = gateway::spawn_http_gateway(sys, gc);
  cluster_lock::lock_config lc;
  lc.gateway = ops->gateway;
  ops->locks = cluster_lock::spawn_lock_registry(sys, lc);
  if (with_controller)
    start_controller(sys, *ops, opts, err);
  return ops;
}

void start_controller(caf::actor_system& sys, operator_actors& ops, const run_options& opts,
                      std::ostream& err) {
  auto* self = &ops;
  restore::controller_config cc;
  cc.namespaces = opts.namespaces;
  cc.stats = self->sources.restores;
  cc.restores = restore_settings(opts, err);
  cc.restores.gateway = self->gateway;
  cc.restores.locks = self->locks;
  self->probe = cc.restores.probe;
  self->controller = restore::spawn_restore_controller(sys, cc);
}

cluster_lock::lock_registry_actor lock_registry_of(const operator_actors& ops) {
  return ops.locks;
}

void stop_operator(operator_actors& ops) {
  if (ops.elector) {
    // It releases the Lease through the gateway: wait for it (bounded) before the gateway
    // goes, so that a successor does not wait for the lease to expire.
    caf::scoped_actor self{*ops.sys};
    self->monitor(ops.elector);
    self->send_exit(ops.elector, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {}, caf::after(std::chrono::seconds{3}) >> [] {});
  }
  if (ops.controller)
    caf::anon_send_exit(ops.controller, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(ops.locks, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(ops.gateway, caf::exit_reason::user_shutdown);
  if (ops.probe)
    ops.probe->stop();
  if (ops.ops_server)
    ops.ops_server->stop();
}

namespace {

/// With leader election: the controller runs only while this replica leads. Losing the
/// lease ends the process (exit 1) so that a restart re-derives everything as a follower,
/// as client-go's elector does; the elector steps down before its lease could be taken.
int lead_then_run(caf::actor_system& sys, operator_actors& ops, const run_options& opts,
                  const std::string& lease_namespace, const sigset_t& stop_signals,
                  std::ostream& out, std::ostream& err) {
  // Shared with the elector's callback, which may run after this function returned (the
  // elector reports leader=false as it stops).
  struct shared_state {
    std::mutex mtx;
    std::condition_variable changed;
    std::optional<bool> leading; // the latest report
    bool stopping = false;
    int sig = 0;
  };
  auto shared = std::make_shared<shared_state>();
  leader::elector_config ec;
  ec.gateway = ops.gateway;
  ec.namespace_ = lease_namespace;
  ec.name = opts.lease_name;
  using std::chrono::ceil;
  using std::chrono::seconds;
  ec.timing = {ceil<seconds>(opts.lease_duration), ceil<seconds>(opts.renew_deadline),
               ceil<seconds>(opts.retry_period)};
  auto state = ops.sources.leadership;
  ec.on_change = [shared, state](bool leader) {
    state->store(leader ? 1 : 0);
    std::lock_guard guard{shared->mtx};
    shared->leading = leader;
    shared->changed.notify_all();
  };
  ops.elector = leader::spawn_leader_elector(sys, ec);
  std::thread signals{[shared, &stop_signals] {
    auto sig = wait_for_stop_signal(stop_signals);
    std::lock_guard guard{shared->mtx};
    shared->sig = sig;
    shared->stopping = true;
    shared->changed.notify_all();
  }};
  out << "run: leader election on Lease " << lease_namespace << "/" << opts.lease_name
      << std::endl;
  bool led = false;
  int code = exit_ok;
  {
    std::unique_lock lock{shared->mtx};
    for (;;) {
      shared->changed.wait(
        lock, [&] { return shared->stopping || (shared->leading && *shared->leading != led); });
      if (shared->stopping)
        break;
      if (*shared->leading) {
        led = true;
        lock.unlock();
        out << "run: leading: the restore controller starts" << std::endl;
        start_controller(sys, ops, opts, err);
        lock.lock();
      } else {
        out << "run: lost leadership: exiting so that a restart follows" << std::endl;
        code = 1;
        break;
      }
    }
  }
  if (code != exit_ok)
    kill(getpid(), SIGTERM); // releases the signal thread (the signals are blocked: sigwait)
  signals.join();
  if (code == exit_ok)
    out << "run: signal " << shared->sig << ", stopping" << std::endl;
  return code;
}

} // namespace

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
  auto namespace_for_lease = !opts.lease_namespace.empty() ? opts.lease_namespace
                             : !conn.namespace_.empty()    ? conn.namespace_
                                                           : std::string{"default"};
  std::shared_ptr<operator_actors> ops;
  try {
    ops = start_operator(sys, std::move(conn), opts, err, !opts.leader_election);
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
  int code = opts.leader_election
               ? lead_then_run(sys, *ops, opts, namespace_for_lease, stop_signals, out, err)
               : (out << "run: signal " << wait_for_stop_signal(stop_signals) << ", stopping"
                      << std::endl,
                  exit_ok);
  stop_operator(*ops);
  return code;
}

} // namespace baorestore::cli
