#pragma once
// The job_watcher (DESIGN §4): polls one restore Job and reports its outcome to the restore
// actor. It sends `report_to` exactly one of these, then quits normally:
//
//   job_succeeded{job_name, completion_time}  the Job's Complete condition is True
//   job_failed{reason, message}               its Failed condition is True (BackoffLimitExceeded,
//                                             DeadlineExceeded, ...)
//   job_missing{job_name, observed_uid}       404, or a Job of another uid under that name
//   job_lock_lost{now}                        while the Job runs, the cluster's operation lock
//                                             is no longer held by the restore's holder (or
//                                             its fence changed), or the cluster is gone, as
//                                             a live read of the cluster shows
//
// Each poll GETs the Job through the gateway (priority normal). While the Job runs it also
// asks the lock (query_request), which answers from the lock actor's cache; an answer that
// the lock is not held (or the cluster not found) is only a reason to read the cluster live
// through the gateway, and only that read can say the lock is lost (DESIGN §4), because the
// cache trails writes by other operator processes. Then it waits for the next poll
// (poll_schedule.hpp: fast at first, backing off to a ceiling, jittered). Transport errors,
// 5xx, 429 and other failures of any of these requests are not outcomes: the watcher polls
// again later, counting consecutive failures, and warns (on_warning) when they reach
// `failure_warning_threshold` and at every further multiple of it. A parent that no longer needs the watcher stops it with an exit
// message (user_shutdown); the watcher also stops, without a report, when `report_to`
// terminates (for any reason, a normal exit included) or a linked actor exits.
//
// The job_watcher_actor handle has one internal message (its poll timer); parents only
// monitor, link or stop it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "caf/actor.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/duration.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/job_watcher/poll_schedule.hpp"
#include "model/openbao_cluster.hpp"
#include "model/time.hpp"

namespace baorestore::job_watch {

// -- what the watcher reports -------------------------------------------------------------

struct job_succeeded {
  std::string job_name;
  std::optional<model::timestamp> completion_time;
};

struct job_failed {
  std::string reason; // the Failed condition's reason, e.g. "BackoffLimitExceeded"
  std::string message;
};

struct job_missing {
  std::string job_name;
  std::string observed_uid; // empty: 404; else the uid of the Job that replaced ours
};

struct job_lock_lost {
  std::optional<model::operation_lock> now; // the lock as it stands; none: free or no cluster
};

// -- configuration and spawn --------------------------------------------------------------

/// The Job watched: namespace/name, and the uid it was created with (empty: any uid).
struct job_ref {
  std::string namespace_;
  std::string name;
  std::string uid;
};

struct job_watch_config {
  gateway::api_gateway_actor gateway;
  /// The lock registry (a lock_registry_actor converts) or one cluster's lock actor.
  cluster_lock::cluster_lock_actor locks;
  cluster_lock::cluster_key cluster;
  job_ref job;
  /// The restore's lock holding: holder name and the fence it was granted (0: not checked).
  std::string holder;
  std::int64_t fence = 0;
  /// Receives the outcome. spawn_job_watcher(parent, ...) fills in the parent when empty.
  caf::actor report_to;
  poll_schedule schedule;
  /// Consecutive failed polls before (and between) warnings; 0: never warn.
  std::uint32_t failure_warning_threshold = 5;
  /// Where warnings go (no logger here); empty: dropped.
  std::function<void(const std::string&)> on_warning;
  /// Seed of the jitter's random draws; 0: from std::random_device.
  std::uint64_t seed = 0;
  /// Timeout of each gateway and lock request. Infinite by default: the gateway bounds its
  /// requests and answers `transport` at its deadline. A finite value counts as a failure.
  caf::duration request_timeout{caf::infinite};
};

using poll_atom = caf::atom_constant<caf::atom("jwpoll")>;
constexpr poll_atom poll_atom_v{};

/// Internal only: the poll timer (a sequence number; stale ticks are ignored).
using job_watcher_actor = caf::typed_actor<caf::reacts_to<poll_atom, std::uint64_t>>;

/// A watcher in `sys`; it polls at once.
job_watcher_actor spawn_job_watcher(caf::actor_system& sys, job_watch_config config);

/// A watcher spawned by and linked to `parent` (it dies with the parent, and its crash
/// reaches the parent), reporting to the parent unless config.report_to is set.
job_watcher_actor spawn_job_watcher(caf::local_actor* parent, job_watch_config config);

} // namespace baorestore::job_watch

// Local-only message content (model values; actors/model_messages.hpp).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::job_watch::job_succeeded)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::job_watch::job_failed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::job_watch::job_missing)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::job_watch::job_lock_lost)
