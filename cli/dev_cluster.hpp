#pragma once
// Private to `baorestore dev`: the embedded cluster in-process (store, HTTP API on a port,
// Job runner), with calls to its API as plain functions and a view of its restores.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devcluster/api/cluster_api.hpp"
#include "devcluster/job_runner.hpp"
#include "devcluster/object_store.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "net/http_server.hpp"

namespace baorestore::cli {

class dev_cluster {
public:
  /// Throws std::runtime_error when the listen address cannot be bound.
  dev_cluster(const std::string& host, unsigned short port,
              devcluster::job_runner_options jobs);

  std::vector<std::string> load_crds(const std::string& dir) { return api_.load_crds(dir); }
  std::string url() const;
  unsigned short port() const { return server_.port(); }

  /// The API as kubectl would call it; the reply's status and body.
  net::response call(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::string& content_type = "application/json");
  /// Creates one object given as JSON (its apiVersion and kind choose the collection).
  net::response create(const std::string& json);
  /// Merge-patches a cluster's status (the OpenBao operator's part in the dev world).
  void patch_cluster_status(const std::string& ns, const std::string& name,
                            const std::string& status_json);

  std::vector<model::openbao_restore> restores();
  std::optional<model::openbao_cluster> cluster(const std::string& ns, const std::string& name);

private:
  devcluster::object_store store_;
  devcluster::api::cluster_api api_;
  net::http_server server_;
  devcluster::job_runner_thread runner_;
};

/// "tenant-a/r1" style rows of the progress view: tenant, restore, cluster, phase, lock
/// holder of its cluster, time since creation, message.
struct progress_row {
  std::string tenant;
  std::string name;
  std::string cluster;
  std::string phase;
  std::string lock;
  long elapsed_seconds = 0;
  std::string message;
  bool operator==(const progress_row&) const = default;
};

std::vector<progress_row> progress(dev_cluster& c, std::chrono::system_clock::time_point now);

/// A table of the rows (the terminal view) and one line per row (plain output).
std::string render_table(const std::vector<progress_row>& rows);
std::string render_line(const progress_row& r);

} // namespace baorestore::cli
