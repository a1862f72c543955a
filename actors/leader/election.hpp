#pragma once
// The leader election's pure core (issue 7): what a candidate does with the Lease it read.
// No CAF, no I/O: the elector actor reads the Lease, calls decide() with the wall time and
// writes what it answers (create, or an update guarded by the Lease's resourceVersion).
//
// The safety argument, as client-go's leaderelection: a holder renews every retry period
// and stops acting as leader once it has not renewed for renew_deadline; nobody takes the
// Lease over before renewTime + lease_duration. With renew_deadline < lease_duration the old
// leader has stopped before a new one can start (clock skew between the two aside, which
// the difference between the two durations has to cover).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/lease.hpp"
#include "model/time.hpp"

namespace baorestore::leader {

struct election_timing {
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
};

/// Why the timing is unsafe or unusable (client-go's checks): nullopt when fine.
std::optional<std::string> validate(const election_timing& t);

enum class election_action : std::uint8_t {
  create,    // no Lease yet: create it, holding it
  take_over, // expired or released: write it, holding it (a new acquireTime, transitions + 1)
  renew,     // ours and we lead: write a fresh renewTime
  follow,    // someone holds a valid Lease (or we lost ours and it has not expired yet)
};

/// "create", "take_over", "renew", "follow".
std::string_view to_string(election_action a);

struct decision {
  election_action action = election_action::follow;
  /// The spec to write for create, take_over and renew; the current one for follow.
  model::lease_spec spec;
  /// follow: when the current holder's Lease expires (none: it never held a valid one).
  std::optional<model::micro_timestamp> expires_at;
};

/// When `spec`'s holder stops being entitled to it: renewTime + leaseDurationSeconds; none
/// without a renewTime (such a Lease is expired).
std::optional<model::micro_timestamp> expiry_of(const model::lease_spec& spec);

/// Whether `now` is past the Lease's expiry (renewTime + leaseDurationSeconds < now).
bool is_expired(const model::lease_spec& spec, model::micro_timestamp now);

/// Whether nobody holds it: released (holderIdentity cleared) or never held.
bool is_released(const model::lease_spec& spec);

/// What `identity` does with the Lease it read (none: there is none). `leading` says whether
/// it currently acts as leader: a Lease that names it but that it lost (renewals failed past
/// the deadline, so it told its subscriber it stopped) is followed until it expires like
/// anyone else's, so that a leader that stepped down never silently comes back.
decision decide(const std::optional<model::lease>& current, std::string_view identity,
                bool leading, model::micro_timestamp now, const election_timing& timing);

/// The spec a leader writes when it steps down gracefully: holder cleared, a lease duration
/// of one second, the renewal time `now`; the transition count kept.
model::lease_spec released(const model::lease_spec& current, model::micro_timestamp now);

/// Whether a leader whose last successful renewal was at `last_renewal` must stop leading.
bool must_step_down(model::micro_timestamp last_renewal, model::micro_timestamp now,
                    const election_timing& timing);

} // namespace baorestore::leader
