#pragma once
// The store's durability: an append-only file of records, one per committed operation.
// A record is a 12-byte header (payload length, its bitwise complement, CRC-32 of the
// payload; little-endian) followed by the payload. append() returns only after the record
// is on disk (fdatasync), so an acknowledged write survives a crash.
//
// Recovery: a crash can leave the last record torn (short, or with a bad checksum). Such a
// tail is dropped and the file truncated to the last good record. A bad record with a good
// one after it cannot come from a crash: that is corruption, and opening fails rather than
// silently losing acknowledged writes.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::devcluster {

/// Opening or appending failed (I/O error, or corruption in the middle of the log).
struct record_log_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class record_log {
public:
  struct recovered {
    std::vector<std::string> records;
    std::uint64_t dropped_bytes = 0; // a torn or corrupt tail that was truncated away
  };

  /// Opens (creating if needed) `dir`/store.log and returns the good records in `out`.
  /// Throws record_log_error on corruption in the middle or on I/O errors.
  record_log(const std::filesystem::path& dir, recovered& out);
  ~record_log();
  record_log(const record_log&) = delete;
  record_log& operator=(const record_log&) = delete;

  /// Writes one record and syncs it. On failure the file is cut back to its previous
  /// length (so no partial record stays before later ones) and record_log_error is thrown.
  void append(std::string_view payload);

  static std::filesystem::path file_in(const std::filesystem::path& dir);

  /// The header + payload bytes of one record (exposed for tests that forge logs).
  static std::string encode(std::string_view payload);

private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

} // namespace baorestore::devcluster
