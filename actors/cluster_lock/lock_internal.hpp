#pragma once
// Messages between the lock registry and its lock actors, and each lock actor's own timers.
// Not part of the public protocol (cluster_lock.hpp): clients never see these handles.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/actor_addr.hpp"
#include "caf/actor_clock.hpp"
#include "caf/atom.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/cluster_lock/cluster_lock.hpp"
#include "model/time.hpp"

namespace baorestore::cluster_lock::detail {

using retry_atom = caf::atom_constant<caf::atom("lockretry")>;
constexpr retry_atom retry_atom_v{};
using deadline_atom = caf::atom_constant<caf::atom("lockdline")>;
constexpr deadline_atom deadline_atom_v{};
using idle_atom = caf::atom_constant<caf::atom("lockidle")>;
constexpr idle_atom idle_atom_v{};
using stop_atom = caf::atom_constant<caf::atom("lockstop")>;
constexpr stop_atom stop_atom_v{};
using lookup_atom = caf::atom_constant<caf::atom("locklookup")>;
constexpr lookup_atom lookup_atom_v{};
using holder_atom = caf::atom_constant<caf::atom("lockholder")>;
constexpr holder_atom holder_atom_v{};

/// The holder that acquired through a lock actor of this process, and the actors to tell when
/// it loses the lock: every actor that acquired (or re-acquired) under its name while it held,
/// because incarnations of one holder overlap (a restarted restore actor re-acquires while a
/// request of the dying one is still on its way).
struct in_process_holder {
  std::string holder;
  std::vector<caf::actor_addr> actors;
};

/// A lock actor as its registry and its own timers see it:
/// - retry(op): the backoff of pending operation `op` has passed;
/// - deadline(waiter): the wait of a queued acquire has ended;
/// - idle: the idle timer has passed (the actor checks how long it has really been idle);
/// - stop: the registry has forgotten this actor; quit.
using lock_actor_impl = cluster_lock_actor::extend<
  caf::reacts_to<retry_atom, std::uint64_t>, caf::reacts_to<deadline_atom, std::uint64_t>,
  caf::reacts_to<idle_atom>, caf::reacts_to<stop_atom>>;

/// The registry as its lock actors and tests see it:
/// - idle(key, received, last_fence): the lock actor for `key` has been idle for the idle
///   timeout and has received `received` routed messages; the registry stops it only if it has
///   routed exactly that many (otherwise one is in flight and the actor stays);
/// - holder(key, holder, actors, last_fence): the in-process holder of `key` is now `holder`
///   at `actors` (empty holder: none). The registry keeps it, and the fence, so that a lock
///   actor that crashes is replaced at once by one that still knows whom to tell when the
///   lock is lost and which fence comes next;
/// - lookup(key): the running lock actor of `key` (invalid if none), for tests that crash it.
using lock_registry_impl = lock_registry_actor::extend<
  caf::reacts_to<idle_atom, cluster_key, std::uint64_t, std::int64_t>,
  caf::reacts_to<holder_atom, cluster_key, std::string, std::vector<caf::actor_addr>,
                 std::int64_t>,
  caf::replies_to<lookup_atom, cluster_key>::with<caf::actor>>;

/// Maps CAF's actor clock (simulated in tests) to wall-clock seconds.
struct wall_clock {
  caf::actor_clock::time_point started_at;
  model::timestamp wall_at_start;
  model::timestamp at(caf::actor_clock::time_point now) const {
    return wall_at_start
           + std::chrono::duration_cast<std::chrono::seconds>(now - started_at);
  }
};

} // namespace baorestore::cluster_lock::detail
