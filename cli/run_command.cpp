#include "cli/run_command.hpp"

#include <algorithm>
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
#include "cli/run_shutdown.hpp"
#include "lock_service/lock_server.hpp"
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
    log::logger lg{err, opts.log_level, opts.log_format};
    rc.log = [lg](const restore::log_entry& e) {
      auto level = e.level == restore::log_entry::severity::warn ? log::level::warn
                                                                  : log::level::info;
      lg.write(level, e.msg,
               {{"namespace", e.namespace_}, {"name", e.name}, {"phase", e.phase},
                {"reason", e.reason}, {"message", e.message}});
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
  std::unique_ptr<net::http_server> health_server; // /healthz, /readyz (healthAddress)
  leader::leader_elector_actor elector;         // with leader election only
  std::unique_ptr<lock_service::lock_server> lock_server; // with the controller only
  caf::actor_system* sys = nullptr;
};

namespace {

/// Serves the operator's own endpoints when an address is configured; throws when it
/// cannot bind.
std::unique_ptr<net::http_server> serve_ops(const std::string& address,
                                            const metrics::ops_sources& sources,
                                            const log::logger& lg, bool health_only = false) {
  if (address.empty())
    return nullptr;
  auto listen = parse_listen(address);
  if (!listen)
    throw std::runtime_error(std::string{health_only ? "healthAddress" : "--metrics-address"}
                             + " wants HOST:PORT, got \"" + address + "\"");
  net::server_options o;
  o.address = listen->first;
  o.port = listen->second;
  o.log = [lg](const std::string& line) { lg.warn("http: " + line); };
  auto server = std::make_unique<net::http_server>(o, [sources, health_only](const net::request& r) {
    return health_only ? metrics::handle_health(sources, r) : metrics::handle_ops(sources, r);
  });
  server->start();
  return server;
}

/// The lock service (issue 8) when an address is configured; throws when its files do not
/// load or it cannot bind. Each decision is one log record, with the token's name only.
std::unique_ptr<lock_service::lock_server>
serve_lock_service(caf::actor_system& sys, cluster_lock::lock_registry_actor locks,
                   const lock_service_run_options& o, const log::logger& lg,
                   gateway::api_gateway_actor gw, std::vector<std::string> namespaces) {
  if (o.address.empty())
    return nullptr;
  auto listen = parse_listen(o.address);
  if (!listen)
    throw std::runtime_error("lockService.address wants HOST:PORT, got \"" + o.address + "\"");
  lock_service::lock_server_options lo;
  lo.address = listen->first;
  lo.port = listen->second;
  lo.cert_file = o.cert_file;
  lo.key_file = o.key_file;
  lo.tokens_file = o.tokens_file;
  lo.service.max_body_bytes = o.max_body_bytes;
  lo.service.requests_per_second = o.requests_per_second;
  lo.service.burst = o.burst;
  lo.service.max_waits_per_token = o.max_waits_per_token;
  lo.service.max_wait_seconds = o.max_wait_seconds;
  lo.hold_timeout = o.hold_timeout;
  lo.gateway = std::move(gw); // the service's locks from before this leader expire too
  lo.namespaces = std::move(namespaces);
  // Decisions come from the HTTP thread and the actor system's; the logger writes whole
  // lines. The token's name is logged as "client": the token itself never reaches here.
  lo.service.on_decision = [lg](const lock_service::decision& d) {
    auto status = std::to_string(d.status);
    auto denied = d.status == 401 || d.status == 403 || d.status == 429 || d.status >= 500;
    lg.write(denied ? log::level::warn : log::level::info, "lock service: " + d.outcome,
             {{"client", d.token_name.empty() ? "-" : d.token_name},
              {"cluster", d.cluster},
              {"call", d.call},
              {"operation", d.operation},
              {"holder", d.holder},
              {"outcome", d.outcome},
              {"status", status}});
  };
  lo.log = [lg](const std::string& text) { lg.info("lock service: " + text); };
  return std::make_unique<lock_service::lock_server>(sys, std::move(locks), std::move(lo));
}

/// "run: lock service on https://HOST:PORT" once it serves (tests read the port from it).
void print_lock_service(std::ostream& out, const operator_actors& ops, const run_options& opts) {
  if (auto port = lock_service_port(ops))
    out << "run: lock service on https://" << parse_listen(opts.lock_service.address)->first
        << ":" << port << std::endl;
}

} // namespace

std::uint16_t lock_service_port(const operator_actors& ops) {
  return ops.lock_server ? ops.lock_server->port() : 0;
}

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
  ops->sources.locks = std::make_shared<cluster_lock::lock_counters>();
  ops->sources.restarts = std::make_shared<supervision::restart_counters>();
  if (opts.leader_election)
    ops->sources.leadership = std::make_shared<std::atomic<int>>(-1);
  log::logger lg{err, opts.log_level, opts.log_format};
  // An API server we cannot reach or trust, an object we cannot read: said within seconds
  // (then once per 30 s per cause), never silence (DESIGN §5).
  if (!opts.quiet)
    gc.warn = [lg](const gateway::gateway_warning& w) {
      lg.warn(w.msg, {{"cause", w.cause}, {"error", w.error}, {"server", w.server},
                      {"resource", w.resource}, {"namespace", w.namespace_}, {"name", w.name}});
    };
  ops->ops_server = serve_ops(opts.metrics_address, ops->sources, lg);
  ops->health_server = serve_ops(opts.health_address, ops->sources, lg, true);
  ops->gateway = gateway::spawn_http_gateway(sys, gc);
  cluster_lock::lock_config lc;
  lc.gateway = ops->gateway;
  lc.counters = ops->sources.locks;
  ops->locks = cluster_lock::spawn_lock_registry(sys, lc);
  if (with_controller) {
    try {
      start_controller(sys, *ops, opts, err);
    } catch (...) {
      stop_operator(*ops); // else the actor system would wait for the gateway forever
      throw;
    }
  }
  return ops;
}

