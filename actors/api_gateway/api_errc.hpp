#pragma once
// The gateway's error codes and serving priorities, and the mapping from an API server's
// answer (HTTP status, metav1.Status body) to them. Pure: no CAF, so the real gateway's
// decision code and its tests use it without an actor system; api_gateway.hpp adds the
// CAF error-category glue.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::gateway {

/// Typed failures of an API request (DESIGN §5).
enum class api_errc : std::uint8_t {
  not_found = 1,     // 404
  conflict,          // 409 Conflict: a resourceVersion precondition failed
  already_exists,    // 409 AlreadyExists
  invalid,           // 422
  gone,              // 410: watch or list resourceVersion too old
  forbidden,         // 403
  unauthorized,      // 401
  too_many_requests, // 429 after the gateway's own retries
  server_error,      // 5xx after retries
  transport,         // connection, TLS or timeout failure after retries
  bad_response,      // the server's reply could not be decoded
  bad_request,       // 400 and other 4xx
};

std::string to_string(api_errc e);

/// Serving order in the gateway's queues: lock and terminal-status writes before polls.
enum class priority : std::uint8_t { normal, high };

/// The code of a failed answer. `reason` is the Status body's reason; it matters only for
/// 409, where "AlreadyExists" (a create) differs from a failed precondition. Statuses below
/// 400 are not failures; they map to bad_request, so callers must check success first.
api_errc errc_for_status(int http_status, std::string_view reason);

/// The fields of a metav1.Status body that the gateway reports.
struct status_body {
  int code = 0;
  std::string reason;  // e.g. "NotFound", "AlreadyExists"
  std::string message; // the server's human-readable explanation
  bool operator==(const status_body&) const = default;
};

/// `json` decoded as a metav1.Status (kind "Status"); nullopt for anything else (not JSON,
/// not an object, another kind: a proxy's HTML error page, an object). Unknown fields and
/// missing optional ones are fine: servers differ in what they add.
std::optional<status_body> parse_status(std::string_view json);

} // namespace baorestore::gateway
