#pragma once
// What the lock actors count, for /metrics (DESIGN §8: lock acquisitions, waits and holds by
// operation): acquisitions by outcome (granted, busy, forced), the time acquires spent in a
// cluster's queue, and how long locks granted here were held (granted -> released or lost).
// Thread-safe (every lock actor records, the exporter snapshots); pure: no CAF. Times come
// from the caller (the actor clock, simulated in tests).
//
// Holds are tracked per cluster here rather than in the lock actor, so that a hold outlives
// the actor that granted it (an idle stop, a crash and respawn): the next actor of the cluster
// reports what it sees and the hold ends when the lock is no longer its holder's.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace baorestore::cluster_lock {

/// Upper bounds of the wait and hold histograms, in seconds: lock waits are seconds to
/// minutes (lockWaitDeadline 30 s by default), holds last as long as a restore or a backup.
inline constexpr std::array<double, 12> lock_seconds_bounds{
  0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600};

enum class acquire_outcome : std::uint8_t { granted, busy, forced };

std::string_view to_string(acquire_outcome o);

struct seconds_histogram {
  /// Cumulative: buckets[i] counts observations <= lock_seconds_bounds[i].
  std::array<std::uint64_t, lock_seconds_bounds.size()> buckets{};
  double sum_seconds = 0;
  std::uint64_t count = 0;
  void observe(double seconds);
  bool operator==(const seconds_histogram&) const = default;
};

struct lock_counters_snapshot {
  /// (operation "Restore"|"Backup"|"Upgrade", outcome) -> acquisitions answered.
  std::map<std::pair<std::string, std::string>, std::uint64_t> acquisitions;
  std::map<std::string, seconds_histogram> waits; // by operation
  std::map<std::string, seconds_histogram> holds; // by operation
};

class lock_counters {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// An acquire was answered (a re-acquire by the holder counts as granted).
  void record_acquire(std::string_view operation, acquire_outcome outcome);

  /// An acquire left the cluster's queue (granted, busy at its deadline, or failed) after
  /// waiting `waited`.
  void record_wait(std::string_view operation, std::chrono::nanoseconds waited);

  /// The lock of `cluster` ("ns/name") was granted to `holder` at `at`. A re-acquire by the
  /// holder already recorded keeps the hold's start.
  void hold_started(const std::string& cluster, std::string_view operation,
                    std::string_view holder, time_point at);

  /// The lock of `cluster` is held by `holder` ("" when free) as seen at `at`: a hold
  /// recorded for another holder has ended (released, taken over, cleared outside).
  void lock_seen(const std::string& cluster, std::string_view holder, time_point at);

  lock_counters_snapshot snapshot() const;

private:
  struct open_hold {
    std::string operation;
    std::string holder;
    time_point since;
  };
  mutable std::mutex mtx_;
  lock_counters_snapshot data_;
  std::map<std::string, open_hold> open_; // by cluster
};

} // namespace baorestore::cluster_lock
