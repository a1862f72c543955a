#pragma once
// The lock service's way into the actor system: an actor that turns each forwarded call
// into a request to the lock registry and calls back with the answer, translated out of
// CAF (registry_answer). An acquire's waitSeconds is the registry's `wait`; the request
// times out `slack` later, for a registry that cannot answer at all (503).

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"
#include "caf/timespan.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "lock_service/service.hpp"

namespace baorestore::lock_service {

struct registry_bridge {
  caf::actor actor;          // stop it with send_exit when the service stops
  forward_function forward;  // thread-safe: anon_sends to `actor`
};

/// Holds granted through the service expire unless renewed within `timeout`
/// (lock_service/hold_expiry.hpp); the bridge then releases them under the holder's name.
struct hold_options {
  std::chrono::milliseconds timeout{0}; // <= 0: never
  /// One line per expired hold; never a token.
  std::function<void(const std::string&)> log;
  /// When set (and holds expire): at start the bridge lists the clusters of `namespaces`
  /// (empty: all) and adopts the service's locks it finds (stored_holder's mark), each with
  /// a full timeout from now; so a lock taken before a restart or a failover, whose holder
  /// died meanwhile, is released too. A list that fails is asked again after `relist`.
  gateway::api_gateway_actor gateway{};
  std::vector<std::string> namespaces{};
  caf::timespan relist = std::chrono::seconds{5};
};

registry_bridge spawn_registry_bridge(caf::actor_system& sys,
                                      cluster_lock::lock_registry_actor registry,
                                      caf::timespan slack = std::chrono::seconds{10},
                                      hold_options holds = {});

/// The registry's reply as a registry_answer (pure; exposed for tests).
registry_answer to_answer(const cluster_lock::lock_reply& reply);
registry_answer to_answer(const cluster_lock::lock_status& status);
registry_answer to_answer(const caf::error& err);

} // namespace baorestore::lock_service
