#include "actors/restore_request/restore_stats.hpp"

namespace baorestore::restore {

namespace {

void record(restore_stats_snapshot::histogram& h, double seconds) {
  for (std::size_t i = 0; i < restore_duration_bounds.size(); ++i)
    if (seconds <= restore_duration_bounds[i])
      ++h.buckets[i];
  ++h.count;
  h.sum_seconds += seconds;
}

} // namespace

void restore_stats::observe(const model::openbao_restore& r) {
  std::lock_guard guard{mtx_};
  observe_locked(r);
}

void restore_stats::observe_locked(const model::openbao_restore& r) {
  phases_[r.metadata.namespace_ + "/" + r.metadata.name] = r.status.phase;
  auto phase = r.status.phase;
  bool finished = phase == model::restore_phase::completed || phase == model::restore_phase::failed;
  if (!finished || !r.status.start_time || !r.status.completion_time)
    return;
  // Once per restore (by uid): the watch delivers later versions, a restart the same again.
  if (!timed_.insert(r.metadata.uid).second)
    return;
  auto seconds = std::chrono::duration<double>(*r.status.completion_time - *r.status.start_time);
  record(phase == model::restore_phase::completed ? completed_ : failed_, seconds.count());
}

void restore_stats::forget(const std::string& ns, const std::string& name) {
  std::lock_guard guard{mtx_};
  phases_.erase(ns + "/" + name);
}

void restore_stats::resync(const std::vector<model::openbao_restore>& all) {
  std::lock_guard guard{mtx_};
  phases_.clear();
  for (const auto& r : all)
    observe_locked(r);
  synced_ = true;
}

restore_stats_snapshot restore_stats::snapshot() const {
  std::lock_guard guard{mtx_};
  restore_stats_snapshot s;
  for (const auto& [key, phase] : phases_)
    ++s.by_phase[std::string{model::to_string(phase)}];
  s.durations["Completed"] = completed_;
  s.durations["Failed"] = failed_;
  s.synced = synced_;
  return s;
}

} // namespace baorestore::restore
