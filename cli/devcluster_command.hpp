#pragma once
// `baorestore devcluster --listen 127.0.0.1:PORT [--crds DIR] [--data-dir DIR]`: runs the
// embedded development cluster (DESIGN §9) in the foreground until SIGINT or SIGTERM. It
// prints the URL it serves and a kubeconfig for it; port 0 picks a free port, which the
// printed URL then names. With --tls it serves HTTPS with a self-signed certificate and
// wants a bearer token, both of which the printed kubeconfig carries. A job runner plays the
// kubelet for batch/v1 Jobs (--job-duration, --job-outcome; devcluster/job_runner.hpp).
// --data-dir belongs to one process: it binds its port first, then locks the directory, and
// a second process on the same directory exits 2 naming the holder's pid.

#include <iosfwd>
#include <optional>
#include <string>

namespace baorestore::cli {

struct devcluster_options {
  std::string listen = "127.0.0.1:8080";
  /// CRDs to serve from the start; a missing default directory is skipped quietly.
  std::string crds_dir = "deploy/crds";
  bool crds_dir_given = false;
  std::optional<std::string> data_dir;
  /// Serve only legacy discovery documents (kubectl's fallback path).
  bool legacy_discovery = false;
  /// HTTPS with a self-signed certificate generated at start (the kubeconfig pins it).
  bool tls = false;
  /// The bearer token every request needs; with --tls and none given, a random one.
  /// Only with --tls: kubectl sends tokens over https only.
  std::string token;
  /// The job runner's defaults (each Job may override them by annotation): how long a Job
  /// runs, as "3s" or "500ms", and whether it then succeeds or fails.
  std::string job_duration = "3s";
  std::string job_outcome = "succeed";
};

/// Splits "host:port"; nullopt when it is not one.
std::optional<std::pair<std::string, unsigned short>> parse_listen(const std::string& text);

/// A kubeconfig whose one context points at `url`: over plain HTTP with no credentials, or
/// over HTTPS pinning `ca_pem` and sending `token` (kubectl would otherwise prompt for a
/// username, KUBECTL.md §11).
std::string kubeconfig_for(const std::string& url, const std::string& ca_pem = {},
                           const std::string& token = {});

/// Blocks until SIGINT or SIGTERM. Returns exit_ok, or exit_usage when it cannot run as
/// asked: a bad --listen, --job-duration or --job-outcome, an address in use, unusable CRDs,
/// a data directory another process holds, or an unreadable one.
int run_devcluster(const devcluster_options& opts, std::ostream& out, std::ostream& err);

} // namespace baorestore::cli
