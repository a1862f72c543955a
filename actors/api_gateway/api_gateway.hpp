#pragma once
// The api_gateway actor's protocol: the only way any actor reaches the Kubernetes API server.
//
// Requests are typed by the kind they address (`object_ref<model::openbao_cluster>`), so a
// handler's reply type follows from its request: a get of a cluster ref yields a cluster.
// Failures come back as a caf::error whose code is an api_errc (not_found, conflict, ...)
// and whose context carries the server's message; callers branch on the code:
//   self->request(gw, timeout, caf::get_atom_v, get_request<model::openbao_cluster>{ref})
//     .then([](model::openbao_cluster& c) { ... },
//           [](caf::error& e) { if (e == api_errc::conflict) ...; });
//
// Writes that must win over polls (lock writes, terminal status) say so with a priority; the
// gateway serves them ahead of normal traffic and fairly across tenants (namespaces).

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "caf/actor.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/error.hpp"
#include "caf/fwd.hpp"
#include "caf/make_message.hpp" // CAF_ERROR_CODE_ENUM's error_factory calls make_message
#include "caf/meta/type_name.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/model_messages.hpp"
#include "model/event.hpp"
#include "model/job.hpp"
#include "model/lease.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/secret.hpp"
#include "model/service_account.hpp"
#include "model/undecodable.hpp"

