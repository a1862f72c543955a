#pragma once
// Pure decisions of the lock actor (DESIGN §3): who may hold status.operationLock next.
// No CAF, no I/O: the actor reads the cluster, calls these, and writes what they return.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "model/openbao_cluster.hpp"
#include "model/time.hpp"

namespace baorestore::cluster_lock {

using current_lock = std::optional<model::operation_lock>;

struct acquire_input {
  model::cluster_operation operation = model::cluster_operation::backup;
  std::string holder;
  std::string message;
  bool force = false;
};

enum class acquire_verdict {
  grant,        // write `next`, then reply granted
  already_held, // same holder and operation: granted again, nothing to write
  busy,         // someone else holds it (force not allowed here)
};

struct acquire_decision {
  acquire_verdict verdict = acquire_verdict::busy;
  current_lock next;     // grant: the lock to write; already_held: the lock as held
  current_lock previous; // grant by force: the holder taken over
};

/// True when `req` may take the lock from `held` by force: only a Restore, and only over a
/// Backup or Upgrade (never over another Restore).
bool can_force(const acquire_input& req, const model::operation_lock& held);

/// `last_fence` is the highest fence this process has seen for the cluster (the lock's own
/// fence may have been pruned by upstream's CRD or cleared by a release); a new holder gets
/// max(last_fence, current fence) + 1.
acquire_decision decide_acquire(const current_lock& current, const acquire_input& req,
                                std::int64_t last_fence, model::timestamp now);

enum class release_verdict {
  release,      // write "no lock", then reply released
  already_free, // reply released, nothing to write
  not_holder,   // reply not_holder; the lock is left alone
};

release_verdict decide_release(const current_lock& current, model::cluster_operation operation,
                               const std::string& holder);

struct renew_decision {
  bool held = false;  // false: not_holder
  current_lock next;  // held: the lock with renewedAt = now and the same fence
};

renew_decision decide_renew(const current_lock& current, const std::string& holder,
                            model::timestamp now);

/// The operations in a lock actor's queue: the protocol's four requests, and two of its own
/// (grant the first waiter that can have the lock, re-read the cluster).
enum class pending_kind : std::uint8_t { acquire, release, renew, query, serve, refresh };

/// How far a pending operation has got when its requester is found dead.
enum class pending_stage : std::uint8_t {
  queued,        // not started
  deciding,      // started, nothing written (reading the cluster, or waiting to retry a read)
  writing,       // its write is on the way to the API server
  written,       // its write succeeded
  write_unknown, // a write of it failed in a way that may have landed (transport, timeout)
};

enum class dead_requester_action : std::uint8_t {
  carry_on,      // go on: it gives the dead requester nothing it could keep
  drop,          // forget it, unanswered: nobody is left to read the answer
  release_grant, // the lock may have been written for it: release it now (the holder's
                 // release, with the resourceVersion precondition of every lock write)
};

/// What becomes of an operation whose requester died (DESIGN §3): a dead requester is never
/// served, and a grant written for one is released at once, because nobody would ever
/// release it. A release goes on (it frees what its requester asked to free); a read or a
/// renewal is dropped while nothing was written; an acquire whose write is on its way waits
/// for the answer, since only the answer says whether there is something to release.
dead_requester_action on_dead_requester(pending_kind kind, pending_stage stage);

/// Queue order of waiters: Restore before Backup and Upgrade, then first come first served.
struct waiter_rank {
  model::cluster_operation operation = model::cluster_operation::backup;
  std::uint64_t arrival = 0;
};

bool serves_before(const waiter_rank& a, const waiter_rank& b);

/// True when an object at resourceVersion `candidate` is newer than one at `known`. The API
/// server's versions are opaque strings, but every implementation we meet (etcd, the memory
/// store, the development cluster) uses increasing integers: compare them as numbers when
/// both are, and otherwise trust the candidate unless it is the same text. An empty `known`
/// (nothing seen yet) is older than anything.
bool is_newer_version(const std::string& candidate, const std::string& known);

/// Delay before retry number `failures` (1 after the first failure): base * 2^(failures-1),
/// capped. No jitter: lock actors of different clusters do not retry in lockstep against one
/// resource, and the gateway already spreads its own retries.
std::chrono::nanoseconds backoff_delay(int failures, std::chrono::nanoseconds base,
                                       std::chrono::nanoseconds cap);

} // namespace baorestore::cluster_lock
