#pragma once
// `baorestore lock acquire|release|renew|show|run` (issue 8): the command-line client of the
// operator's lock service, for backup and upgrade scripts. One short human line goes to stderr,
// the service's JSON reply to stdout. Exit codes (lock::exit_status): 0 granted/ok, 3 busy or
// not the holder, 4 denied (401/403), 1 any other error, 2 bad flags.

#include <ostream>

#include "cli/lock_client_core.hpp"
#include "cli/lock_session.hpp"

namespace baorestore::cli {

/// One request: show, acquire, release or renew.
int run_lock(lock::verb v, const lock_options& opts, std::ostream& out, std::ostream& err);

/// `lock run -- COMMAND...`: acquire (waiting up to --wait, in slices: lock_run_policy.hpp),
/// run the command while renewing every --renew-every, release when it ends, also on failure
/// and on SIGTERM/SIGINT (forwarded to the command). Exit: the command's code (128+N when
/// killed by signal N); 3/4/1 when the acquire is refused (the command does not run); 128+N
/// when stopped by signal N; 1 when the release fails (after retries) or the lock was lost
/// while the command ran.
int run_lock_run(const lock_options& opts, std::ostream& out, std::ostream& err);

} // namespace baorestore::cli
