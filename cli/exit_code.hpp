#pragma once
// Process exit codes shared by every subcommand.

namespace baorestore::cli {

enum exit_code : int {
  /// Everything checked out.
  exit_ok = 0,
  /// The command ran, and found something wrong in its input (an invalid manifest).
  exit_invalid = 1,
  /// The command could not run as asked: bad arguments, an unreadable file.
  exit_usage = 2,
};

} // namespace baorestore::cli
