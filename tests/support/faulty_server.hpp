#pragma once
// A scripted, misbehaving HTTP/1.1 server for client tests (issue 5): on 127.0.0.1 at an
// ephemeral port, plain or TLS, on its own thread. Each request read in full consumes one
// action from a thread-safe script (the default action once the script is empty), and
// every request is recorded. Every socket operation has a timeout; stop() closes
// everything and joins. No Beast in this header.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/self_signed.hpp"

namespace baorestore::testing {

using namespace std::chrono_literals;

namespace faulty {

/// A reply with Content-Length; the connection stays open unless `headers` say
/// "connection: close" or `close_silently` (closed after the reply without saying so, as
/// a server ending an idle keep-alive connection does). `delay` passes before the reply.
struct respond {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
  bool close_silently = false;
};

/// A chunked reply: each element of `chunks` is one HTTP chunk, written `gap` apart.
/// The connection stays open afterwards.
struct respond_chunked {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::vector<std::string> chunks;
  std::chrono::milliseconds gap{0};
};

/// A head claiming `claimed` bytes, then `partial` (shorter), then the socket closes.
struct drop_after_headers {
  std::size_t claimed = 100;
  std::string partial = R"({"kind":)";
};

/// The connection closes without a byte of reply.
struct drop_immediately {};

/// No reply; the connection stays open until the client leaves or the server stops.
struct stall {};

/// A 200 whose body is "{not json".
struct garbage {};

/// A 200 with Content-Length `bytes`, the body written in 64 KiB pieces; closes afterwards.
struct huge {
  std::size_t bytes = 50u << 20;
};

/// A chunked 200 watch: each line (a '\n' is appended) is one chunk, written `gap` apart;
/// then the last chunk and close, or nothing more with the connection held open.
struct stream_lines {
  std::vector<std::string> lines;
  bool keep_open = false;
  std::chrono::milliseconds gap{10};
};

/// These exact bytes, not HTTP at all, then close.
struct raw {
  std::string bytes;
};

} // namespace faulty

using action = std::variant<faulty::respond, faulty::respond_chunked, faulty::drop_after_headers,
                            faulty::drop_immediately, faulty::stall, faulty::garbage,
                            faulty::huge, faulty::stream_lines, faulty::raw>;

struct recorded_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::size_t connection = 0; // 1-based, in order of acceptance
};

struct faulty_server_options {
  std::optional<net::tls_identity> tls; // HTTPS with this identity; none: plain HTTP
  std::chrono::milliseconds io_timeout{10s};   // each read or write
  std::chrono::milliseconds hold_timeout{60s}; // stall and kept-open streams
  /// Accept connections, then never read or write (no TLS handshake either): a black hole.
  bool mute = false;
};

class faulty_server {
public:
  explicit faulty_server(faulty_server_options opts = {});
  ~faulty_server(); // stop()
  faulty_server(const faulty_server&) = delete;
  faulty_server& operator=(const faulty_server&) = delete;

  std::uint16_t port() const;
  /// Appends to the script.
  void push(action a);
  /// What a request gets when the script is empty (initially respond 200 "{}").
  void set_default(action a);

  std::vector<recorded_request> requests() const;
  std::size_t accepted() const; // connections accepted so far
  std::size_t open() const;     // connections not yet closed by either side

  /// Closes the listener and every connection and joins the thread. Idempotent.
  void stop();

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace baorestore::testing
