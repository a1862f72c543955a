#pragma once
// The token file, reloaded when it changes (a Secret mounted as a volume is replaced under
// the reader): its mtime, size and inode are checked at most once per `check_interval`; a
// new version that does not parse keeps the previous table and reports why through `log`.
// Thread-safe: the HTTP thread reads it, tests poke it from theirs.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "lock_service/token_table.hpp"

namespace baorestore::lock_service {

class token_file {
public:
  using clock = std::chrono::steady_clock;
  using log_function = std::function<void(const std::string&)>;

  /// Reads the file at once; throws std::runtime_error (with the problem's path) when it
  /// cannot be read or parsed, so that a bad file stops start-up rather than serving nobody.
  token_file(std::filesystem::path path, log_function log,
             std::chrono::milliseconds check_interval = std::chrono::seconds{1});

  /// The table, reloaded first when the file changed and the last check is old enough.
  std::shared_ptr<const token_table> current(clock::time_point now = clock::now());

  /// How many reloads succeeded (not counting the first read) and failed.
  std::uint64_t reloads() const;
  std::uint64_t failed_reloads() const;

private:
  struct stamp {
    std::filesystem::file_time_type mtime{};
    std::uintmax_t size = 0;
    std::uint64_t inode = 0;
    bool operator==(const stamp&) const = default;
  };

  /// The file's text and stamp; throws std::runtime_error when it cannot be read.
  std::pair<std::string, stamp> read() const;

  std::filesystem::path path_;
  log_function log_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mtx_;
  std::shared_ptr<const token_table> table_;
  stamp stamp_;
  clock::time_point checked_{};
  std::uint64_t reloads_ = 0;
  std::uint64_t failed_ = 0;
};

} // namespace baorestore::lock_service
