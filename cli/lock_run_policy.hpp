#pragma once
// The decisions of `baorestore lock run` that need no process or socket: which failed release
// is worth another try and after how long, and the exit code once everything is over.

#include <chrono>
#include <optional>

#include "cli/lock_client_core.hpp"

namespace baorestore::cli::lock {

/// lock run asks for the lock in slices of at most this long, again and again until --wait
/// is used up: the service keeps a queued acquire after its client has gone (it would grant
/// the lock to no one), so lock run never leaves one queued for longer than a slice. Stopped
/// by a signal, it waits for the slice's answer and releases what it was granted.
inline constexpr std::chrono::seconds acquire_slice_max{5};
std::chrono::seconds acquire_slice(std::chrono::seconds remaining);

/// A release that failed in transit, with 429 or 5xx, may work later; any other answer
/// (not_holder, 400, 401, 403, 404) will not change by asking again. `reply` is nullptr when
/// no reply came.
bool is_retryable(const lock_reply* reply);

/// How many times lock run tries to release, and the pause before try `attempt` (1-based,
/// attempt >= 2): 1 s, 2 s, 4 s, or the server's Retry-After when it asks for more (at most
/// 10 s: the process is on its way out, maybe within a pod's grace period).
inline constexpr int release_attempts = 4;
std::chrono::seconds release_backoff(int attempt, std::optional<std::int64_t> retry_after);

/// How a `lock run` ended.
struct run_end {
  std::optional<int> command_status; // the command's exit status (128+N when killed), if known
  int stopped_by = 0;                // SIGTERM/SIGINT received by lock run, 0 if none
  bool lock_lost = false;            // a renew answered not_holder while the command ran
  bool released = false;             // the release succeeded
};

/// A lost lock or a failed release: 1 (the protection failed; a script must know). Else a
/// signal: 128+N. Else the command's status.
int run_exit_code(const run_end&);

} // namespace baorestore::cli::lock
