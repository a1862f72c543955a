#include "cli/lock_run_policy.hpp"

#include <algorithm>

namespace baorestore::cli::lock {

std::chrono::seconds acquire_slice(std::chrono::seconds remaining) {
  return std::clamp(remaining, std::chrono::seconds{0}, acquire_slice_max);
}

bool is_retryable(const lock_reply* reply) {
  if (!reply)
    return true;
  return reply->status == 429 || reply->status >= 500;
}

std::chrono::seconds release_backoff(int attempt, std::optional<std::int64_t> retry_after) {
  std::int64_t pause = std::int64_t{1} << std::clamp(attempt - 2, 0, 2);
  if (retry_after)
    pause = std::max(pause, *retry_after);
  return std::chrono::seconds{std::min<std::int64_t>(pause, 10)};
}

int run_exit_code(const run_end& end) {
  if (end.lock_lost || !end.released)
    return exit_error;
  if (end.stopped_by != 0)
    return 128 + end.stopped_by;
  return end.command_status.value_or(exit_error);
}

} // namespace baorestore::cli::lock
