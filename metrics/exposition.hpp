#pragma once
// The operator's /metrics text (Prometheus exposition format 0.0.4), built from snapshots of
// what the gateway and the restore controller count, with prometheus-cpp's metric families
// and text serializer. Pure: no CAF, no sockets.
//
//   baorestore_restores{phase}                              gauge
//   baorestore_restore_duration_seconds{phase}              histogram (finished restores)
//   baorestore_gateway_requests_total{verb,resource,code}   counter (code "0": transport)
//   baorestore_gateway_request_duration_seconds{verb,resource} histogram
//   baorestore_gateway_retries_total{verb,resource}         counter
//   baorestore_gateway_queue_depth{tenant}                  gauge
//   baorestore_gateway_api_failures_total{cause}            counter (connect, tls, timeout,
//                                                           unauthorized, forbidden)
//   baorestore_undecodable_objects_total{resource}          counter (skipped objects)
//   baorestore_ready                                        gauge (1 once the watch synced)
//   baorestore_lock_acquisitions_total{operation,outcome}   counter (granted, busy, forced)
//   baorestore_lock_wait_seconds{operation}                 histogram (time in the queue)
//   baorestore_lock_hold_seconds{operation}                 histogram (granted -> released/lost)
//   baorestore_actor_restarts_total{kind}                   counter (supervisor restarts)

#include <cstdint>
#include <map>
#include <string>

#include "actors/api_gateway/gateway_counters.hpp"
#include "actors/cluster_lock/lock_counters.hpp"
#include "actors/restore_request/restore_stats.hpp"

namespace baorestore::metrics {

/// Actor restarts by kind (supervision::restart_counters::snapshot).
using restart_counts = std::map<std::string, std::uint64_t>;

std::string exposition(const gateway::counters_snapshot& gateway,
                       const restore::restore_stats_snapshot& restores,
                       const cluster_lock::lock_counters_snapshot& locks = {},
                       const restart_counts& restarts = {});

} // namespace baorestore::metrics
