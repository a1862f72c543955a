#include "actors/api_gateway/gateway_counters.hpp"

namespace baorestore::gateway {

namespace {

void observe(latency_histogram& h, double seconds) {
  for (std::size_t i = 0; i < latency_bounds_seconds.size(); ++i)
    if (seconds <= latency_bounds_seconds[i])
      ++h.buckets[i];
  h.sum_seconds += seconds;
  ++h.count;
}

} // namespace

void gateway_counters::record_request(http_verb verb, std::string_view resource,
                                      int status_or_0, std::chrono::nanoseconds latency) {
  auto seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard guard{mtx_};
  ++data_.requests[request_key{verb, std::string{resource}, status_or_0}];
  observe(data_.latency[verb_resource{verb, std::string{resource}}], seconds);
}

void gateway_counters::record_retry(http_verb verb, std::string_view resource) {
  std::lock_guard guard{mtx_};
  ++data_.retries[verb_resource{verb, std::string{resource}}];
}

void gateway_counters::record_cache_hit(std::string_view resource) {
  std::lock_guard guard{mtx_};
  ++data_.cache_hits[std::string{resource}];
}

void gateway_counters::set_queue_depth(std::string_view tenant, std::size_t depth) {
  std::lock_guard guard{mtx_};
  if (depth == 0)
    data_.queue_depth.erase(std::string{tenant});
  else
    data_.queue_depth[std::string{tenant}] = depth;
}

bool gateway_counters::record_trouble(trouble_cause cause, std::string message,
                                      std::uint64_t* suppressed) {
  std::lock_guard guard{mtx_};
  ++data_.api_failures[cause];
  return troubles_.record(cause, std::move(message), trouble_tracker::clock::now(), suppressed);
}

void gateway_counters::record_reachable() {
  std::lock_guard guard{mtx_};
  troubles_.clear();
}

std::vector<active_trouble> gateway_counters::troubles() const {
  std::lock_guard guard{mtx_};
  return troubles_.active();
}

void gateway_counters::record_undecodable(std::string_view resource) {
  std::lock_guard guard{mtx_};
  ++data_.undecodable[std::string{resource}];
}

counters_snapshot gateway_counters::snapshot() const {
  std::lock_guard guard{mtx_};
  return data_;
}

} // namespace baorestore::gateway
