#pragma once
// The restore_request actor (DESIGN §4): one per OpenBaoRestore. It observes the restore,
// its cluster, Secrets, snapshot, lock and Job through the gateway, the lock registry and
// the snapshot probe, asks next_step() what to do, does that one thing, and observes again.
// Nothing it knows survives it: a restarted incarnation re-reads everything, so a crash
// between any two steps resumes with never a second Job and never a lock left behind.
//
// Messages from its controller:
//   restore_changed{restore}  the watch saw a newer version (deletion included)
//   restore_removed{}         the object is gone from the API server: quit
// It quits normally when next_step says done.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "caf/actor.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/job_watcher/poll_schedule.hpp"
#include "actors/restore_request/admission.hpp"
#include "actors/restore_request/observation.hpp"
#include "actors/restore_request/restore_job.hpp"

namespace baorestore::s3 {
class snapshot_probe;
}

namespace baorestore::restore {

struct restore_changed {
  model::openbao_restore restore;
};

struct restore_removed {};

/// One line of what a restore actor (or its controller) does, as fields, so that the
/// operator's log keeps them apart (namespace, name, phase); the actor knows no logger.
/// Nothing secret goes in: messages are steps, phases and API error messages (which the
/// log redacts once more).
struct log_entry {
  enum class severity : std::uint8_t { info, warn };
  severity level = severity::info;
  std::string namespace_;
  std::string name;  // empty: not about one restore (a watch of the controller)
  std::string phase; // the restore's phase as last read; empty before the first read
  std::string msg;
  std::string reason; // why it failed (a Failed restore's condition reason); else empty
  std::string message; // the restore's status message with the reason; else empty
};

/// To the controller (config.controller), which admits restores under the per-tenant running
/// limit: a slot_request is answered with a slot_verdict, at once or once the controller's
/// watches synced; a queued restore is later sent slot_granted.
struct slot_request {
  std::string ns;
  std::string name;
  std::string cluster;
  std::string holder; // holder_of(restore): whether it holds its cluster's lock
  model::timestamp created;
};

struct slot_granted {};

/// To the controller (config.controller): the restore needs nothing more at this
/// resourceVersion (next_step said done); the controller starts no actor for it again until
/// it changes.
struct restore_done {
  std::string uid;
  std::string resource_version;
};

struct restore_request_config {
  gateway::api_gateway_actor gateway;
  cluster_lock::lock_registry_actor locks;
  /// Checks S3 snapshots (shared by all restores; its clients are pooled per endpoint).
  std::shared_ptr<s3::snapshot_probe> probe;
  restore_config decisions;
  job_settings job;
  job_watch::poll_schedule job_polls;
  /// After a failed request (a lock release included), everything is looked at again after
  /// a wait that grows while the same step keeps failing (DESIGN §4: "retried with
  /// backoff"), so an API server in trouble is not hammered by every restore at once.
  job_watch::poll_schedule retry_backoff{.initial = std::chrono::seconds{2},
                                         .growth = 2.0,
                                         .ceiling = std::chrono::seconds{60},
                                         .jitter = 0.2};
  /// The restore controller: slot requests (when `limited`) and restore_done go there;
  /// none: restores are never held back and nobody is told.
  caf::actor controller;
  /// Ask the controller for a slot (perTenantRunningLimit) before the lock.
  bool limited = false;
  /// Name of this operator in Events (source.component, reportingComponent).
  std::string component = "baorestore";
  /// Wall-clock time for the status (startTime, transition times) and the validation
  /// deadline; empty: the system clock (tests pass the simulated one).
  std::function<model::timestamp()> clock;
  /// Where the actor says what it does (one entry per step); empty: nowhere.
  std::function<void(const log_entry&)> log;
};

using tick_atom = caf::atom_constant<caf::atom("rrtick")>;
constexpr tick_atom tick_atom_v{};

using restore_request_actor
  = caf::typed_actor<caf::reacts_to<restore_changed>, caf::reacts_to<restore_removed>,
                     caf::reacts_to<tick_atom, std::uint64_t>, caf::reacts_to<slot_granted>>;

/// The actor for restore `ns/name`; it reads the restore itself first.
restore_request_actor spawn_restore_request(caf::actor_system& sys, std::string ns,
                                            std::string name, restore_request_config config);

} // namespace baorestore::restore

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::restore_changed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::restore_removed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::slot_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::slot_granted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::slot_verdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::restore::restore_done)
