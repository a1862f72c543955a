#pragma once
// The reclaimer of orphan Restore locks (DESIGN §3, orphan_lock.hpp): one short-lived actor
// per suspect, spawned by the restore controller, which sees clusters and restores in its
// watches and so knows the suspects. It never trusts those caches: it reads the cluster, the
// holder's OpenBaoRestore and that restore's Job live through the gateway, and only when
// judge_orphan says reclaim does it release the lock through the lock registry (the lock
// actor writes the release with the cluster's resourceVersion as precondition, and re-reads
// and decides again on a conflict) and write a Warning Event on the cluster. The Event's name
// is one per holder uid, so that two operator processes reclaiming one lock write one Event.
// It reports reclaim_done to its parent, then quits.

#include <functional>
#include <optional>
#include <string>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/fwd.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/restore_request/orphan_lock.hpp"
#include "model/time.hpp"

namespace baorestore::restore {

struct reclaim_config {
  gateway::api_gateway_actor gateway;
  cluster_lock::lock_registry_actor locks;
  /// Name of this operator in Events (source.component, reportingComponent).
  std::string component = "baorestore";
  /// Wall-clock time for the Event; empty: the system clock.
  std::function<model::timestamp()> clock;
};

/// A suspect: the cluster ns/name and the holder of its lock as the watch showed it.
struct reclaim_suspect {
  std::string namespace_;
  std::string cluster;
  std::string holder;
};

/// The reclaimer's report: the verdict on the live reads (reclaim: the lock was released),
/// or none and why (a read or the release failed: look again later). `event_error` says why
/// the Event could not be written after a reclaim (the release stands).
struct reclaim_done {
  reclaim_suspect suspect;
  std::optional<orphan_verdict> verdict;
  std::string error;
  std::string event_error;
};

/// Spawns a reclaimer for `suspect` that reports reclaim_done to `parent`.
void spawn_lock_reclaim(caf::local_actor* parent, reclaim_config config,
                        reclaim_suspect suspect);

} // namespace baorestore::restore

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::reclaim_done)
