#include "cli/devcluster_command.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

#include <cstdio>
#include <random>

#include <pthread.h>

#include "cli/exit_code.hpp"
#include "devcluster/api/cluster_api.hpp"
#include "devcluster/job_runner.hpp"
#include "devcluster/object_store.hpp"
#include "model/base64.hpp"
#include "net/http_server.hpp"

namespace baorestore::cli {

std::optional<std::pair<std::string, unsigned short>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return std::nullopt;
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9')
      return std::nullopt;
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535)
      return std::nullopt;
  }
  return std::pair{text.substr(0, colon), static_cast<unsigned short>(port)};
}

std::string kubeconfig_for(const std::string& url, const std::string& ca_pem,
                           const std::string& token) {
  std::string ca = ca_pem.empty() ? std::string{}
                                  : "    certificate-authority-data: "
                                      + model::base64_encode(ca_pem) + "\n";
  std::string user = token.empty() ? std::string{"  user: {}\n"}
                                   : "  user:\n    token: " + token + "\n";
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- name: baorestore-dev\n"
         "  cluster:\n"
         "    server: " + url + "\n" + ca +
         "users:\n"
         "- name: baorestore-dev\n" + user +
         "contexts:\n"
         "- name: baorestore-dev\n"
         "  context:\n"
         "    cluster: baorestore-dev\n"
         "    user: baorestore-dev\n"
         "current-context: baorestore-dev\n";
}

namespace {

// 128 random bits as hex: the bearer token when --tls is given without --token.
std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    out += buf;
  }
  return out;
}

} // namespace

int run_devcluster(const devcluster_options& opts, std::ostream& out, std::ostream& err) {
  auto listen = parse_listen(opts.listen);
  if (!listen) {
    err << "devcluster: --listen wants HOST:PORT, got \"" << opts.listen << "\"\n";
    return exit_usage;
  }
  if (!opts.token.empty() && !opts.tls) {
    err << "devcluster: --token needs --tls (kubectl sends tokens over https only)\n";
    return exit_usage;
  }
  devcluster::job_runner_options jopts;
  if (auto d = devcluster::parse_job_duration(opts.job_duration)) {
    jopts.duration = *d;
  } else {
    err << "devcluster: --job-duration wants a duration such as 3s or 500ms, got \""
        << opts.job_duration << "\"\n";
    return exit_usage;
  }
  if (auto o = devcluster::parse_job_outcome(opts.job_outcome)) {
    jopts.outcome = *o;
  } else {
    err << "devcluster: --job-outcome wants succeed or fail, got \"" << opts.job_outcome
        << "\"\n";
    return exit_usage;
  }
  // Block the stop signals before any thread starts, so that every thread inherits the
  // mask and sigwait below is the only place they are taken.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    // Destroyed in reverse: the server stops (no handler runs any more) before the API and
    // the store it calls go.
    std::optional<devcluster::object_store> store;
    std::optional<devcluster::api::cluster_api> api;
    net::server_options sopts;
    sopts.address = listen->first;
    sopts.port = listen->second;
    if (opts.tls)
      sopts.tls = net::make_self_signed({listen->first}, {"localhost"});
    // Bound first: a second process that cannot have the port exits here, before it has
    // touched the data directory. Nothing is served before start(), when `api` is set.
    net::http_server server{sopts, [&api](const net::request& r) { return api->handle(r); }};
    devcluster::store_options so;
    if (opts.data_dir)
      so.data_dir = *opts.data_dir;
    // Locks the data directory (data_dir_busy names its holder) before reading the log.
    store.emplace(so);
    devcluster::api::api_options aopts;
    aopts.aggregated_discovery = !opts.legacy_discovery;
    if (opts.tls)
      aopts.bearer_token = opts.token.empty() ? random_token() : opts.token;
    api.emplace(*store, aopts);
    if (opts.crds_dir_given || std::filesystem::is_directory(opts.crds_dir)) {
      auto problems = api->load_crds(opts.crds_dir);
      for (const auto& p : problems)
        err << "devcluster: CRD " << p << "\n";
      if (!problems.empty())
        return exit_usage;
    }
    server.start();
    // Declared after the store and the server: destroyed first, so no tick outlives them.
    devcluster::job_runner_thread job_runner{*store, jopts};
    auto url = std::string{opts.tls ? "https://" : "http://"} + listen->first + ":"
               + std::to_string(server.port());
    out << "devcluster: serving " << url << "\n"
        << "devcluster: kubeconfig (save it and point KUBECONFIG at it):\n"
        << kubeconfig_for(url, opts.tls ? sopts.tls->cert_pem : std::string{},
                          aopts.bearer_token)
        << std::flush;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    out << "devcluster: stopping on signal " << sig << "\n" << std::flush;
    server.stop();
    return exit_ok;
  } catch (const std::exception& e) {
    err << "devcluster: " << e.what() << "\n";
    return exit_usage;
  }
}

} // namespace baorestore::cli
