#include "cli/lock_command.hpp"

namespace baorestore::cli {

int run_lock(lock::verb v, const lock_options& opts, std::ostream& out, std::ostream& err) {
  std::string error;
  auto session = lock_session::open(v, opts, error);
  if (!session) {
    err << "lock " << lock::to_string(v) << ": " << error << '\n';
    return lock::exit_usage;
  }
  auto outcome = session->call(v);
  err << session->describe(v, outcome) << '\n';
  // The reply as the service sent it, for scripts (jq); nothing when no reply came.
  if (!outcome.body.empty()) {
    out << outcome.body;
    if (outcome.body.back() != '\n')
      out << '\n';
  }
  out.flush();
  return exit_code_for(outcome);
}

} // namespace baorestore::cli
