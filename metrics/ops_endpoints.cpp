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
  if (path == "/readyz")
    return restores.synced ? text(200, "ok\n") : text(503, "the restore watch has not synced\n");
  if (path == "/metrics") {
    auto gw = sources.gateway ? sources.gateway->snapshot() : gateway::counters_snapshot{};
    return text(200, exposition(gw, restores), "text/plain; version=0.0.4; charset=utf-8");
  }
  return text(404, "not found\n");
}

} // namespace baorestore::metrics
