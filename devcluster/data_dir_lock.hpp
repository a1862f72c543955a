#pragma once
// One process per data directory (DESIGN §9, issue 16 finding 4). Two embedded clusters on
// one `--data-dir` each replay the log, truncate what looks like the other's half-written
// record and append at their own offsets: acknowledged writes vanish. The store therefore
// takes an exclusive lock on `dir`/lock before it reads or writes anything in `dir`, and
// holds it as long as it is open.
//
// The lock is an open-file-description lock (F_OFD_SETLK): the kernel drops it when the
// holder exits, however it exits (kill -9 included), so a stale lock file never blocks a
// restart; and unlike a classic POSIX lock, a second open in the same process conflicts too.
// The holder writes its pid and the time it took the lock into the file, so that the
// process refused can name it.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace baorestore::devcluster {

/// Another process holds the data directory; what() names it.
struct data_dir_busy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class data_dir_lock {
public:
  /// Creates `dir` if needed and locks it. Throws data_dir_busy when another open file
  /// (another process, or another store in this one) holds the lock, and
  /// std::runtime_error on I/O errors.
  explicit data_dir_lock(const std::filesystem::path& dir);
  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

  static std::filesystem::path file_in(const std::filesystem::path& dir);

  /// The line a holder writes: "pid 1234, locked since 2026-12-07T21:50:00Z".
  static std::string holder_line(long pid, const std::string& since);

private:
  int fd_ = -1;
};

} // namespace baorestore::devcluster
