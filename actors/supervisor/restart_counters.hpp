#pragma once
// Actor restarts for /metrics (DESIGN §8: baorestore_actor_restarts_total{kind}), counted by
// the supervisors that share this object. Thread-safe; pure: no CAF.
//
// The kind of a child is the first segment of its id: "restore/tenant-a/r1" -> "restore",
// so the label's values stay few however many children come and go.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace baorestore::supervision {

/// "restore/tenant-a/r1" -> "restore"; an id without '/' is its own kind.
std::string child_kind(std::string_view id);

class restart_counters {
public:
  /// One restart (a new incarnation started after a crash) of the child `id`.
  void record_restart(std::string_view id);

  /// Restarts by kind.
  std::map<std::string, std::uint64_t> snapshot() const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, std::uint64_t> by_kind_;
};

} // namespace baorestore::supervision
