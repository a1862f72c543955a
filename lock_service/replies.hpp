#pragma once
// The lock service's JSON answers (issue 8's contract), as pure functions: the registry's
// answer, already translated out of CAF (registry_answer), becomes an HTTP response.
//
//   LOCK = {"operation","holder","message","fence","since","renewedAt"?}
//   GET      200 {"cluster":"ns/name","held":true,"lock":LOCK} | {"cluster":..,"held":false}
//   acquire  200 {"granted":true,"fence":N,"lock":LOCK} | 409 busy {..,"lock":LOCK}
//   release  200 {"released":true} | 409 not_holder {..,"lock"?}
//   renew    200 {"granted":true,...} | 409 not_holder
//   errors   {"error":"<code>","message":"<text>"}

#include <cstdint>
#include <optional>
#include <string>

#include "lock_service/lock_call.hpp"
#include "model/openbao_cluster.hpp"
#include "net/http_message.hpp"

namespace baorestore::lock_service {

/// What the lock registry said, without CAF types.
struct registry_answer {
  enum class kind {
    granted,
    busy,
    released,
    not_holder,
    status,            // a query's answer
    cluster_not_found, // lock_errc::cluster_not_found
    unavailable,       // gave_up, a timeout, the registry gone
    invalid,           // lock_errc::invalid_request
  };
  kind what = kind::unavailable;
  std::int64_t fence = 0;
  std::optional<model::operation_lock> lock; // the lock now, when known
  std::string detail;                        // unavailable and invalid: why
};

/// The LOCK object's JSON text.
std::string lock_json(const model::operation_lock& lock);

/// The error's response: {"error","message"} (plus `lock_json_text` as "lock" when given)
/// with its headers.
net::response error_response(const http_error& e, const std::string& lock_json_text = {});

/// The response to `call` for the registry's answer.
net::response answer_response(const lock_call& call, const registry_answer& answer);

/// The outcome of a response for logs: "granted", "busy", "released", "held", "free", or
/// the error code.
std::string outcome_of(const net::response& r);

} // namespace baorestore::lock_service
