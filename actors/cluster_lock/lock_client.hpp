#pragma once
// A blocking, in-process client of the operation lock for backup and upgrade services that
// run in the same actor system (DESIGN §3). Each call blocks the calling thread (through a
// scoped actor) until the registry answers, so it is for plain threads, never for code that
// runs inside an actor.
//
//   lock_client locks{sys, registry};
//   auto r = locks.with_lock(cluster, cluster_operation::backup, "openbaocluster/backup",
//                            [&](const lock_reply& granted) { run_backup(granted.fence); });
//   if (!r) ...                    // error: cluster_not_found, gave_up, ...
//   else if (r->outcome != lock_outcome::granted) ... // busy: fn did not run
//
// The acquiring actor is the call's scoped actor, which is gone when the call returns: a
// blocking client is not told `lock_lost`. Services that must react to a takeover while they
// hold the lock speak the actor protocol (cluster_lock.hpp) from an actor of their own.

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "caf/expected.hpp"
#include "caf/fwd.hpp"
#include "caf/timespan.hpp"

#include "actors/cluster_lock/cluster_lock.hpp"

namespace baorestore::cluster_lock {

class lock_client {
public:
  /// `slack`: how much longer than a request's own wait a call may block before it gives up
  /// with caf::sec::request_timeout (the registry answers a wait at its deadline; this only
  /// bounds a registry that cannot answer at all).
  lock_client(caf::actor_system& sys, lock_registry_actor registry,
              caf::timespan slack = std::chrono::seconds{30});
  ~lock_client();
  lock_client(lock_client&&) noexcept;
  lock_client& operator=(lock_client&&) noexcept;

  caf::expected<lock_reply> acquire(acquire_request request);
  caf::expected<lock_reply> acquire(const cluster_key& cluster, model::cluster_operation op,
                                    std::string holder, caf::timespan wait = {},
                                    std::string message = {});
  caf::expected<lock_reply> release(const cluster_key& cluster, model::cluster_operation op,
                                    std::string holder);
  caf::expected<lock_reply> renew(const cluster_key& cluster, std::string holder);
  caf::expected<lock_status> query(const cluster_key& cluster);

  /// Acquires (waiting up to `wait`), runs `fn` while the lock is held, and releases it,
  /// also when `fn` throws (the exception then propagates). `fn` takes the grant
  /// (`const lock_reply&`, for its fence) or nothing. Returns the acquire's answer: granted
  /// (fn ran and the lock is released again), busy (fn did not run), or an error; an error
  /// of the release after `fn` ran is returned in place of the grant, because the lock may
  /// still be held.
  template <class F>
  caf::expected<lock_reply> with_lock(const cluster_key& cluster, model::cluster_operation op,
                                      const std::string& holder, F&& fn,
                                      caf::timespan wait = std::chrono::minutes{1}) {
    auto granted = acquire(cluster, op, holder, wait);
    if (!granted || granted->outcome != lock_outcome::granted)
      return granted;
    try {
      if constexpr (std::is_invocable_v<F&, const lock_reply&>)
        fn(*granted);
      else
        fn();
    } catch (...) {
      static_cast<void>(release(cluster, op, holder)); // best effort: the exception says why
      throw;
    }
    auto released = release(cluster, op, holder);
    if (!released)
      return released.error();
    return granted;
  }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace baorestore::cluster_lock
