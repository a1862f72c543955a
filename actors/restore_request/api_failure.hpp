#pragma once
// Whether a failed API request of a restore is worth repeating (DESIGN §4 "Errors:"), and
// after how long. Pure: no CAF, table-tested; the actor only carries the verdict out.
//
// Permanent: the API server refused the request itself and will refuse it again (400, 403,
// 404 of a create: the namespace or the resource type is not there, 422 Invalid). The
// restore fails at once with the server's message and releases its lock.
// Transient: anything that may heal (no answer, a timeout, 429, 5xx, 409 Conflict, 401
// while credentials rotate, an answer we could not decode). Retried after a backoff that
// grows while the same step keeps failing, said in the status message and the log.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "actors/api_gateway/api_errc.hpp"
#include "actors/job_watcher/poll_schedule.hpp"

namespace baorestore::restore {

/// What the failed request did.
enum class request_kind : std::uint8_t {
  read,   // get or list: an observation, always looked at again
  create, // POST of a new object (the ServiceAccount, the Job)
  write,  // update, patch or delete of an existing object
};

enum class failure_class : std::uint8_t { transient, permanent };

std::string to_string(failure_class c);

/// `code` is the failure's api_errc; nullopt for a failure that is no answer of the API
/// server (a request timeout, a helper actor gone): transient.
failure_class classify_failure(std::optional<gateway::api_errc> code, request_kind kind);

struct failure_verdict {
  failure_class kind = failure_class::transient;
  /// Look again after this long: for a transient failure, and for a permanent one that
  /// cannot fail the restore (a refused write of the restore's own status).
  std::chrono::milliseconds backoff{0};
  bool operator==(const failure_verdict&) const = default;
};

/// The class, and the backoff before attempt `failures + 2` of the same step (`failures` = its failures in a row before this one): `backoff`'s schedule,
/// growing geometrically to its ceiling; `draw` in [0, 1] picks the jitter.
failure_verdict judge_failure(std::optional<gateway::api_errc> code, request_kind kind,
                              std::uint32_t failures, const job_watch::poll_schedule& backoff,
                              double draw);

} // namespace baorestore::restore
