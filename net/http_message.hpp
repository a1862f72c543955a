#pragma once
// Plain HTTP request and response values: what handlers see and return. No Beast here, so
// request→response code (routing, the embedded cluster's API) is written and tested as
// ordinary functions over these values, without sockets (STYLE "What to absorb" 10).

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace baorestore::net {

struct request {
  std::string method; // "GET", "POST", ...
  std::string target; // path and query as sent: "/api/v1/secrets?limit=500"
  /// Header names in lower case; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
  std::string body;

  /// The header's value, "" when absent; `name` in lower case.
  std::string header(const std::string& name) const {
    auto i = headers.find(name);
    return i == headers.end() ? std::string{} : i->second;
  }
};

/// A body produced over time (a watch): the server asks for the next chunk until the
/// source says it is done, and sends each chunk as one HTTP chunk, flushed at once.
class stream_source {
public:
  virtual ~stream_source() = default;
  /// A chunk to send; "" when nothing is ready yet (the server asks again after its poll
  /// interval); nullopt when the stream is over.
  virtual std::optional<std::string> next() = 0;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// Extra headers (Warning, Location, ...).
  std::map<std::string, std::string> headers;
  /// When set, `body` is ignored and the reply is chunked, fed from this source; the
  /// connection is closed when the source ends.
  std::shared_ptr<stream_source> stream;
};

} // namespace baorestore::net
