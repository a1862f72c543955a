#pragma once
// The gateway against a real Kubernetes API server (DESIGN §5, issue 5): the protocol of
// api_gateway.hpp over HTTP/1.1 (TLS, or plain to loopback) through net::http_client, whose
// Asio threads do all network work; results come back to this actor as messages, so no actor
// thread ever waits on a socket.
//
// Every request goes through one queue: a fair queue across tenants (namespaces), with lock
// and terminal-status writes (priority::high) ahead of polls, drained under a client-side
// token bucket (qps/burst) and a cap on requests in flight. Failures are retried with
// exponential backoff and full jitter where retry_policy says so (transport errors and 5xx on
// idempotent verbs, 429 honouring Retry-After), within the request's deadline; the reply is
// the decoded model value or a typed api_errc error.
//
// Watches (watch_request) list, then stream from the list's resourceVersion; they resume on
// stream end and relist on 410 Gone, and tell the subscriber through watch_synced (full
// state) and watch_event messages.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "caf/fwd.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/api_gateway/gateway_counters.hpp"
#include "actors/api_gateway/kube_config.hpp"
#include "actors/api_gateway/retry_policy.hpp"

namespace baorestore::gateway {

/// What the gateway has to tell a person (the operator's log at warning): the API server
/// cannot be reached or trusted (cause: api_trouble.hpp), or an object it sent does not
/// decode and is skipped (cause "undecodable", with the object's kind and name).
struct gateway_warning {
  std::string msg;
  std::string cause;
  std::string error; // the transport's or the server's words; the decoder's for an object
  std::string server; // host:port
  std::string resource;
  std::string namespace_;
  std::string name;
};

struct http_gateway_config {
  connection_config connection;
  /// Client-side rate limit; qps <= 0 turns it off.
  double qps = 50;
  double burst = 100;
  retry_config retry;
  /// Deadline of every request, queueing and retries included.
  std::chrono::milliseconds request_timeout{30'000};
  /// Requests in flight at most (each holds a pooled connection); watches come on top.
  std::size_t max_in_flight = 16;
  /// Watch streams at most (each holds a connection of its own).
  std::size_t max_watches = 8;
  std::size_t max_response_bytes = 64u << 20;
  std::size_t max_header_bytes = 64u << 10;
  /// Server-side timeout of each watch request (the watch then resumes from where it was).
  std::chrono::seconds watch_timeout{300};
  /// Counters to record into (shared with the metrics endpoint); made when null.
  std::shared_ptr<gateway_counters> counters;
  /// Where warnings go (rate-limited per cause for failures to reach or trust the server).
  /// Optional; called on the gateway's actor.
  std::function<void(const gateway_warning&)> warn;
};

/// Spawns the gateway. Throws std::runtime_error when the configuration's TLS material is
/// unusable (the operator refuses to start rather than fail every request).
api_gateway_actor spawn_http_gateway(caf::actor_system& sys, http_gateway_config config);

} // namespace baorestore::gateway
