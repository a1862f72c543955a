#pragma once
// The embedded development cluster's object store: Kubernetes objects as JSON documents,
// with the API server's semantics for everything kubectl and baorestore rely on (DESIGN §9,
// issue 4). It is pure state: the HTTP layer maps requests onto these calls and their
// results and errors onto responses and metav1.Status bodies.
//
// - A global, strictly increasing resourceVersion, as etcd's revision: every committed
//   change gets the next one. A write that changes nothing commits nothing.
// - On create: uid, creationTimestamp (from the injected clock), generation 1,
//   generateName; status dropped for resources with a status subresource.
// - Writes (update, merge patch, JSON patch) go through one path: resourceVersion
//   precondition (409), status subresource semantics, server-managed metadata kept,
//   generation bumped when spec changes, admission hooks (422), object size cap.
// - Delete: finalizers and deletionTimestamp, propagation Background / Foreground /
//   Orphan, uid and resourceVersion preconditions; collect_garbage() plays the garbage
//   collector for dependents whose owners are gone.
// - Every commit is appended to a bounded watch log, and with a data directory to an
//   fsync'ed log file that is replayed on open. The data directory is locked to one store
//   (one process), and the log is compacted into a snapshot of the live objects when it
//   grows past store_options::compaction (record_log.hpp says when and why).
//
// Thread-safe: one mutex around everything (a development server; simplicity first).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "devcluster/admission.hpp"
#include "devcluster/record_log.hpp"
#include "devcluster/resource.hpp"
#include "devcluster/store_error.hpp"
#include "devcluster/watch_log.hpp"
#include "model/time.hpp"

namespace baorestore::devcluster {

struct store_options {
  /// Persist to `data_dir`/store.log and recover from it on open; none keeps all in memory.
  /// The directory is locked while the store is open (data_dir_lock.hpp).
  std::optional<std::filesystem::path> data_dir;
  /// When the log is rewritten as a snapshot of the live objects.
  compaction_policy compaction;
  /// For tests: called after each step of a compaction, with the store's lock held.
  std::function<void(compaction_step)> on_compaction_step;
  std::size_t watch_window = 10'000;         // events kept for watches
  std::size_t max_object_bytes = 3u << 20;   // serialized, as etcd's default request cap
  std::size_t max_page_size = 500;           // a list `limit` above this is lowered to it
  std::function<model::timestamp()> clock;   // default: the system clock
  std::uint64_t seed = 0;                    // uids and generated names; 0 = random
  /// Makes the uid of each new object; default: random version-4 UUIDs from `seed`.
  /// In-process fakes set it for predictable uids ("uid-1", ...). Called with the lock held.
  std::function<std::string()> uid;
  /// Start with builtin_admission() (restore spec immutability); off, only the hooks that
  /// add_admission adds run.
  bool builtin_admission = true;
};

enum class subresource { none, status };

enum class propagation { background, foreground, orphan };

struct list_options {
  std::string label_selector;
  std::string field_selector;
  std::size_t limit = 0; // 0: all
  std::string continue_token;
};

struct list_page {
  std::vector<boost::json::object> items; // sorted by namespace, then name
  std::uint64_t resource_version = 0;     // the store's, at the first page
  std::string continue_token;             // empty on the last page
};

struct delete_options {
  propagation policy = propagation::background;
  std::optional<std::string> uid;              // precondition
  std::optional<std::string> resource_version; // precondition
};

/// The data directory's log, for tests and diagnostics.
struct log_stats {
  std::uint64_t bytes = 0;       // in store.log now
  std::uint64_t compactions = 0; // done since open
  std::string last_error;        // of the last compaction that failed (it is retried later)
};

struct delete_outcome {
  boost::json::object object; // the last state, or the state marked for deletion
  bool removed = false;       // false: it waits for its finalizers
};

class object_store {
public:
  /// Throws data_dir_busy when another store (another process) holds the data directory,
  /// record_log_error when its log is unreadable or corrupt.
  explicit object_store(store_options opts = {});
  ~object_store();
  object_store(const object_store&) = delete;
  object_store& operator=(const object_store&) = delete;

  /// Declares (or redeclares) a resource; operations on undeclared ones are 404.
  void define(resource_def def);
  std::optional<resource_def> definition(const resource_id& res) const;
  void add_admission(admission_hook hook);

  /// `ns` is the request's namespace ("" for cluster-scoped resources).
  result<boost::json::object> create(const resource_id& res, const std::string& ns,
                                     boost::json::object obj);
  result<boost::json::object> get(const resource_id& res, const std::string& ns,
                                  const std::string& name) const;
  /// `ns` empty lists all namespaces.
  result<list_page> list(const resource_id& res, const std::string& ns,
                         const list_options& opts) const;

  /// PUT: the full object; metadata.resourceVersion, when set, is a precondition.
  result<boost::json::object> update(const resource_id& res, const std::string& ns,
                                     const std::string& name, boost::json::object obj,
                                     subresource sub = subresource::none);
  /// RFC 7386; a metadata.resourceVersion in the patch is a precondition.
  result<boost::json::object> merge_patch(const resource_id& res, const std::string& ns,
                                          const std::string& name,
                                          const boost::json::value& patch,
                                          subresource sub = subresource::none);
  /// RFC 6902.
  result<boost::json::object> json_patch(const resource_id& res, const std::string& ns,
                                         const std::string& name,
                                         const boost::json::value& patch,
                                         subresource sub = subresource::none);

  /// For fixtures and in-process fakes, not a client verb: stores `obj` as given under its
  /// metadata.namespace and name (or generateName), replacing any object there, with no
  /// precondition, admission or subresource rule (status is kept). A uid,
  /// creationTimestamp or generation it lacks is filled in as a create would; the
  /// resourceVersion is always a fresh one. 400 without a name, or without a namespace for a
  /// namespaced resource.
  result<boost::json::object> seed(const resource_id& res, boost::json::object obj);

  result<delete_outcome> remove(const resource_id& res, const std::string& ns,
                                const std::string& name, const delete_options& opts = {});

  /// One pass of the garbage collector, repeated until nothing changes: deletes
  /// dependents whose owners are all gone, drops references to missing owners, and
  /// finishes foreground deletions whose dependents are gone. Returns the commits made.
  std::size_t collect_garbage();

  /// Events of `res` (in `ns`, or all when empty) after `rv`; 410 Expired when too old.
  result<std::vector<watch_event>> events_since(const resource_id& res, const std::string& ns,
                                                std::uint64_t rv) const;

  std::uint64_t resource_version() const;
  /// Bytes of a torn or corrupt log tail dropped when this store opened.
  std::uint64_t dropped_on_open() const;
  /// All zero without a data directory.
  log_stats disk_stats() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace baorestore::devcluster
