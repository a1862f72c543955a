#include "actors/restore_request/api_failure.hpp"

namespace baorestore::restore {

using gateway::api_errc;

std::string to_string(failure_class c) {
  return c == failure_class::permanent ? "permanent" : "transient";
}

failure_class classify_failure(std::optional<api_errc> code, request_kind kind) {
  if (!code || kind == request_kind::read)
    return failure_class::transient; // observations are made again; they decide nothing
  switch (*code) {
    case api_errc::invalid:     // 422: the object itself is refused
    case api_errc::bad_request: // 400 and other 4xx
    case api_errc::forbidden:   // 403: RBAC, a terminating namespace, a quota
      return failure_class::permanent;
    case api_errc::not_found:
      // A create's 404 names the namespace (or a resource the server does not serve); a
      // write's names the object, whose absence the next observation deals with.
      return kind == request_kind::create ? failure_class::permanent : failure_class::transient;
    case api_errc::conflict:          // 409 on update: read again, decide again
    case api_errc::already_exists:    // callers adopt it; otherwise look again
    case api_errc::gone:              // 410
    case api_errc::unauthorized:      // 401: a token being rotated
    case api_errc::too_many_requests: // 429
    case api_errc::server_error:      // 5xx
    case api_errc::transport:         // no answer, TLS, the gateway's deadline
    case api_errc::bad_response:      // an answer we could not read: the write may have landed
      return failure_class::transient;
  }
  return failure_class::transient;
}

failure_verdict judge_failure(std::optional<api_errc> code, request_kind kind,
                              std::uint32_t failures, const job_watch::poll_schedule& backoff,
                              double draw) {
  failure_verdict v;
  v.kind = classify_failure(code, kind);
  v.backoff = std::chrono::duration_cast<std::chrono::milliseconds>(
    job_watch::next_interval(backoff, failures, draw));
  return v;
}

} // namespace baorestore::restore
