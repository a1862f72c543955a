#pragma once
// The operator's own HTTP endpoints on net::http_server: /metrics (exposition.hpp),
// /healthz (the process serves), /readyz (the restore watch has synced). Plain values in
// and out (net/http_message.hpp): tested without sockets.

#include <functional>
#include <memory>

#include "actors/api_gateway/gateway_counters.hpp"
#include "actors/restore_request/restore_stats.hpp"
#include "net/http_message.hpp"

namespace baorestore::metrics {

struct ops_sources {
  std::shared_ptr<gateway::gateway_counters> gateway;
  std::shared_ptr<restore::restore_stats> restores;
};

net::response handle_ops(const ops_sources& sources, const net::request& req);

} // namespace baorestore::metrics
