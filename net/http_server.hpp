#pragma once
// The one small HTTP/1.1 server of the project (DESIGN §1): the embedded cluster and the
// operator's own endpoints both run on it. Plain HTTP, or HTTPS with a given identity;
// keep-alive, bounded header and body sizes, a deadline on every read and write, and
// streamed (chunked) replies for watches. Beast stays in http_server.cpp: callers see
// only the plain values of http_message.hpp.
//
// One io_context on one background thread: handlers run there, one at a time, so they
// must be quick (the embedded cluster's are in-memory store calls). A handler that must wait
// (the lock service's acquire) is an async_handler: it answers through a reply function that
// may be called later from any thread, and the write is posted back to the io thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/http_message.hpp"
#include "net/self_signed.hpp"

namespace baorestore::net {

using handler = std::function<response(const request&)>;

/// Answers a request later: may be called from any thread, once; the reply is written on
/// the connection's io thread. A reply after the server stopped is dropped.
using reply_function = std::function<void(response)>;
/// A handler that answers through `reply`, now or later, without blocking the io thread
/// (the lock service's waiting acquires). Streamed responses are not supported here.
using async_handler = std::function<void(const request&, reply_function reply)>;

/// A certificate chain and private key in PEM files, re-read when either changes: checked
/// at each accepted connection, at most once per `check_interval`; the connections accepted
/// after a change use the new pair, a pair that does not load keeps the previous one.
struct tls_files {
  std::string cert_file;
  std::string key_file;
  std::chrono::milliseconds check_interval{1000};
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0; // 0: an ephemeral port, see http_server::port()
  std::size_t max_body_bytes = 3u << 20;  // as the API server's default request cap
  std::size_t max_header_bytes = 64u << 10;
  std::chrono::seconds idle_timeout{120}; // reading a request, keep-alive wait included
  std::chrono::seconds write_timeout{30}; // writing one reply or one streamed chunk
  std::chrono::milliseconds stream_poll{50};
  /// HTTPS with this identity; none serves plain HTTP.
  std::optional<tls_identity> tls;
  /// HTTPS with the pair in these files (reloaded when they change); takes precedence over
  /// `tls`. The constructor throws std::runtime_error when the first pair does not load.
  std::optional<tls_files> tls_from_files;
  /// Lines about the server itself (a handler that threw, a TLS reload, a failed accept);
  /// empty: "http: ..." on stderr.
  std::function<void(const std::string&)> log;
  /// The reply to a request whose body exceeds max_body_bytes (413); none: a Kubernetes
  /// Status, as the embedded cluster wants.
  std::optional<response> too_large_reply;
};

class http_server {
public:
  /// Binds and listens at once (throws boost::system::system_error when it cannot), but
  /// serves only after start().
  http_server(server_options opts, handler h);
  /// The same with a handler that may answer later (async_handler).
  http_server(server_options opts, async_handler h);
  ~http_server(); // stops
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The bound port (the ephemeral one when the options asked for 0).
  std::uint16_t port() const;
  /// Starts the background thread. Once: a stopped server does not start again.
  void start();
  /// Closes the listener and every connection, and joins the thread. Idempotent.
  void stop();

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace baorestore::net
