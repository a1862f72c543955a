#pragma once
// Private to the object store's .cpp files: its state, and the steps its operations share.
// Callers hold `mu`; nothing here locks.

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "devcluster/metadata.hpp"
#include "devcluster/object_store.hpp"
#include "devcluster/record_log.hpp"
#include "devcluster/watch_log.hpp"

namespace baorestore::devcluster {

struct object_key {
  std::string ns;
  std::string name;
  auto operator<=>(const object_key&) const = default;
};

/// One change an operation commits; its resourceVersion is assigned by commit().
struct change {
  event_type type = event_type::modified;
  resource_id resource;
  boost::json::object object;
};

struct object_store::impl {
  explicit impl(store_options o);

  store_options opts;
  mutable std::mutex mu;
  std::map<resource_id, resource_def> defs;
  std::map<resource_id, std::map<object_key, boost::json::object>> objects;
  std::unordered_map<std::string, std::pair<resource_id, object_key>> by_uid;
  std::vector<admission_hook> hooks;
  watch_log events;
  std::unique_ptr<record_log> disk;
  std::uint64_t rv = 0;
  std::uint64_t dropped = 0;
  std::uint64_t compactions = 0;
  std::string compaction_error;
  std::uint64_t compaction_retry_at = 0; // log bytes before a failed compaction is retried
  std::mt19937_64 rng;

  model::timestamp now() const;
  /// A uid for a new object: opts.uid, else a random UUID.
  std::string new_uid();
  const resource_def* def(const resource_id& res) const;
  /// 404 "the server could not find the requested resource" for an undeclared resource.
  static store_error unknown_resource();
  boost::json::object* find(const resource_id& res, const std::string& ns,
                            const std::string& name);
  status_causes admit(const resource_def& d, const boost::json::object* old,
                      const boost::json::object& updated) const;

  /// Assigns the next resourceVersions, persists the batch as one record (all or
  /// nothing), then applies it; returns the committed objects. 413 over the size cap,
  /// 500 when the disk refuses.
  result<std::vector<boost::json::object>> commit(std::vector<change> changes);
  /// Applies one committed change to the maps and the watch log (commit and replay).
  void apply(change c);
  /// Replays one record of the log; a snapshot is accepted only as the `first`. Returns
  /// whether the record was a snapshot.
  bool replay(const std::string& record, bool first);

  /// The whole state as one log record: every live object and the resourceVersion counter.
  std::string snapshot() const;
  /// Loads a snapshot record's content into an empty store; throws record_log_error.
  void load_snapshot(const boost::json::object& snap);
  /// After a commit: rewrites the log as a snapshot when compaction is due. A failure
  /// leaves the old log in use (the commit stands) and is retried after more appends.
  void maybe_compact();

  /// The shared write path: `candidate` is the full object the client wants, `current`
  /// the stored one. Applies subresource and metadata rules, admission, and commits.
  result<boost::json::object> finish_write(const resource_def& d, const boost::json::object& current,
                                           boost::json::object candidate, subresource sub);

  /// Delete with the lock held; `extra` changes (orphaned dependents) commit with it.
  result<delete_outcome> remove(const resource_def& d, const std::string& ns,
                                const std::string& name, const delete_options& opts);
  /// One garbage-collection pass; the number of commits it made.
  std::size_t collect_once();
  std::vector<std::pair<resource_id, object_key>> dependents_of(const std::string& uid) const;
};

} // namespace baorestore::devcluster
