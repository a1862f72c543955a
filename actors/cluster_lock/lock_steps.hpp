#pragma once
// The steps of a lock actor, shared by its source files:
// - lock_ops.cpp: the FIFO of pending operations, gateway round trips, decisions;
// - lock_tracking.cpp: what the actor knows (the cluster as last seen, the in-process holder,
//   monitored requesters) and when it is idle;
// - lock_actor.cpp: the behaviour that feeds them.
// Internal: only those files include it.

#include <cstdint>
#include <string>

#include "caf/fwd.hpp"
#include "caf/timespan.hpp"

#include "actors/cluster_lock/lock_internal.hpp"
#include "actors/cluster_lock/lock_state.hpp"

namespace baorestore::cluster_lock::detail {

using lock_self = lock_actor_impl::stateful_pointer<lock_state>;

// -- lock_tracking.cpp --------------------------------------------------------------------

/// Wall-clock now (acquiredAt, renewedAt), driven by the actor clock.
model::timestamp wall_now(lock_self self);
lock_actor_impl handle_of(lock_self self);
lock_reply reply_of(lock_outcome outcome, const current_lock& current,
                    const current_lock& previous = std::nullopt);

/// Monitors `who` once however often it is watched; unwatch undoes one watch.
void watch(lock_self self, const caf::strong_actor_ptr& who);
void unwatch(lock_self self, const caf::actor_addr& who);

/// The in-process holder: the actors that acquired the current lock, told when it is lost.
void adopt_holder(lock_self self, const std::string& holder, const caf::strong_actor_ptr& who);
void forget_holder(lock_self self);
/// A release by `holder` from actor `who`: drops `who` from the in-process holder's actors.
/// False if `who` is not one of them (then the lock is lost for those that are).
bool release_by_holder(lock_self self, const std::string& holder,
                       const caf::strong_actor_ptr& who);
/// Sends lock_lost to every actor of the in-process holder and forgets it.
void tell_lost(lock_self self, const current_lock& now);

/// Takes in a version of the cluster; see lock_tracking.cpp.
void observe(lock_self self, model::openbao_cluster c);
/// Before any read: the cluster as a requester saw it, free at `version` (not counted as a
/// sighting of the lock: it is a guess until a write against it succeeds).
void assume_free_at(lock_self self, std::string version);

void note_activity(lock_self self);
void arm_idle(lock_self self, caf::timespan after);
void on_idle_timer(lock_self self);
void on_down(lock_self self, const caf::down_msg& dm);

// -- lock_ops.cpp -------------------------------------------------------------------------

void enqueue(lock_self self, pending_op op);
void start_next(lock_self self);
/// Queues a serve operation if the lock's owner changed and someone waits.
void schedule_serve(lock_self self);
/// Whether `seq` is the running operation (stale retry timers and replies are ignored).
bool is_current(lock_self self, std::uint64_t seq);
/// (Re)runs the current operation: read the cluster if needed, then decide and act.
void run(lock_self self);

// -- lock_metrics.cpp: the lock_counters of lock_config (no-ops without) ------------------

/// An acquire of `r` was answered with `outcome`.
void count_acquire(lock_self self, const acquire_request& r, acquire_outcome outcome);
/// Waiter `w` leaves the queue now.
void count_wait(lock_self self, const waiter& w);
/// The lock was just granted (written) for `r`: its hold starts, unless it goes on.
void count_grant(lock_self self, const acquire_request& r);
/// The cached lock may have a new owner: a hold of another holder has ended.
void count_lock_seen(lock_self self);

} // namespace baorestore::cluster_lock::detail
