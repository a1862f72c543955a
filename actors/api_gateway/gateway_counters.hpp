#pragma once
// What the gateway counts, for a later Prometheus export: requests by verb, resource and
// status code; latency histograms by verb and resource; retries; queue depth per tenant;
// gets answered from a watch cache (no request) by resource; failures to reach or trust the
// API server by cause (and which are active, for /readyz); objects that did not decode.
// Thread-safe (the I/O thread records, an exporter snapshots); snapshot() returns plain
// values so the exporter needs no lock of ours.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/api_gateway/api_trouble.hpp"
#include "actors/api_gateway/retry_policy.hpp"

namespace baorestore::gateway {

/// The histogram's upper bounds in seconds (Prometheus' default buckets).
inline constexpr std::array<double, 11> latency_bounds_seconds{
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

/// Requests are counted per verb, resource ("jobs.batch", "secrets") and status (0: no
/// HTTP answer).
struct request_key {
  http_verb verb = http_verb::get;
  std::string resource;
  int code = 0;
  auto operator<=>(const request_key&) const = default;
};

/// Latency and retries are counted per verb and resource.
struct verb_resource {
  http_verb verb = http_verb::get;
  std::string resource;
  auto operator<=>(const verb_resource&) const = default;
};

struct latency_histogram {
  /// Cumulative, as Prometheus exposes them: buckets[i] counts observations
  /// <= latency_bounds_seconds[i]; `count` is the +Inf bucket.
  std::array<std::uint64_t, latency_bounds_seconds.size()> buckets{};
  double sum_seconds = 0;
  std::uint64_t count = 0;
  bool operator==(const latency_histogram&) const = default;
};

struct counters_snapshot {
  std::map<request_key, std::uint64_t> requests;
  std::map<verb_resource, latency_histogram> latency;
  std::map<verb_resource, std::uint64_t> retries;
  std::map<std::string, std::size_t> queue_depth; // tenants with a non-zero depth
  std::map<std::string, std::uint64_t> cache_hits; // by resource
  /// Failures to reach or trust the API server, by cause (api_trouble.hpp).
  std::map<trouble_cause, std::uint64_t> api_failures;
  /// Objects read from the API server that did not decode (skipped), by resource.
  std::map<std::string, std::uint64_t> undecodable;
};

class gateway_counters {
public:
  /// One finished request (its final attempt's status, or 0 for a transport failure).
  void record_request(http_verb verb, std::string_view resource, int status_or_0,
                      std::chrono::nanoseconds latency);

  /// One resend of a request.
  void record_retry(http_verb verb, std::string_view resource);

  /// One get answered from a watch cache (it made no request, so record_request saw none).
  void record_cache_hit(std::string_view resource);

  /// The queue depth of `tenant` now; 0 drops the tenant (its gauge disappears), so
  /// namespaces that come and go do not accumulate.
  void set_queue_depth(std::string_view tenant, std::size_t depth);

  /// A failure to reach or trust the API server: counted, and remembered for /readyz until
  /// record_reachable. Returns whether to log it now (trouble_tracker::record).
  bool record_trouble(trouble_cause cause, std::string message,
                      std::uint64_t* suppressed = nullptr);

  /// An exchange in which the API server answered and trusted us.
  void record_reachable();

  /// The failures to reach or trust the API server since its last good answer.
  std::vector<active_trouble> troubles() const;

  /// An object of `resource` that did not decode and was skipped.
  void record_undecodable(std::string_view resource);

  counters_snapshot snapshot() const;

  /// Requests accepted and not answered yet (queued, in flight, or waiting for a retry),
  /// watches aside. A graceful shutdown waits for it to reach 0 before the gateway stops.
  void set_pending(std::size_t n) {
    pending_.store(n, std::memory_order_relaxed);
  }
  std::size_t pending() const {
    return pending_.load(std::memory_order_relaxed);
  }

private:
  mutable std::mutex mtx_;
  counters_snapshot data_;
  trouble_tracker troubles_;
  std::atomic<std::size_t> pending_{0};
};

} // namespace baorestore::gateway
