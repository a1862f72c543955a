#pragma once
// Private to the HTTP gateway's .cpp files: its internal messages (completions from the
// client's Asio threads, timers), the request and watch records, and the actor state.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include "caf/actor.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/error.hpp"
#include "caf/replies_to.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_actor.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/api_gateway/api_paths.hpp"
#include "actors/api_gateway/fair_queue.hpp"
#include "actors/api_gateway/http_gateway.hpp"
#include "actors/api_gateway/retry_policy.hpp"
#include "actors/api_gateway/token_bucket.hpp"
#include "actors/api_gateway/token_source.hpp"
#include "actors/api_gateway/watch_line.hpp"
#include "model/undecodable.hpp"
#include "net/http_client.hpp"

namespace baorestore::gateway::detail {

using clock_type = std::chrono::steady_clock;

/// What the HTTP client answered one attempt (a message from an Asio thread).
struct transport_result {
  net::client_result result;
};

/// How a watch stream ended (a message from an Asio thread).
struct stream_end {
  std::optional<net::client_error> error;
  std::optional<net::client_response> non_ok;
};

using done_atom = caf::atom_constant<caf::atom("gwdone")>;
constexpr done_atom done_atom_v{};
using dispatch_atom = caf::atom_constant<caf::atom("gwdispatch")>;
constexpr dispatch_atom dispatch_atom_v{};
using retry_atom = caf::atom_constant<caf::atom("gwretry")>;
constexpr retry_atom retry_atom_v{};
using wline_atom = caf::atom_constant<caf::atom("gwwline")>;
constexpr wline_atom wline_atom_v{};
using wend_atom = caf::atom_constant<caf::atom("gwwend")>;
constexpr wend_atom wend_atom_v{};
using wresume_atom = caf::atom_constant<caf::atom("gwwresume")>;
constexpr wresume_atom wresume_atom_v{};

/// One protocol request as the queue carries it, across its attempts.
struct pending {
  http_verb verb = http_verb::get;
  std::string resource; // plural, for counters
  std::string tenant;   // namespace; "" for cluster-wide requests
  priority prio = priority::normal;
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
  clock_type::time_point deadline;
  int attempts = 0;
  clock_type::time_point sent_at;
  std::function<void(net::client_response&)> on_ok; // a 2xx answer
  std::function<void(caf::error)> on_error;
};

/// A watch's cache: the objects it delivered, by "namespace/name" (cache_key).
template <class T>
using object_cache = std::unordered_map<std::string, T>;

inline std::string cache_key(std::string_view namespace_, std::string_view name) {
  std::string key;
  key.reserve(namespace_.size() + 1 + name.size());
  key.append(namespace_).append("/").append(name);
  return key;
}

struct watch_state {
  std::string collection; // the collection's path
  std::string_view kind;  // api_kind<T>::name of the watched kind
  std::string tenant;     // "" for all namespaces
  std::string label_selector;
  /// The object_cache<T> of the watched kind (as `kind` says): replaced by each list,
  /// updated by each event. Null for a watch with a label selector, which cannot answer for
  /// objects outside it. Cached gets read it only while `synced`: from the first successful
  /// list on, except while relisting after 410 Gone (events were missed).
  std::shared_ptr<void> cache;
  bool synced = false;
  std::string resource_version; // where the stream resumes; "" relists
  std::uint64_t generation = 0; // bumped per connection: older callbacks are ignored
  std::shared_ptr<net::stream_handle> stream;
  caf::actor subscriber;
  int failures = 0; // consecutive, for the reconnect backoff
  /// Typed by the watched kind: list (then tell the subscriber and connect) ...
  std::function<void(std::uint64_t watch_id)> relist;
  /// ... and decode one event's object and tell the subscriber; false if it does not decode.
  std::function<bool(watch_state&, std::uint64_t watch_id, watch_line&)> forward;
};

struct http_gateway_state {
  static inline const char* name = "api_gateway";
  http_gateway_config config;
  std::shared_ptr<net::http_client> client;
  token_source token = token_source::fixed("");
  fair_queue<std::uint64_t> queue;
  std::optional<token_bucket> bucket;
  std::unordered_map<std::uint64_t, pending> requests;
  std::size_t in_flight = 0;
  bool dispatch_armed = false;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, watch_state> watches;
  std::mt19937_64 rng{std::random_device{}()};

  ~http_gateway_state();
};

using http_gateway_impl = api_gateway_actor::extend<
  caf::reacts_to<done_atom, std::uint64_t, transport_result>, caf::reacts_to<dispatch_atom>,
  caf::reacts_to<retry_atom, std::uint64_t>,
  caf::reacts_to<wline_atom, std::uint64_t, std::uint64_t, std::string>,
  caf::reacts_to<wend_atom, std::uint64_t, std::uint64_t, stream_end>,
  caf::reacts_to<wresume_atom, std::uint64_t, std::uint64_t>>;

using self_ptr = http_gateway_impl::stateful_pointer<http_gateway_state>;

// -- http_dispatch.cpp: the queue, the token bucket, attempts and retries --------------------

/// A request record with the deadline and tenant filled in.
pending make_pending(self_ptr self, http_verb verb, std::string_view resource,
                     std::string tenant, priority prio);
void submit(self_ptr self, pending p);
void dispatch(self_ptr self);
void on_done(self_ptr self, std::uint64_t id, transport_result& r);
void on_retry(self_ptr self, std::uint64_t id);
/// The request headers every call carries (accept, authorization).
std::map<std::string, std::string> base_headers(self_ptr self);

/// A non-2xx answer as a typed error (metav1.Status decoded when there is one).
caf::error error_from(const net::client_response& r);
/// A failed exchange as a typed error: transport, or bad_response for what the server sent.
caf::error error_from(const net::client_error& e);

/// What one exchange (a request's attempt, a watch's connection) says about reaching and
/// trusting the API server: counted, and logged (rate-limited) when it is trouble.
void note_exchange(self_ptr self, const net::client_error& e);
void note_exchange(self_ptr self, int status, std::string_view body);

/// An object of `resource` that did not decode: counted and logged, then skipped.
void note_undecodable(self_ptr self, std::string_view resource,
                      const model::undecodable_object& obj);

// -- http_watch.cpp: list + watch, resume, relist on 410 -------------------------------------

std::uint64_t start_watch(self_ptr self, watch_state w);
/// After the (re)list: the subscriber has the full state; stream from `resource_version`.
void connect_watch(self_ptr self, std::uint64_t id);
/// A (re)list failed: try again after a backoff.
void watch_failed(self_ptr self, std::uint64_t id);
void on_watch_line(self_ptr self, std::uint64_t id, std::uint64_t generation, std::string& line);
void on_watch_end(self_ptr self, std::uint64_t id, std::uint64_t generation, stream_end& end);
void on_watch_resume(self_ptr self, std::uint64_t id, std::uint64_t generation);
void stop_watch(self_ptr self, std::uint64_t id);
void stop_watches_of(self_ptr self, const caf::actor_addr& subscriber);

} // namespace baorestore::gateway::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::gateway::detail::transport_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::gateway::detail::stream_end)
