#pragma once
// The lock actor: one per OpenBaoCluster, spawned by the lock registry (lock_registry.hpp),
// never by clients. It owns the cluster's `status.operationLock` within this process and
// serializes every request for it (DESIGN §3):
// - requests run one at a time, in arrival order, through a FIFO of pending operations,
//   because one request may take several gateway round trips (read, write, re-read after a
//   conflict, backoff after a transport error);
// - the lock on the API server is the truth: every write carries the resourceVersion last
//   seen as precondition, and a 409 makes the actor re-read and decide again;
// - a grant is answered only after its write succeeded;
// - busy requests that may wait are queued (Restore first, then first come first served) and
//   served when the lock frees, or answered busy at their deadline;
// - a holder that loses the lock without releasing it (a forced takeover, or a writer outside
//   this process) gets `lock_lost` at the actor that acquired it.

#include <cstdint>
#include <optional>

#include "caf/actor_addr.hpp"
#include "caf/fwd.hpp"

#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/lock_config.hpp"
#include "actors/cluster_lock/lock_internal.hpp"

namespace baorestore::cluster_lock {

struct lock_actor_args {
  cluster_key key;
  lock_config config;
  detail::wall_clock clock;
  /// Where to report idleness; invalid: never stop on idleness (a lock actor spawned alone).
  caf::actor_addr registry;
  /// The highest fence an earlier lock actor of this cluster used (the lock on the server
  /// may have lost it: a release clears the whole lock).
  std::int64_t last_fence = 0;
  /// The in-process holder an earlier lock actor of this cluster had (it crashed).
  std::optional<detail::in_process_holder> holder;
};

detail::lock_actor_impl spawn_lock_actor(caf::actor_system& sys, lock_actor_args args);

} // namespace baorestore::cluster_lock
