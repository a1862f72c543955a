#include "actors/cluster_lock/lock_counters.hpp"

namespace baorestore::cluster_lock {

std::string_view to_string(acquire_outcome o) {
  switch (o) {
    case acquire_outcome::granted:
      return "granted";
    case acquire_outcome::busy:
      return "busy";
    case acquire_outcome::forced:
      return "forced";
  }
  return "granted";
}

void seconds_histogram::observe(double seconds) {
  for (std::size_t i = 0; i < lock_seconds_bounds.size(); ++i)
    if (seconds <= lock_seconds_bounds[i])
      ++buckets[i];
  sum_seconds += seconds;
  ++count;
}

void lock_counters::record_acquire(std::string_view operation, acquire_outcome outcome) {
  std::lock_guard guard{mtx_};
  ++data_.acquisitions[{std::string{operation}, std::string{to_string(outcome)}}];
}

void lock_counters::record_wait(std::string_view operation, std::chrono::nanoseconds waited) {
  auto seconds = std::chrono::duration<double>(waited).count();
  std::lock_guard guard{mtx_};
  data_.waits[std::string{operation}].observe(seconds < 0 ? 0 : seconds);
}

void lock_counters::hold_started(const std::string& cluster, std::string_view operation,
                                 std::string_view holder, time_point at) {
  std::lock_guard guard{mtx_};
  auto i = open_.find(cluster);
  if (i != open_.end() && i->second.holder == holder && i->second.operation == operation)
    return; // re-acquired: the same hold goes on
  if (i != open_.end()) {
    // Taken over (force) before any observation said so: the old hold ends here.
    auto held = std::chrono::duration<double>(at - i->second.since).count();
    data_.holds[i->second.operation].observe(held < 0 ? 0 : held);
    open_.erase(i);
  }
  open_.emplace(cluster, open_hold{std::string{operation}, std::string{holder}, at});
}

void lock_counters::lock_seen(const std::string& cluster, std::string_view holder,
                              time_point at) {
  std::lock_guard guard{mtx_};
  auto i = open_.find(cluster);
  if (i == open_.end() || i->second.holder == holder)
    return;
  auto held = std::chrono::duration<double>(at - i->second.since).count();
  data_.holds[i->second.operation].observe(held < 0 ? 0 : held);
  open_.erase(i);
}

lock_counters_snapshot lock_counters::snapshot() const {
  std::lock_guard guard{mtx_};
  return data_;
}

} // namespace baorestore::cluster_lock
