#pragma once
// The supervisor protocol (DESIGN §6). CAF 0.17 has no supervisor type; this one monitors its
// children and restarts them one-for-one:
//
//   start_child{id, factory} -> caf::actor (the running child) | error duplicate_child,
//                               start_failed (the factory threw or returned no actor)
//   stop_child{id}           -> bool (false: no such child); stopped with user_shutdown,
//                               never restarted
//   which_children{}         -> std::vector<child_info>, in start order
//
// A child that terminates abnormally is started again from its factory after a backoff
// (restart_policy.hpp); a child that exits normally or with user_shutdown is forgotten. More
// than `intensity` restarts within `period` escalate: the supervisor quits with
// supervisor_errc::intensity_exceeded (context: the id of the child that crashed last), which
// a parent sees in its down_msg. When the supervisor terminates, for any reason, it stops
// its children with user_shutdown. Children re-derive their state from the API server.
//
// Typed children: a factory returns caf::actor, so wrap typed handles with
// make_child_factory (an actor_cast). While a restart is pending, a child's entry in
// which_children has no actor.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "caf/actor.hpp"
#include "caf/actor_cast.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/error.hpp"
#include "caf/fwd.hpp"
#include "caf/make_message.hpp" // CAF_ERROR_CODE_ENUM's error_factory calls make_message
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/supervisor/restart_counters.hpp"
#include "actors/supervisor/restart_policy.hpp"

namespace baorestore::supervision {

/// Starts one incarnation of a child. Called by the supervisor, in its own context, at the
/// first start and at every restart; `supervisor->spawn(...)` or `supervisor->system()`.
using child_factory = std::function<caf::actor(caf::local_actor* supervisor)>;

/// A child_factory from any callable taking the supervisor and returning a typed or untyped
/// handle: make_child_factory([=](caf::local_actor* s) { return s->spawn(my_typed_fn); }).
template <class F>
child_factory make_child_factory(F f) {
  return [f = std::move(f)](caf::local_actor* self) -> caf::actor {
    return caf::actor_cast<caf::actor>(f(self));
  };
}

struct start_child {
  std::string id; // unique among the supervisor's children, e.g. "restore/tenant-a/r1"
  child_factory factory;
};

struct stop_child {
  std::string id;
};

struct which_children {};

struct child_info {
  std::string id;
  caf::actor actor;          // invalid while a restart is pending
  std::uint32_t restarts = 0; // successful restarts since start_child
};

enum class supervisor_errc : std::uint8_t {
  intensity_exceeded = 1, // too many restarts within the period: the supervisor gave up
  duplicate_child,        // start_child with an id already supervised
  start_failed,           // the factory threw or returned an invalid handle
};

std::string to_string(supervisor_errc e);

/// Internal: the supervisor's own restart timer (child id, restart token).
using restart_atom = caf::atom_constant<caf::atom("suprestart")>;
constexpr restart_atom restart_atom_v{};

using supervisor_actor = caf::typed_actor<
  caf::replies_to<start_child>::with<caf::actor>,
  caf::replies_to<stop_child>::with<bool>,
  caf::replies_to<which_children>::with<std::vector<child_info>>,
  caf::reacts_to<restart_atom, std::string, std::uint64_t>>;

/// A supervisor with the given policy, starting `initial` children in order; if one of them
/// fails to start, the supervisor quits with start_failed (and stops those already started).
/// Each restart it makes is recorded in `counters` when given (shared with /metrics).
supervisor_actor spawn_supervisor(caf::actor_system& sys, restart_policy policy,
                                  std::vector<start_child> initial = {},
                                  std::shared_ptr<restart_counters> counters = nullptr);

} // namespace baorestore::supervision

CAF_ERROR_CODE_ENUM(baorestore::supervision::supervisor_errc, "supervisor")

// Local-only message content (a std::function cannot be serialized; nothing here leaves the
// process).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::supervision::start_child)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::supervision::stop_child)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::supervision::which_children)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::supervision::child_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<baorestore::supervision::child_info>)
