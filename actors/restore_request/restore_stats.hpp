#pragma once
// What the restore controller has seen through its watch, for metrics and readiness: the
// phase of every restore, how long finished ones took, and whether the watch has synced.
// Thread-safe (the controller writes, the metrics endpoint reads). Pure: no CAF.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "model/openbao_restore.hpp"

namespace baorestore::restore {

/// Upper bounds of the restore duration histogram, in seconds.
inline constexpr std::array<double, 8> restore_duration_bounds{10, 30, 60, 120, 300, 600, 1800,
                                                               3600};

struct restore_stats_snapshot {
  std::map<std::string, std::uint64_t> by_phase; // "Pending", ..., "" for not yet written
  /// Finished restores (Completed or Failed) seen finish: cumulative buckets as Prometheus
  /// exposes them, by final phase.
  struct histogram {
    std::array<std::uint64_t, restore_duration_bounds.size()> buckets{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  std::map<std::string, histogram> durations;
  bool synced = false;
};

class restore_stats {
public:
  /// A version of a restore as the watch delivered it.
  void observe(const model::openbao_restore& r);
  /// The restore was deleted.
  void forget(const std::string& ns, const std::string& name);
  /// The watch has delivered a full list: it replaces what was known (and makes ready).
  void resync(const std::vector<model::openbao_restore>& all);
  restore_stats_snapshot snapshot() const;

private:
  void observe_locked(const model::openbao_restore& r);
  mutable std::mutex mtx_;
  std::map<std::string, model::restore_phase> phases_; // "ns/name"
  std::set<std::string> timed_;                        // uids whose duration is recorded
  restore_stats_snapshot::histogram completed_;
  restore_stats_snapshot::histogram failed_;
  bool synced_ = false;
};

} // namespace baorestore::restore
