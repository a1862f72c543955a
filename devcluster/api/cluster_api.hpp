#pragma once
// The embedded cluster's HTTP API as a plain function of a request (DESIGN §9, issue 4):
// routing of discovery, OpenAPI and resource paths onto the object store, and the store's
// results and errors onto replies. No sockets here: net::http_server carries the bytes,
// and the tests call handle() directly.
//
// Not thread-safe by itself (the registry is unguarded): the server calls it from its one
// I/O thread. The store it wraps is thread-safe and may be shared.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "devcluster/api/registry.hpp"
#include "devcluster/api/request_path.hpp"
#include "devcluster/api/schema_check.hpp"
#include "devcluster/object_store.hpp"
#include "net/http_message.hpp"

namespace baorestore::devcluster::api {

struct api_options {
  /// The clock for ages in Table replies; default: the system clock.
  std::function<model::timestamp()> clock;
  /// Idle bookmark period of watches that allow bookmarks.
  std::chrono::seconds bookmark_every{30};
  /// Answer aggregated discovery when asked; off, only the legacy documents are served
  /// (what kubectl falls back to; the kubectl test runs both ways).
  bool aggregated_discovery = true;
  /// Open watches at most; more are refused with 429 (each holds a connection).
  int max_watches = 256;
  /// When set, every request needs `Authorization: Bearer <token>` (401 otherwise). Not
  /// offered on the command line yet: kubectl sends tokens only over https, and the
  /// server has no TLS yet (with https it also keeps kubectl from prompting for a
  /// username, KUBECTL.md §11).
  std::string bearer_token;
};

class cluster_api {
public:
  /// Declares the built-in resources and the CRDs already stored (a recovered data dir) in
  /// `store`, and creates the `default` namespace when missing.
  explicit cluster_api(object_store& store, api_options opts = {});

  /// Creates (or updates) every CustomResourceDefinition in the YAML files of `dir` and
  /// serves their resources; returns one line per problem.
  std::vector<std::string> load_crds(const std::filesystem::path& dir);

  net::response handle(const net::request& req);

  const registry& served() const { return reg_; }

  /// Requests handled so far, by verb (get, list, watch, create, update, patch, delete,
  /// deletecollection; "other" for discovery and the rest, as the API server's audit verbs)
  /// and resource ("openbaoclusters", "openbaorestores/status"; "-" when none). Benchmarks
  /// read it; counting costs one map lookup under a mutex per request.
  using request_counts = std::map<std::pair<std::string, std::string>, std::uint64_t>;
  request_counts requests() const;

private:
  net::response handle_discovery(const std::string& path, const std::string& accept) const;
  net::response handle_resource(const net::request& req, const resource_path& p,
                                const query& q);
  net::response do_get(const served_resource& r, const resource_path& p, const query& q,
                       const net::request& req);
  net::response do_list(const served_resource& r, const resource_path& p, const query& q,
                        const net::request& req);
  net::response do_watch(const served_resource& r, const resource_path& p, const query& q,
                         const net::request& req);
  net::response do_create(const served_resource& r, const resource_path& p,
                          const net::request& req);
  net::response do_update(const served_resource& r, const resource_path& p,
                          const net::request& req);
  net::response do_patch(const served_resource& r, const resource_path& p,
                         const net::request& req);
  net::response do_delete_collection(const served_resource& r, const resource_path& p,
                                     const query& q, const net::request& req);
  /// A new Namespace gets status.phase Active, which `kubectl get ns` shows.
  boost::json::object mark_active(boost::json::object ns);
  result<boost::json::object> strategic_patch(const served_resource& r, const resource_path& p,
                                              const boost::json::value& patch);
  net::response do_delete(const served_resource& r, const resource_path& p, const query& q,
                          const net::request& req);

  /// After a CRD write: serve its resources and mark it Established. Returns the CRD as
  /// stored after that.
  boost::json::object crd_changed(boost::json::object crd);
  void serve(const served_resource& r);

  /// Unknown fields of a custom resource's create or update body: pruned, and refused
  /// (fieldValidation=Strict) or reported as Warning headers (Warn, the default).
  std::optional<store_error> check_fields(const served_resource& r, boost::json::object& obj,
                                          const std::string& validation,
                                          std::map<std::string, std::string>& headers) const;

  void count(const net::request& req, const std::optional<resource_path>& p, bool watch);

  object_store& store_;
  api_options opts_;
  mutable std::mutex counts_mtx_;
  request_counts counts_;
  registry reg_;
  std::shared_ptr<schema_table> schemas_ = std::make_shared<schema_table>();
  /// Open watches; each watch_source holds a token that decrements it when it goes.
  std::shared_ptr<std::atomic<int>> watches_ = std::make_shared<std::atomic<int>>(0);
};

} // namespace baorestore::devcluster::api
