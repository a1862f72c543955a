#include "metrics/ops_endpoints.hpp"

#include "metrics/exposition.hpp"

namespace baorestore::metrics {

namespace {

net::response text(int status, std::string body,
                   std::string type = "text/plain; charset=utf-8") {
  net::response r;
  r.status = status;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return r;
}

} // namespace

net::response handle_ops(const ops_sources& sources, const net::request& req) {
  auto path = req.target.substr(0, req.target.find('?'));
  if (req.method != "GET" && req.method != "HEAD")
    return text(405, "method not allowed\n");
  if (path == "/healthz")
    return text(200, "ok\n");
  auto restores = sources.restores ? sources.restores->snapshot() : restore::restore_stats_snapshot{};
  auto lead = sources.leadership ? static_cast<leadership>(sources.leadership->load())
                                 : leadership::leader;
  if (path == "/readyz") {
    // First: nothing else can be true while the API server cannot be reached or trusted.
    if (auto troubles = sources.gateway ? sources.gateway->troubles()
                                        : std::vector<gateway::active_trouble>{};
        !troubles.empty()) {
      std::string body;
      for (const auto& t : troubles)
        body += "API server " + std::string{gateway::to_string(t.cause)} + ": " + t.message
                + "\n";
      return text(503, body);
    }
    if (lead == leadership::unknown)
      return text(503, "leadership is not known yet\n");
    if (lead == leadership::follower)
      return text(200, "ok\n");
    return restores.synced ? text(200, "ok\n") : text(503, "the restore watch has not synced\n");
  }
  if (path == "/metrics") {
    auto gw = sources.gateway ? sources.gateway->snapshot() : gateway::counters_snapshot{};
    auto locks = sources.locks ? sources.locks->snapshot() : cluster_lock::lock_counters_snapshot{};
    auto restarts = sources.restarts ? sources.restarts->snapshot() : restart_counts{};
    auto body = exposition(gw, restores, locks, restarts);
    if (sources.leadership)
      body += "# HELP baorestore_leader 1 while this replica leads (leader election)\n"
              "# TYPE baorestore_leader gauge\nbaorestore_leader "
              + std::string{lead == leadership::leader ? "1" : "0"} + "\n";
    return text(200, body, "text/plain; version=0.0.4; charset=utf-8");
  }
  return text(404, "not found\n");
}

net::response handle_health(const ops_sources& sources, const net::request& req) {
  auto path = req.target.substr(0, req.target.find('?'));
  if (path != "/healthz" && path != "/readyz")
    return text(404, "not found\n");
  return handle_ops(sources, req);
}

} // namespace baorestore::metrics
