#pragma once
// The lock service's routes and request bodies (issue 8), as pure functions over the request
// line and body:
//
//   GET  /v1/namespaces/{ns}/clusters/{name}/lock
//   POST /v1/namespaces/{ns}/clusters/{name}/lock/acquire
//        {"operation":"Backup"|"Upgrade","holder":"...","message":"...","waitSeconds":N}
//   POST /v1/namespaces/{ns}/clusters/{name}/lock/release {"operation":...,"holder":...}
//   POST /v1/namespaces/{ns}/clusters/{name}/lock/renew   {"holder":...}
//
// Anything else is an http_error with the contract's status and code.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "model/openbao_cluster.hpp"

namespace baorestore::lock_service {

enum class call_kind { query, acquire, release, renew };

std::string_view to_string(call_kind k); // "query", "acquire", ...

/// A refused request: status, the contract's error code and a message for people, plus
/// headers the status calls for (Allow, Retry-After, WWW-Authenticate).
struct http_error {
  int status = 400;
  std::string code = "bad_request";
  std::string message;
  std::map<std::string, std::string> headers;
};

http_error bad_request(std::string message);

/// Where a request goes: its kind and the cluster it names (names not yet checked).
struct route {
  call_kind kind = call_kind::query;
  std::string namespace_;
  std::string name;
};

/// The route of a request line: 404 not_found for an unknown path, 405 method_not_allowed
/// (with Allow) for a known path and another method, 400 for names that are not DNS-1123.
/// The query string is ignored.
std::variant<route, http_error> match_route(std::string_view method, std::string_view target);

struct call_limits {
  std::int64_t max_wait_seconds = 300;
  std::size_t max_holder_bytes = 253;
  std::size_t max_message_bytes = 1024;
};

struct lock_call {
  call_kind kind = call_kind::query;
  std::string namespace_;
  std::string name;
  std::optional<model::cluster_operation> operation; // acquire and release
  std::string holder;                                // all but query
  std::string message;                               // acquire
  std::int64_t wait_seconds = 0;                     // acquire
};

/// The call of a routed request with its body: 400 for malformed JSON, unknown fields,
/// wrong types, an unknown operation, an empty or overlong holder or message, waitSeconds
/// outside 0..max; 403 for a Restore (restores go through OpenBaoRestore objects). A GET
/// ignores its body.
std::variant<lock_call, http_error> parse_call(const route& r, std::string_view body,
                                               const call_limits& limits);

} // namespace baorestore::lock_service
