#pragma once
// The lock registry: the one address of the operation lock (DESIGN §3). It speaks the lock
// protocol for every cluster and routes each request to that cluster's lock actor, spawning
// it on demand; replies go straight from the lock actor to the requester (delegation).
//
// Lock actors that are idle (no in-process holder, no waiters, nothing pending) for
// `lock_config::idle_timeout` are stopped, and there is never more than one lock actor per
// cluster: an idle lock actor reports how many routed messages it has received, and the
// registry stops it only if that is every message it routed there (else one is in flight and
// the report is ignored). Requests for a cluster whose actor is stopping wait in the registry
// until it is gone, then go to a fresh one, which reads the lock back from the API server. The
// highest fence each cluster has used is kept across actors.

#include "caf/fwd.hpp"

#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/lock_config.hpp"
#include "actors/cluster_lock/lock_internal.hpp"

namespace baorestore::cluster_lock {

lock_registry_actor spawn_lock_registry(caf::actor_system& sys, lock_config config);

/// The registry with its internal interface (tests look up a lock actor to crash it).
detail::lock_registry_impl spawn_lock_registry_impl(caf::actor_system& sys,
                                                    lock_config config);

} // namespace baorestore::cluster_lock
