#pragma once
// The store's durability: an append-only file of records, one per committed operation.
// A record is a 12-byte header (payload length, its bitwise complement, CRC-32 of the
// payload; little-endian) followed by the payload. append() returns only after the record
// is on disk (fdatasync), so an acknowledged write survives a crash.
//
// One process per directory: the log is opened only under the directory's lock
// (data_dir_lock.hpp), and appended with O_APPEND. The directory is fsynced after the log
// is opened, so that a freshly created log's name survives a power loss with its records.
//
// Recovery: a crash can leave the last record torn (short, or with a bad checksum). Such a
// tail is dropped and the file truncated to the last good record. A bad record with a good
// one after it cannot come from a crash: that is corruption, and opening fails rather than
// silently losing acknowledged writes.
//
// Compaction (replace()): the caller hands a payload that stands for the whole history (the
// store's snapshot of its live objects). It is written to store.log.tmp, fsynced, renamed
// over store.log, and the directory fsynced; appends then go to the new file. A kill between
// any two steps leaves either the old log (and a leftover temp file, removed on the next
// open) or the new one under the name store.log, and both hold every acknowledged write.
// The caller decides when, with compaction_due().

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "devcluster/data_dir_lock.hpp"

namespace baorestore::devcluster {

/// Opening or appending failed (I/O error, or corruption in the middle of the log).
struct record_log_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// When the log is rewritten as a snapshot: once it holds more than `factor` times what the
/// last compaction left (the live data then) plus `floor_bytes`.
///
/// Why these: compaction is paid for by appends. Between two compactions the log grows by
/// more than (factor - 1) * L + floor bytes, L being what the last one left. With live data
/// steady (the usual case: the same objects updated), rewriting L costs at most
/// 1 / (factor - 1) of the bytes appended, a third at 4; while data only grows, at most
/// factor / (factor - 1) of them. The file stays under factor * L + floor (plus one record):
/// the log of issue 16, 14 MB after 42k writes, stays near 1 MiB + 4x its live data. The
/// floor keeps a small store from paying a rewrite, two fsyncs and a rename every few
/// writes; compaction runs inside a commit, so it also bounds how often one write is slow.
struct compaction_policy {
  std::uint64_t floor_bytes = 1u << 20;
  std::uint64_t factor = 4;
};

/// Pure: whether a log of `log_bytes` whose last compaction left `base_bytes` (0: never
/// compacted) is due.
bool compaction_due(std::uint64_t log_bytes, std::uint64_t base_bytes,
                    const compaction_policy& policy);

/// The steps of replace(), for tests that stop between them as a kill would.
enum class compaction_step { temp_written, temp_synced, renamed, dir_synced };

class record_log {
public:
  static constexpr std::size_t header_bytes = 12;

  struct recovered {
    std::vector<std::string> records;
    std::uint64_t dropped_bytes = 0; // a torn or corrupt tail that was truncated away
  };

  /// Locks `dir` (throws data_dir_busy when another holds it), opens (creating if needed)
  /// `dir`/store.log and returns the good records in `out`. Throws record_log_error on
  /// corruption in the middle or on I/O errors.
  record_log(const std::filesystem::path& dir, recovered& out);
  ~record_log();
  record_log(const record_log&) = delete;
  record_log& operator=(const record_log&) = delete;

  /// Writes one record and syncs it. On failure the file is cut back to its previous
  /// length (so no partial record stays before later ones) and record_log_error is thrown.
  void append(std::string_view payload);

  /// Replaces the whole log by one record, `payload` (see the top of this file). On a
  /// failure before the rename the old log stays in use; throws record_log_error.
  /// `after_step`, when set, is called after each step (tests copy the directory there).
  void replace(std::string_view payload,
               const std::function<void(compaction_step)>& after_step = {});

  /// Bytes in the log now, and what the last replace() (or the snapshot found on open, see
  /// set_base) left: the inputs of compaction_due().
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t base() const noexcept { return base_; }
  void set_base(std::uint64_t bytes) noexcept { base_ = bytes; }

  static std::filesystem::path file_in(const std::filesystem::path& dir);
  static std::filesystem::path temp_file_in(const std::filesystem::path& dir);

  /// The header + payload bytes of one record (exposed for tests that forge logs).
  static std::string encode(std::string_view payload);

private:
  /// Fsyncs the directory, the step that makes a create or rename durable.
  void sync_dir();

  data_dir_lock lock_; // first: taken before anything in the directory is touched
  std::filesystem::path dir_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t base_ = 0;
  // A rename whose directory fsync failed: no append is acknowledged until it succeeds,
  // or a power loss could bring the old log back under the name and lose that append.
  bool dir_sync_pending_ = false;
};

} // namespace baorestore::devcluster
