// `lock run`'s decisions (cli/lock_run_policy.hpp): which failed release to retry, the pause
// before each try, and the exit code of every way a run can end.
#define CAF_SUITE lock_cli_run_policy
#include "caf/test/unit_test.hpp"

#include "cli/lock_run_policy.hpp"

using namespace baorestore::cli::lock;
using namespace std::chrono_literals;

namespace {

bool retryable_status(int status) {
  lock_reply r;
  r.status = status;
  return is_retryable(&r);
}

int exit_of(std::optional<int> command, int signal, bool lost, bool released) {
  return run_exit_code(run_end{command, signal, lost, released});
}

} // namespace

CAF_TEST(transport failures 429 and 5xx are retried) {
  CAF_CHECK(is_retryable(nullptr));
  for (int s : {429, 500, 502, 503, 504})
    CAF_CHECK(retryable_status(s));
  for (int s : {200, 400, 401, 403, 404, 405, 409, 413})
    CAF_CHECK(!retryable_status(s));
}

CAF_TEST(backoff doubles and honours retry after up to a cap) {
  CAF_CHECK(release_backoff(2, std::nullopt) == 1s);
  CAF_CHECK(release_backoff(3, std::nullopt) == 2s);
  CAF_CHECK(release_backoff(4, std::nullopt) == 4s);
  CAF_CHECK(release_backoff(9, std::nullopt) == 4s);
  CAF_CHECK(release_backoff(2, 3) == 3s);
  CAF_CHECK(release_backoff(4, 1) == 4s);
  CAF_CHECK(release_backoff(2, 3600) == 10s);
  CAF_CHECK(release_attempts >= 3);
}

CAF_TEST(exit code of a run) {
  CAF_CHECK_EQUAL(exit_of(0, 0, false, true), 0);
  CAF_CHECK_EQUAL(exit_of(7, 0, false, true), 7);
  CAF_CHECK_EQUAL(exit_of(137, 0, false, true), 137);  // the command was SIGKILLed
  CAF_CHECK_EQUAL(exit_of(127, 0, false, true), 127);  // not found
  CAF_CHECK_EQUAL(exit_of(0, 0, false, false), 1);     // release failed
  CAF_CHECK_EQUAL(exit_of(7, 0, false, false), 1);
  CAF_CHECK_EQUAL(exit_of(143, 15, false, true), 143); // SIGTERM to lock run
  CAF_CHECK_EQUAL(exit_of(0, 2, false, true), 130);    // SIGINT, the command exited 0
  CAF_CHECK_EQUAL(exit_of(std::nullopt, 15, false, true), 143);
  CAF_CHECK_EQUAL(exit_of(143, 15, false, false), 1);
  CAF_CHECK_EQUAL(exit_of(143, 0, true, true), 1);     // lock lost
  CAF_CHECK_EQUAL(exit_of(std::nullopt, 0, false, true), 1);
}

CAF_TEST(acquire waits in slices of at most five seconds) {
  CAF_CHECK(acquire_slice(0s) == 0s);
  CAF_CHECK(acquire_slice(3s) == 3s);
  CAF_CHECK(acquire_slice(5s) == 5s);
  CAF_CHECK(acquire_slice(600s) == 5s);
  CAF_CHECK(acquire_slice(-2s) == 0s);
}
