#pragma once
// The operator's own HTTP endpoints on net::http_server: /metrics (exposition.hpp),
// /healthz (the process serves), /readyz (the API server is reached and trusts us, naming
// the cause when not; the restore watch has synced; with leader election: leadership is
// known, and a leader's watch has synced). Plain values in
// and out (net/http_message.hpp): tested without sockets.

#include <atomic>
#include <functional>
#include <memory>

#include "actors/api_gateway/gateway_counters.hpp"
#include "actors/cluster_lock/lock_counters.hpp"
#include "actors/restore_request/restore_stats.hpp"
#include "actors/supervisor/restart_counters.hpp"
#include "net/http_message.hpp"

namespace baorestore::metrics {

/// Leadership as /readyz and /metrics see it, when leader election is on.
enum class leadership : int { unknown = -1, follower = 0, leader = 1 };

struct ops_sources {
  std::shared_ptr<gateway::gateway_counters> gateway;
  std::shared_ptr<restore::restore_stats> restores;
  /// Null without leader election. A follower is ready (it waits, healthy); a leader once
  /// the restore watch has synced; nobody before leadership is known.
  std::shared_ptr<std::atomic<int>> leadership;
  /// Lock acquisitions, waits and holds; optional.
  std::shared_ptr<cluster_lock::lock_counters> locks;
  /// Actor restarts by kind; optional.
  std::shared_ptr<supervision::restart_counters> restarts;
};

net::response handle_ops(const ops_sources& sources, const net::request& req);

/// /healthz and /readyz alone (healthAddress: probes apart from the metrics scrape); 404
/// for anything else.
net::response handle_health(const ops_sources& sources, const net::request& req);

} // namespace baorestore::metrics
