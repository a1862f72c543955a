#pragma once
// The one small HTTP/1.1 server of the project (DESIGN §1): the embedded cluster and the
// operator's own endpoints both run on it. Plain HTTP, or HTTPS with a given identity;
// keep-alive, bounded header and body sizes, a deadline on every read and write, and
// streamed (chunked) replies for watches. Beast stays in http_server.cpp: callers see
// only the plain values of http_message.hpp.
//
// One io_context on one background thread: handlers run there, one at a time, so they
// must be quick (the embedded cluster's are in-memory store calls).

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
};

class http_server {
public:
  /// Binds and listens at once (throws boost::system::system_error when it cannot), but
  /// serves only after start().
  http_server(server_options opts, handler h);
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
