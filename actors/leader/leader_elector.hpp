#pragma once
// The leader_elector actor's protocol (issue 7): leader election over a
// coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.
//
// Every retry period the elector reads the Lease through the gateway and does what
// election.hpp's decide() says: create it, take it over (expired or released), renew it
// (ours, while we lead) or follow. Every write but the create is an update guarded by the
// resourceVersion read, so of two candidates racing for one Lease exactly one wins (the
// other gets 409 and follows). A leader that has not renewed successfully for renew_deadline
// stops leading (tells its subscriber leadership_changed{false}) before the Lease could be
// taken from it (renew_deadline < lease_duration). On a graceful stop (an exit message other
// than kill) a leader steps down and releases the Lease (holder cleared, duration 1s), best
// effort, so that a successor need not wait for it to expire.
//
//   auto elector = spawn_leader_elector(sys, cfg);   // cfg.subscriber gets the changes
//   self->request(elector, timeout, is_leader_atom_v).then([](bool leader) { ... });
//
// Time: wall time is CAF's actor clock mapped onto the system clock at spawn (or onto
// elector_config::wall_clock_start), so tests drive everything with simulated time.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "caf/actor.hpp"
#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "caf/meta/type_name.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/leader/election.hpp"
#include "model/time.hpp"

namespace baorestore::leader {

/// Told to the subscriber whenever the elector starts or stops leading.
struct leadership_changed {
  bool leader = false;
  bool operator==(const leadership_changed&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leadership_changed& x) {
  return f(caf::meta::type_name("leadership_changed"), x.leader);
}

/// Query: whether the elector currently leads (for /readyz).
using is_leader_atom = caf::atom_constant<caf::atom("isleader")>;
constexpr is_leader_atom is_leader_atom_v{};

using leader_elector_actor = caf::typed_actor<caf::replies_to<is_leader_atom>::with<bool>>;

struct elector_config {
  gateway::api_gateway_actor gateway;
  std::string namespace_;           // the Lease's namespace
  std::string name = "baorestore";  // the Lease's name
  std::string identity;             // empty: default_identity()
  election_timing timing;           // 15s lease, 10s renew deadline, 2s retry period
  /// Told leadership_changed on every change (may be null).
  caf::actor subscriber;
  /// Called on every change, in the elector's context (may be empty).
  std::function<void(bool leader)> on_change;
  /// Wall time at spawn; the actor clock's elapsed time is added to it. Unset: the system
  /// clock. Tests with several electors give them the same one.
  std::optional<model::micro_timestamp> wall_clock_start;
};

/// The host's name, "-" and a random suffix: unique per process, as client-go's callers do.
std::string default_identity();

/// Spawns the elector; it starts its first round at once. Throws std::invalid_argument for
/// unsafe timing (see validate()) or without a gateway or Lease namespace.
leader_elector_actor spawn_leader_elector(caf::actor_system& sys, elector_config config);

} // namespace baorestore::leader
