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
#include "cli/exit_code.hpp"
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

int run_operator(const run_options& opts, std::ostream& out, std::ostream& err) {
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
  gateway::http_gateway_config gc;
  gc.connection = std::move(conn);
  gc.qps = opts.qps;
  gc.burst = opts.burst;
  gateway::api_gateway_actor gw;
  try {
    gw = gateway::spawn_http_gateway(sys, gc);
  } catch (const std::exception& e) {
    err << "run: " << e.what() << "\n";
    return exit_usage;
  }
  cluster_lock::lock_config lc;
  lc.gateway = gw;
  auto locks = cluster_lock::spawn_lock_registry(sys, lc);
  restore::controller_config cc;
  cc.namespaces = opts.namespaces;
  cc.restores = restore_settings(opts, err);
  cc.restores.gateway = gw;
  cc.restores.locks = locks;
  auto probe = cc.restores.probe;
  auto controller = restore::spawn_restore_controller(sys, cc);
  out << "run: operator started against " << (gc.connection.server.tls ? "https://" : "http://")
      << gc.connection.server.host << ":"
      << gc.connection.server.port << " (namespaces: "
      << (opts.namespaces.empty() ? std::string{"all"} : std::to_string(opts.namespaces.size()))
      << ")" << std::endl;
  auto sig = wait_for_stop_signal(stop_signals);
  out << "run: signal " << sig << ", stopping" << std::endl;
  caf::anon_send_exit(controller, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(locks, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
  probe->stop();
  return exit_ok;
}

} // namespace baorestore::cli
