#pragma once
// The cluster_lock protocol (DESIGN §3): one lock actor per OpenBaoCluster serializes
// Restore, Backup and Upgrade ownership of `status.operationLock`. Clients talk to the lock
// registry, which routes each request to the cluster's lock actor (spawned on demand).
//
//   acquire -> granted{fence} | busy{current}        (wait > 0: queued until free or deadline)
//   release -> released | not_holder{current}
//   renew   -> granted{fence} | not_holder{current}
//   query   -> lock_status
// Failures (cluster missing, API unreachable after retries) are caf::errors with a lock_errc.
//
// A holder that loses its lock without releasing it (a forced takeover by a Restore, a
// writer outside this process seen on the API server, or a release under its name sent by
// another actor) receives a `lock_lost` message at every actor that acquired it under that
// holder name and is still alive.

#include <cstdint>
#include <optional>
#include <string>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/error.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/timespan.hpp"
#include "caf/typed_actor.hpp"

#include "model/openbao_cluster.hpp"

namespace baorestore::cluster_lock {

/// namespace/name of an OpenBaoCluster.
struct cluster_key {
  std::string namespace_;
  std::string name;
  bool operator==(const cluster_key&) const = default;
  auto operator<=>(const cluster_key&) const = default;
};

std::string to_string(const cluster_key& k); // "namespace/name"

struct acquire_request {
  cluster_key cluster;
  model::cluster_operation operation = model::cluster_operation::backup;
  std::string holder;  // "openbaorestore/<name>/<uid>", "openbaocluster/backup", ...
  std::string message; // why, for people reading the cluster status
  /// Take over a Backup or Upgrade lock. Honoured for Restore requests only, and never over
  /// another Restore; the caller records the takeover (Warning event, condition).
  bool force = false;
  /// How long to wait in the queue when the lock is held; zero answers busy at once.
  caf::timespan wait{0};
  /// The cluster's resourceVersion at which the requester saw the lock free, if it did (a
  /// restore validates the cluster from the watch cache before it asks). A lock actor that
  /// has not read the cluster yet writes its grant against that version instead of reading
  /// first: one GET less per restore. A stale version costs a 409 and a read, never a wrong
  /// grant, since the version is the write's precondition.
  std::string seen_free_at{};
};

struct release_request {
  cluster_key cluster;
  model::cluster_operation operation = model::cluster_operation::backup;
  std::string holder;
};

struct renew_request {
  cluster_key cluster;
  std::string holder;
};

struct query_request {
  cluster_key cluster;
};

enum class lock_outcome : std::uint8_t { granted, busy, released, not_holder };

std::string to_string(lock_outcome o);

struct lock_reply {
  lock_outcome outcome = lock_outcome::busy;
  /// granted: the holder's fence (0 when the stored lock has none, e.g. upstream's CRD).
  std::int64_t fence = 0;
  /// busy / not_holder: the lock as it stands; granted: the lock now held.
  std::optional<model::operation_lock> current;
  /// granted by force: the holder that was taken over.
  std::optional<model::operation_lock> previous;
  /// granted: the cluster's resourceVersion the grant was decided on (the precondition of
  /// its write, or the version that showed the lock already held). A requester that checked
  /// that very version knows the cluster it checked is the one now locked; any other, that
  /// the cluster changed in between.
  std::string decided_on{};
};

struct lock_status {
  std::optional<model::operation_lock> lock;
  std::string resource_version; // of the cluster the lock was read from
  std::uint64_t waiters = 0;
};

/// Sent to the actor that acquired a lock when it no longer holds it.
struct lock_lost {
  cluster_key cluster;
  std::string holder;
  std::optional<model::operation_lock> now; // the lock as it stands, if any
};

/// Handed in (from a watch) when a newer version of a cluster was observed, so that a lock
/// written outside this process is noticed and queued waiters are re-evaluated.
struct cluster_observed {
  model::openbao_cluster cluster;
};

enum class lock_errc : std::uint8_t {
  cluster_not_found = 1, // the OpenBaoCluster does not exist
  gave_up,               // the API server kept failing; nothing was changed by this request
  invalid_request,       // empty holder, bad key
};

std::string to_string(lock_errc e);

using cluster_lock_actor = caf::typed_actor<
  caf::replies_to<acquire_request>::with<lock_reply>,
  caf::replies_to<release_request>::with<lock_reply>,
  caf::replies_to<renew_request>::with<lock_reply>,
  caf::replies_to<query_request>::with<lock_status>,
  caf::reacts_to<cluster_observed>>;

/// Registry statistics, for tests and metrics.
struct registry_stats {
  std::uint64_t lock_actors = 0; // running now
  std::uint64_t spawned = 0;     // since start
  std::uint64_t stopped_idle = 0;
};

using stats_atom = caf::atom_constant<caf::atom("lockstats")>;
constexpr stats_atom stats_atom_v{};

/// The registry speaks the lock protocol for every cluster, plus statistics.
using lock_registry_actor
  = cluster_lock_actor::extend<caf::replies_to<stats_atom>::with<registry_stats>>;

} // namespace baorestore::cluster_lock

CAF_ERROR_CODE_ENUM(baorestore::cluster_lock::lock_errc, "lock")

// The messages carry model values, which are local-only message content
// (actors/model_messages.hpp); so are these. The lock service for processes outside speaks
// HTTP, never CAF's own remoting.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::cluster_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::acquire_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::release_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::renew_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::query_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::lock_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::lock_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::lock_lost)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::cluster_observed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::cluster_lock::registry_stats)
