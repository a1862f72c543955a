#pragma once
// Settings of the lock registry and of every lock actor it spawns.

#include <chrono>
#include <memory>
#include <optional>

#include "caf/duration.hpp"
#include "caf/timespan.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/lock_counters.hpp"
#include "model/time.hpp"

namespace baorestore::cluster_lock {

struct lock_config {
  gateway::api_gateway_actor gateway;
  /// A lock actor with no holder of its own, no waiters and no pending request stops after
  /// this long; the next request for its cluster spawns a fresh one that reads the lock back.
  caf::timespan idle_timeout = std::chrono::minutes{5};
  /// Backoff of retries after transport errors, 429 and 5xx: base * 2^n, capped.
  caf::timespan retry_base = std::chrono::milliseconds{200};
  caf::timespan retry_cap = std::chrono::seconds{10};
  /// Attempts per request (the first one included) before the requester gets gave_up.
  int retry_attempts = 6;
  /// Re-reads after 409 Conflict per request before the requester gets gave_up: a writer that
  /// changes the cluster faster than we can read and write it.
  int max_conflicts = 10;
  /// Timeout of each gateway request. Infinite by default because the gateway bounds every
  /// request itself and answers `transport` when its deadline passes; a finite value here is
  /// a second guard (its expiry counts as a transport error).
  caf::duration request_timeout{caf::infinite};
  /// Wall-clock time (for acquiredAt/renewedAt) at the moment the registry starts; later
  /// times follow CAF's actor clock from there, so tests drive them with simulated time.
  /// Unset: the system clock.
  std::optional<model::timestamp> wall_clock_start;
  /// Acquisitions, waits and holds for /metrics, shared by every lock actor; optional.
  std::shared_ptr<lock_counters> counters;
};

} // namespace baorestore::cluster_lock
