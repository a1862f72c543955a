#pragma once
// The asynchronous HTTP/1.1 client the api_gateway talks to a Kubernetes API server with
// (issue 5): a keep-alive pool with a cap on open connections, TLS that verifies the peer
// and its name by default, bounded header, body and line sizes, one deadline per exchange,
// and streamed (watch) bodies delivered line by line. Beast, Asio and OpenSSL stay in
// http_client.cpp: callers see only these plain values.
//
// Retries: the client never retries a failure it reports. It resends a request once, by
// itself, only when it went out on a reused idle keep-alive connection that then failed
// before any response byte arrived (the server had closed it: "stale keep-alive"), and the
// method is idempotent (GET, HEAD, PUT, DELETE). A POST or PATCH in that position gets
// `dropped`, and the gateway's retry policy decides.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace baorestore::net {

struct client_tls {
  std::string ca_pem;                // trusted CA certificates (PEM, may hold several); empty: system defaults
  std::string client_cert_pem;       // optional client certificate (mTLS) ...
  std::string client_key_pem;        // ... and its key
  bool insecure_skip_verify = false; // only when a kubeconfig says so
};

struct client_options {
  std::string host;         // DNS name or IP literal (IPv6 without brackets)
  std::uint16_t port = 443;
  bool tls = true;
  client_tls tls_config;
  std::string server_name;  // SNI and hostname-check name; empty: host
  std::size_t max_connections = 16;          // cap on open connections (pooled + streaming)
  std::size_t max_idle_per_host = 8;
  std::size_t max_body_bytes = 64u << 20;    // response body cap (non-stream)
  std::size_t max_header_bytes = 64u << 10;  // response header cap
  std::size_t max_line_bytes = 16u << 20;    // one line of a streamed body
  std::chrono::seconds idle_keepalive{90};   // pooled connection idle lifetime
  std::size_t threads = 1;                   // io threads
};

struct client_request {
  std::string method; // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string target; // path + query
  /// Sent as given, after the automatic host and user-agent (which these may replace);
  /// content-length and transfer-encoding are always computed from `body`.
  std::map<std::string, std::string> headers;
  std::string body;
  /// The whole exchange, connect and queueing for a connection included.
  /// time_point{} (unset) means no deadline.
  std::chrono::steady_clock::time_point deadline;
};

struct client_response {
  int status = 0;
  /// Lower-case names; a repeated header's values are joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
};

enum class client_errc {
  connect,          // resolving or connecting failed
  tls,              // handshake failed, peer verification included
  timeout,          // the deadline passed
  dropped,          // the peer closed or reset the connection before the message was complete
  body_too_large,   // max_body_bytes, or max_line_bytes for a stream
  header_too_large, // max_header_bytes
  protocol,         // not HTTP/1.1 as we know it, or an invalid request
  cancelled,        // stream_handle::cancel()
  closed,           // the client was stopped
};
std::string to_string(client_errc);

struct client_error {
  client_errc code;
  std::string message;
};

using client_result = std::variant<client_response, client_error>;

/// A streamed exchange (a Kubernetes watch): newline-delimited body lines as they arrive.
/// All three run on an io thread, one at a time, on_status before any line.
struct stream_handlers {
  /// Called once with the response status. If status != 200 the client reads the whole
  /// (capped) body and delivers it through on_end's response instead of lines.
  std::function<void(int status)> on_status;
  /// One line without its '\n' (chunked framing removed). A last line without '\n' is
  /// delivered when the body ends.
  std::function<void(std::string line)> on_line;
  /// Exactly once. (nullopt, nullopt): the server ended a 200 stream cleanly.
  std::function<void(std::optional<client_error> error, std::optional<client_response> non_ok)>
    on_end;
};

class stream_handle {
public:
  virtual ~stream_handle() = default;
  /// on_end(cancelled) once, unless the stream had already ended. No line is delivered
  /// after cancel() returns. Safe from any thread, also after the client is gone.
  virtual void cancel() = 0;
};

class http_client {
public:
  /// Throws std::runtime_error on bad TLS material. Starts the io threads.
  explicit http_client(client_options);
  ~http_client(); // stop()
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// `done` runs exactly once, on an io thread, never inline in send(). After stop() it
  /// runs with `closed`, on a short-lived thread the client owns (joined by ~http_client).
  void send(client_request, std::function<void(client_result)> done);

  /// The deadline of a stream bounds queueing, connect and the response head only (and the
  /// whole body when the status is not 200); a 200 stream then lives until the server ends
  /// it, cancel(), or stop(). A stream's connection is closed afterwards, never pooled.
  std::shared_ptr<stream_handle> stream(client_request, stream_handlers);

  /// Idempotent. Fails queued and in-flight exchanges with `closed` (each exactly once),
  /// closes every connection and joins the io threads. Not from a completion handler.
  void stop();

  struct stats {
    std::uint64_t connections_opened = 0;
    std::size_t open = 0;    // connecting, busy (streams included) or idle
    std::size_t idle = 0;
    std::size_t waiting = 0; // exchanges queued for a connection
  };
  stats snapshot() const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace baorestore::net
