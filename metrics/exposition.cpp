#include "metrics/exposition.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace baorestore::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

template <class Buckets, class Bounds>
ClientMetric histogram(std::vector<ClientMetric::Label> labels, const Buckets& cumulative,
                       const Bounds& bounds, std::uint64_t count, double sum) {
  ClientMetric m;
  m.label = std::move(labels);
  for (std::size_t i = 0; i < bounds.size(); ++i)
    m.histogram.bucket.push_back({cumulative[i], bounds[i]});
  // The serializer adds the +Inf bucket from sample_count.
  m.histogram.sample_count = count;
  m.histogram.sample_sum = sum;
  return m;
}

void restore_families(std::vector<MetricFamily>& out, const restore::restore_stats_snapshot& s) {
  auto phases = family("baorestore_restores", "OpenBaoRestores seen, by phase", MetricType::Gauge);
  for (const char* p : {"Pending", "Validating", "Running", "Completed", "Failed"}) {
    ClientMetric m;
    m.label = {{"phase", p}};
    auto i = s.by_phase.find(p);
    m.gauge.value = i == s.by_phase.end() ? 0 : static_cast<double>(i->second);
    phases.metric.push_back(m);
  }
  out.push_back(std::move(phases));
  auto durations = family("baorestore_restore_duration_seconds",
                          "Time from start to completion of finished restores",
                          MetricType::Histogram);
  for (const auto& [phase, h] : s.durations)
    durations.metric.push_back(histogram({{"phase", phase}}, h.buckets,
                                         restore::restore_duration_bounds, h.count,
                                         h.sum_seconds));
  out.push_back(std::move(durations));
  auto ready = family("baorestore_ready", "1 once the restore watch has synced", MetricType::Gauge);
  ClientMetric r;
  r.gauge.value = s.synced ? 1 : 0;
  ready.metric.push_back(r);
  out.push_back(std::move(ready));
}

void gateway_families(std::vector<MetricFamily>& out, const gateway::counters_snapshot& s) {
  auto requests = family("baorestore_gateway_requests_total",
                         "API requests by verb, resource and HTTP code (0: transport failure)",
                         MetricType::Counter);
  for (const auto& [k, n] : s.requests) {
    ClientMetric m;
    m.label = {{"code", std::to_string(k.code)},
               {"resource", k.resource},
               {"verb", gateway::to_string(k.verb)}};
    m.counter.value = static_cast<double>(n);
    requests.metric.push_back(m);
  }
  out.push_back(std::move(requests));
  auto latency = family("baorestore_gateway_request_duration_seconds",
                        "API request latency by verb and resource", MetricType::Histogram);
  for (const auto& [k, h] : s.latency)
    latency.metric.push_back(histogram({{"resource", k.resource}, {"verb", gateway::to_string(k.verb)}},
                                       h.buckets, gateway::latency_bounds_seconds, h.count,
                                       h.sum_seconds));
  out.push_back(std::move(latency));
  auto retries = family("baorestore_gateway_retries_total", "API request retries",
                        MetricType::Counter);
  for (const auto& [k, n] : s.retries) {
    ClientMetric m;
    m.label = {{"resource", k.resource}, {"verb", gateway::to_string(k.verb)}};
    m.counter.value = static_cast<double>(n);
    retries.metric.push_back(m);
  }
  out.push_back(std::move(retries));
  auto depth = family("baorestore_gateway_queue_depth", "Requests queued, by tenant (namespace)",
                      MetricType::Gauge);
  for (const auto& [tenant, n] : s.queue_depth) {
    ClientMetric m;
    m.label = {{"tenant", tenant}};
    m.gauge.value = static_cast<double>(n);
    depth.metric.push_back(m);
  }
  out.push_back(std::move(depth));
  auto hits = family("baorestore_gateway_cache_hits_total",
                     "Gets answered from a watch cache, by resource (no API request)",
                     MetricType::Counter);
  for (const auto& [resource, n] : s.cache_hits) {
    ClientMetric m;
    m.label = {{"resource", resource}};
    m.counter.value = static_cast<double>(n);
    hits.metric.push_back(m);
  }
  out.push_back(std::move(hits));
  auto failures = family("baorestore_gateway_api_failures_total",
                         "Failures to reach or trust the API server, by cause",
                         MetricType::Counter);
  for (const auto& [cause, n] : s.api_failures) {
    ClientMetric m;
    m.label = {{"cause", std::string{gateway::to_string(cause)}}};
    m.counter.value = static_cast<double>(n);
    failures.metric.push_back(m);
  }
  out.push_back(std::move(failures));
  auto undecodable = family("baorestore_undecodable_objects_total",
                            "Objects read from the API server that did not decode (skipped), "
                            "by resource",
                            MetricType::Counter);
  for (const auto& [resource, n] : s.undecodable) {
    ClientMetric m;
    m.label = {{"resource", resource}};
    m.counter.value = static_cast<double>(n);
    undecodable.metric.push_back(m);
  }
  out.push_back(std::move(undecodable));
}

void lock_families(std::vector<MetricFamily>& out, const cluster_lock::lock_counters_snapshot& s) {
  auto acquisitions = family("baorestore_lock_acquisitions_total",
                             "Lock acquisitions answered, by operation and outcome "
                             "(granted, busy, forced)",
                             MetricType::Counter);
  for (const auto& [k, n] : s.acquisitions) {
    ClientMetric m;
    m.label = {{"operation", k.first}, {"outcome", k.second}};
    m.counter.value = static_cast<double>(n);
    acquisitions.metric.push_back(m);
  }
  out.push_back(std::move(acquisitions));
  auto waits = family("baorestore_lock_wait_seconds",
                      "Time lock acquisitions waited in the cluster's queue, by operation",
                      MetricType::Histogram);
  for (const auto& [op, h] : s.waits)
    waits.metric.push_back(histogram({{"operation", op}}, h.buckets,
                                     cluster_lock::lock_seconds_bounds, h.count, h.sum_seconds));
  out.push_back(std::move(waits));
  auto holds = family("baorestore_lock_hold_seconds",
                      "Time locks granted by this operator were held (granted to released or "
                      "lost), by operation",
                      MetricType::Histogram);
  for (const auto& [op, h] : s.holds)
    holds.metric.push_back(histogram({{"operation", op}}, h.buckets,
                                     cluster_lock::lock_seconds_bounds, h.count, h.sum_seconds));
  out.push_back(std::move(holds));
}

void restart_family(std::vector<MetricFamily>& out, restart_counts restarts) {
  auto f = family("baorestore_actor_restarts_total",
                  "Actors restarted by their supervisor after a crash, by kind",
                  MetricType::Counter);
  restarts.try_emplace("restore", 0); // the series exists before the first restart
  for (const auto& [kind, n] : restarts) {
    ClientMetric m;
    m.label = {{"kind", kind}};
    m.counter.value = static_cast<double>(n);
    f.metric.push_back(m);
  }
  out.push_back(std::move(f));
}

} // namespace

std::string exposition(const gateway::counters_snapshot& gateway,
                       const restore::restore_stats_snapshot& restores,
                       const cluster_lock::lock_counters_snapshot& locks,
                       const restart_counts& restarts) {
  std::vector<MetricFamily> families;
  restore_families(families, restores);
  gateway_families(families, gateway);
  lock_families(families, locks);
  restart_family(families, restarts);
  return prometheus::TextSerializer{}.Serialize(families);
}

} // namespace baorestore::metrics
