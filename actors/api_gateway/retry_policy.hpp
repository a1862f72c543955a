#pragma once
// When the gateway retries a failed request, and after how long. A pure function of the
// verb, the attempt's outcome, the attempt count, the time left and random bits (for the
// jitter), so every branch is table-tested; the actor only schedules the retry.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::gateway {

enum class http_verb : std::uint8_t { get, list, create, update, patch, delete_, watch };

/// "get", "list", "create", "update", "patch", "delete", "watch" (metrics labels).
std::string to_string(http_verb v);

/// Whether sending the request twice has the effect of sending it once, so that a request
/// whose fate is unknown (transport error, 5xx) may be resent:
/// - get, list, watch: reads;
/// - update (PUT): replaces the object with the same content; with a resourceVersion the
///   repeat fails 409 rather than applying twice;
/// - patch: the gateway sends JSON merge patches (RFC 7386), which set fields to values and
///   so are idempotent (a JSON patch "add" to a list would not be; we do not send those);
/// - delete: a repeat finds the object gone (404) or still finalizing; no second effect;
/// - create (POST): not idempotent (generateName would create two objects; a repeat of a
///   named create answers AlreadyExists for an object the first attempt made).
bool idempotent(http_verb v);

/// What one attempt came back with.
struct attempt_outcome {
  bool transport_error = false; // no HTTP answer: connect, TLS, reset, timeout
  int status = 0;               // the HTTP status; 0 when transport_error
  std::optional<std::chrono::seconds> retry_after; // the Retry-After header, if any
};

struct retry_config {
  int max_attempts = 5;                 // attempts in all, the first one included
  std::chrono::milliseconds base{100};  // backoff ceiling after the first attempt
  std::chrono::milliseconds cap{5000};  // the largest backoff ceiling
  std::chrono::seconds max_retry_after{30}; // a server's Retry-After beyond this is capped
};

struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0}; // wait this long, then resend
  bool operator==(const retry_decision&) const = default;
};

/// The backoff before attempt `attempt + 1`: full jitter, uniform over
/// [0, min(cap, base * 2^(attempt-1))] milliseconds, drawn from `random_bits`.
std::chrono::milliseconds backoff_delay(int attempt, const retry_config& cfg,
                                        std::uint64_t random_bits);

/// Whether to resend after `attempt` attempts (1 after the first) ended in `outcome`, with
/// `remaining` time before the request's deadline:
/// - transport errors and 5xx: only idempotent verbs, after backoff_delay;
/// - 429: any verb (the server refused before doing anything), after the larger of
///   Retry-After (capped at max_retry_after) and backoff_delay;
/// - anything else (success, other 4xx): never.
/// Never when `attempt >= max_attempts`, nor when the delay would reach the deadline (a
/// retry needs time left to run).
retry_decision decide_retry(http_verb verb, const attempt_outcome& outcome, int attempt,
                            std::chrono::milliseconds remaining, const retry_config& cfg,
                            std::uint64_t random_bits);

/// A Retry-After header's delay-seconds ("120", surrounding blanks allowed); nullopt for
/// anything else, including the HTTP-date form, which the API server does not send.
/// Absurdly large values are clamped to a day (callers cap further).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view header);

} // namespace baorestore::gateway