namespace baorestore::gateway {

// api_errc (with to_string) and priority live in the pure api_errc.hpp.

/// A gateway failure: `code`, with the server's (or the gateway's) message as the error's
/// context, e.g. make_api_error(api_errc::not_found, "jobs.batch \"x\" not found").
caf::error make_api_error(api_errc code, std::string message);

/// The message an api error carries; the code's name when it carries none; for errors of
/// other categories (a request timeout, ...), CAF's rendering of the error.
std::string api_error_message(const caf::error& e);

/// A namespaced object of kind T.
template <class T>
struct object_ref {
  std::string namespace_;
  std::string name;
  bool operator==(const object_ref&) const = default;
};

template <class T>
struct get_request {
  object_ref<T> ref;
  priority prio = priority::normal;
  /// May be answered from the gateway's watch cache: when a watch of kind T that covers
  /// ref's namespace has listed (synced) and holds the object, its latest version there is
  /// the answer and no request reaches the API server; otherwise (no such watch, not synced
  /// yet, object not in it) this is a live GET. A cached answer may trail the API server by
  /// the watch's latency: ask for one only where a stale version costs a retry (a write's
  /// resourceVersion precondition answers 409), never a wrong decision.
  bool cached = false;
};

template <class T>
struct list_request {
  std::string namespace_;      // empty: all namespaces
  std::string label_selector;  // e.g. "openbao.org/cluster=vault"
  priority prio = priority::normal;
};

template <class T>
struct create_request {
  T object; // metadata.namespace names the target namespace
  priority prio = priority::normal;
};

/// A JSON merge patch (RFC 7386) of the object, or of its status subresource. When
/// `resource_version` is set the server applies the patch only to that version of the object
/// and answers api_errc::conflict otherwise: the optimistic-concurrency guard of every lock
/// write.
template <class T>
struct patch_request {
  object_ref<T> ref;
  std::string merge_patch; // JSON text
  std::string resource_version;
  priority prio = priority::normal;
};

/// A replacement of the whole object (PUT), addressed by its metadata.namespace and name.
/// The object's metadata.resourceVersion is the precondition: when it is not the stored
/// object's the server answers api_errc::conflict (an empty one replaces unconditionally).
/// Server-managed metadata (uid, creationTimestamp, ...) is kept whatever the object says.
template <class T>
struct update_request {
  T object;
  priority prio = priority::normal;
};

enum class propagation : std::uint8_t { background, foreground, orphan };

template <class T>
struct delete_request {
  object_ref<T> ref;
  propagation policy = propagation::background;
  std::string precondition_uid; // when set, delete only this incarnation
  priority prio = priority::normal;
};

/// Reply to a delete: the server accepted it (the object may linger while finalizers run).
struct deleted {
  bool operator==(const deleted&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deleted&) {
  return f(caf::meta::type_name("deleted"));
}

/// Follow a collection (list + watch): the gateway lists it, sends `subscriber` a
/// watch_synced with every object, then a watch_event per change, in resourceVersion order.
/// When the server drops the history it needs (410 Gone) the gateway lists again and sends
/// a new watch_synced, which replaces everything the subscriber knew. The reply is the
/// watch's id (for unwatch); a subscriber that terminates ends its watches.
template <class T>
struct watch_request {
  std::string namespace_;     // empty: all namespaces
  std::string label_selector;
  caf::actor subscriber;
};

enum class watch_event_type : std::uint8_t { added, modified, deleted };

template <class T>
struct watch_synced {
  std::uint64_t watch_id = 0;
  std::vector<T> items;
  std::string resource_version;
};

template <class T>
struct watch_event {
  std::uint64_t watch_id = 0;
  watch_event_type type = watch_event_type::modified;
  T object; // for deleted: the object as it last was
};

/// An object of the watched kind that does not decode (DESIGN §2: reading is lenient): the
/// watch skips it and goes on, and tells the subscriber what of it could be read (metadata,
/// status.phase) and why it does not decode. After the watch_synced whose listing skipped it,
/// or in place of the watch_event it would have been (for deleted: the object is gone).
template <class T>
struct watch_undecodable {
  std::uint64_t watch_id = 0;
  watch_event_type type = watch_event_type::modified;
  model::undecodable_object object;
};

using list_atom = caf::atom_constant<caf::atom("list")>;
constexpr list_atom list_atom_v{};
using create_atom = caf::atom_constant<caf::atom("create")>;
constexpr create_atom create_atom_v{};
/// The same atom as caf::update_atom (an atom is its text).
using update_atom = caf::atom_constant<caf::atom("update")>;
constexpr update_atom update_atom_v{};
using patch_atom = caf::atom_constant<caf::atom("patch")>;
constexpr patch_atom patch_atom_v{};
using patch_status_atom = caf::atom_constant<caf::atom("patchstat")>;
constexpr patch_status_atom patch_status_atom_v{};
using watch_atom = caf::atom_constant<caf::atom("watch")>;
constexpr watch_atom watch_atom_v{};
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
constexpr unwatch_atom unwatch_atom_v{};

using cluster = model::openbao_cluster;
using restore = model::openbao_restore;

/// The gateway's handle. Events and service accounts serve the restore workflow (issue 6),
/// leases the leader election (issue 7).
using api_gateway_actor = caf::typed_actor<
  caf::replies_to<caf::get_atom, get_request<cluster>>::with<cluster>,
  caf::replies_to<caf::get_atom, get_request<restore>>::with<restore>,
  caf::replies_to<caf::get_atom, get_request<model::job>>::with<model::job>,
  caf::replies_to<caf::get_atom, get_request<model::secret>>::with<model::secret>,
  caf::replies_to<caf::get_atom,
                  get_request<model::service_account>>::with<model::service_account>,
  caf::replies_to<caf::get_atom, get_request<model::lease>>::with<model::lease>,
  caf::replies_to<list_atom, list_request<cluster>>::with<model::object_list<cluster>>,
  caf::replies_to<list_atom, list_request<restore>>::with<model::object_list<restore>>,
  caf::replies_to<create_atom, create_request<model::job>>::with<model::job>,
  caf::replies_to<create_atom, create_request<model::event>>::with<model::event>,
  caf::replies_to<create_atom,
                  create_request<model::service_account>>::with<model::service_account>,
  caf::replies_to<create_atom, create_request<model::lease>>::with<model::lease>,
  caf::replies_to<update_atom, update_request<model::lease>>::with<model::lease>,
  caf::replies_to<patch_atom, patch_request<restore>>::with<restore>,
  caf::replies_to<patch_atom, patch_request<model::job>>::with<model::job>,
  caf::replies_to<patch_status_atom, patch_request<cluster>>::with<cluster>,
  caf::replies_to<patch_status_atom, patch_request<restore>>::with<restore>,
  caf::replies_to<caf::delete_atom, delete_request<model::job>>::with<deleted>,
  caf::replies_to<watch_atom, watch_request<cluster>>::with<std::uint64_t>,
  caf::replies_to<watch_atom, watch_request<restore>>::with<std::uint64_t>,
  caf::reacts_to<unwatch_atom, std::uint64_t>>;

} // namespace baorestore::gateway

CAF_ERROR_CODE_ENUM(baorestore::gateway::api_errc, "api")

// The requests carry model values, which are local-only message content
// (actors/model_messages.hpp); so are the requests.
namespace caf {

template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::get_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::list_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::create_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::update_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::patch_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::delete_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::watch_request<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::watch_synced<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::watch_event<T>> : std::true_type {};
template <class T>
struct allowed_unsafe_message_type<baorestore::gateway::watch_undecodable<T>> : std::true_type {};

} // namespace caf