void start_controller(caf::actor_system& sys, operator_actors& ops, const run_options& opts,
                      std::ostream& err) {
  auto* self = &ops;
  restore::controller_config cc;
  cc.namespaces = opts.namespaces;
  cc.per_tenant_running_limit
    = static_cast<std::size_t>(std::max<std::int64_t>(0, opts.per_tenant_running_limit));
  cc.stats = self->sources.restores;
  cc.restarts.intensity = opts.supervisor_intensity;
  cc.restarts.period = opts.supervisor_period;
  cc.restart_counts = self->sources.restarts;
  cc.restores = restore_settings(opts, err);
  cc.restores.gateway = self->gateway;
  cc.restores.locks = self->locks;
  self->probe = cc.restores.probe;
  self->controller = restore::spawn_restore_controller(sys, cc);
  // The lock service forwards to this replica's registry: it serves where the controller
  // runs (the leader), so that every lock decision is made by one process.
  self->lock_server = serve_lock_service(sys, self->locks, opts.lock_service,
                                        log::logger{err, opts.log_level, opts.log_format},
                                        self->gateway, opts.namespaces);
}

cluster_lock::lock_registry_actor lock_registry_of(const operator_actors& ops) {
  return ops.locks;
}

void stop_operator(operator_actors& ops) {
  if (ops.lock_server)
    ops.lock_server->stop(); // first: no lock request arrives for a registry that is going
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
  if (ops.health_server)
    ops.health_server->stop();
}

namespace {

/// Stops `a` with user_shutdown and waits (bounded) until it is gone, so that nothing it was
/// doing sends another request after this returns.
void stop_and_wait(caf::actor_system& sys, const caf::actor& a, std::chrono::milliseconds bound) {
  if (!a)
    return;
  caf::scoped_actor self{sys};
  self->monitor(a);
  self->send_exit(a, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(bound) >> [] {});
}

} // namespace

void drain_operator(operator_actors& ops, std::chrono::milliseconds grace,
                    const log::logger& log) {
  log.info("stopping: no new work is taken", {{"reason", "signal"}});
  if (ops.lock_server)
    ops.lock_server->stop(); // no lock request is taken either (waiting ones are dropped)
  // The controller first: its supervisor and restore actors go with it, so no restore step
  // starts after this. Then the elector (it releases the Lease through the gateway, which
  // still runs) and the lock registry.
  stop_and_wait(*ops.sys, ops.controller, std::chrono::seconds{2});
  stop_and_wait(*ops.sys, caf::actor_cast<caf::actor>(ops.elector), std::chrono::seconds{3});
  stop_and_wait(*ops.sys, caf::actor_cast<caf::actor>(ops.locks), std::chrono::seconds{1});
  auto counters = ops.sources.gateway;
  auto r = wait_for_drain([&] { return counters ? counters->pending() : 0; }, grace);
  auto waited = std::to_string(r.waited.count()) + "ms";
  if (r.left == 0)
    log.info("drained", {{"waited", waited}});
  else
    log.warn("shutdown grace period over: stopping with API requests in flight",
             {{"pending", std::to_string(r.left)}, {"waited", waited}});
  stop_operator(ops);
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
        try {
          start_controller(sys, ops, opts, err);
        } catch (const std::exception& e) {
          err << "run: " << e.what() << std::endl;
          code = exit_usage;
          break;
        }
        print_lock_service(out, ops, opts);
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
  // From here on, stderr carries log lines (JSON by default); stdout keeps the few plain
  // "run: ..." lines that say where things are.
  log::logger lg{err, opts.log_level, opts.log_format};
  auto loaded = load_connection(opts);
  if (auto* e = std::get_if<gateway::config_error>(&loaded)) {
    lg.error(e->message, {{"reason", "unusable connection configuration"}});
    return exit_usage;
  }
  auto conn = std::get<gateway::connection_config>(std::move(loaded));
  for (const auto& w : conn.warnings)
    lg.warn(w);
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
    lg.error(e.what(), {{"reason", "cannot start"}});
    return exit_usage;
  }
  out << "run: operator started against " << (server.tls ? "https://" : "http://")
      << server.host << ":" << server.port << " (namespaces: "
      << (opts.namespaces.empty() ? std::string{"all"} : std::to_string(opts.namespaces.size()))
      << ")" << std::endl;
  if (auto port = ops_port(*ops))
    out << "run: metrics and health on http://" << parse_listen(opts.metrics_address)->first
        << ":" << port << "/metrics /healthz /readyz" << std::endl;
  print_lock_service(out, *ops, opts);
  if (ops->health_server)
    out << "run: health on http://" << parse_listen(opts.health_address)->first << ":"
        << ops->health_server->port() << "/healthz /readyz" << std::endl;
  lg.info("operator started", {{"server", server.host + ":" + std::to_string(server.port)}});
  int code = opts.leader_election
               ? lead_then_run(sys, *ops, opts, namespace_for_lease, stop_signals, out, err)
               : (out << "run: signal " << wait_for_stop_signal(stop_signals) << ", stopping"
                      << std::endl,
                  exit_ok);
  if (code == exit_ok)
    drain_operator(*ops, opts.shutdown_grace, lg);
  else
    stop_operator(*ops);
  return code;
}

} // namespace baorestore::cli
