#pragma once
// The state of one lock actor (lock_actor.cpp): the cluster as last read, the FIFO of pending
// operations, the waiters, and the in-process holder to tell when the lock is lost.
// Internal to the lock actor; only lock_actor.cpp and lock_state.cpp include it.

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor_addr.hpp"
#include "caf/actor_clock.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/decide.hpp"
#include "actors/cluster_lock/lock_config.hpp"
#include "actors/cluster_lock/lock_internal.hpp"

namespace baorestore::cluster_lock::detail {

using reply_promise = caf::typed_response_promise<lock_reply>;
using status_promise = caf::typed_response_promise<lock_status>;

/// What a lock actor keeps of its cluster: the version its next write is conditional on and
/// the lock. Not the whole object: an idle lock actor must stay small (issue 3: < 2 KiB).
struct cached_cluster {
  std::string resource_version;
  current_lock lock;
};

/// An acquire that found the lock held and may wait.
struct waiter {
  std::uint64_t id = 0; // also its arrival order
  acquire_request request;
  reply_promise promise;
  caf::actor_addr requester;
  caf::actor_clock::time_point deadline;
  caf::actor_clock::time_point since; // when it joined the queue (lock wait metrics)
};

/// serve: grant the first waiter that can have the lock now; refresh: read the cluster (a
/// replacement for a crashed actor checks its holder). See decide.hpp.
using op_kind = pending_kind;

/// One request in the FIFO. Only the front one runs; it may span several gateway round trips
/// and backoff timers before it is answered.
struct pending_op {
  op_kind kind = op_kind::query;
  std::uint64_t seq = 0; // identifies the op in retry timers
  acquire_request acquire;
  release_request release;
  renew_request renew;
  reply_promise reply;
  status_promise status;
  caf::strong_actor_ptr requester; // the actor that asked (delegation keeps it the sender)
  std::optional<waiter> served;    // serve: the waiter being granted (promise moved to reply)
  std::optional<model::operation_lock> previous; // acquire write: the lock taken over
  std::string decided_on; // a write's precondition: the version its decision was made on
  int conflicts = 0;
  int failures = 0;
  bool stale = false; // a 409 said our copy of the cluster is old: read before deciding
  bool watched = false;        // its requester is monitored for it (acquires)
  bool requester_gone = false; // its requester died while it ran (on_dead_requester)
  bool writing = false;        // its write is on the way
  bool write_may_have_landed = false; // a write of it failed with an unknown outcome
};

struct lock_state {
  static inline const char* name = "cluster_lock";

  cluster_key key;
  lock_config config;
  wall_clock clock;
  caf::actor_addr registry;

  std::optional<cached_cluster> cluster; // as last read or written
  std::int64_t last_fence = 0;
  bool lock_changed = false; // holder or operation changed since waiters were last served

  // The front one runs when `running`. A list, not a deque: libstdc++'s deque allocates
  // ~600 B even when empty, and most lock actors sit idle.
  std::list<pending_op> ops;
  bool running = false;
  bool draining = false; // start_next is on the stack: do not recurse into it
  std::uint64_t next_seq = 0;

  std::vector<waiter> waiters; // unordered; serve picks by serves_before
  std::uint64_t next_waiter = 0;

  std::optional<in_process_holder> holder;
  std::map<caf::actor_addr, int> watched; // monitored actors and how many uses each has

  std::uint64_t received = 0; // routed messages handled, for the registry's idle check
  caf::actor_clock::time_point idle_since;
  bool idle_timer = false;

  ~lock_state();

  current_lock lock() const {
    return cluster ? cluster->lock : std::nullopt;
  }

  bool is_idle() const {
    return ops.empty() && !running && waiters.empty() && !holder;
  }

  /// Waiters in serving order (restores first, then arrival).
  std::vector<std::size_t> serving_order() const;

  /// Removes and returns the waiter with this id, if still queued.
  std::optional<waiter> take_waiter(std::uint64_t id);
};

} // namespace baorestore::cluster_lock::detail
