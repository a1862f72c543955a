#define CAF_SUITE metrics.ops
#include "caf/test/unit_test.hpp"

// /metrics, /healthz and /readyz as functions of the counters and the restore watch:
// readiness follows the watch, phases and durations are counted once per restore, the
// gateway's counters appear with their labels.

#include "actors/api_gateway/gateway_counters.hpp"
#include "actors/restore_request/restore_stats.hpp"
#include "metrics/ops_endpoints.hpp"

using namespace baorestore;

namespace {

net::response get(const metrics::ops_sources& s, std::string target) {
  net::request r;
  r.method = "GET";
  r.target = std::move(target);
  return metrics::handle_ops(s, r);
}

model::openbao_restore make_restore(std::string name, model::restore_phase phase, int seconds = 0) {
  model::openbao_restore r;
  r.metadata.namespace_ = "tenant-a";
  r.metadata.name = name;
  r.metadata.uid = "uid-" + name;
  r.status.phase = phase;
  if (seconds > 0) {
    auto start = *model::parse_rfc3339("2026-11-25T10:00:00Z");
    r.status.start_time = start;
    r.status.completion_time = start + std::chrono::seconds{seconds};
  }
  return r;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct fixture {
  metrics::ops_sources sources{std::make_shared<gateway::gateway_counters>(),
                               std::make_shared<restore::restore_stats>(), nullptr,
                               std::make_shared<cluster_lock::lock_counters>(),
                               std::make_shared<supervision::restart_counters>()};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ops_tests, fixture)

CAF_TEST(health is always ok and readiness waits for the restore watch) {
  auto h = get(sources, "/healthz");
  CAF_CHECK_EQUAL(h.status, 200);
  auto before = get(sources, "/readyz");
  CAF_CHECK_EQUAL(before.status, 503);
  sources.restores->resync({});
  auto after = get(sources, "/readyz");
  CAF_CHECK_EQUAL(after.status, 200);
  auto other = get(sources, "/nope");
  CAF_CHECK_EQUAL(other.status, 404);
}

CAF_TEST(restores are counted by phase and finished ones timed once) {
  auto& s = *sources.restores;
  s.resync({make_restore("a", model::restore_phase::running), make_restore("b", model::restore_phase::pending)});
  s.observe(make_restore("a", model::restore_phase::completed, 45));
  s.observe(make_restore("a", model::restore_phase::completed, 45)); // the same again: once
  s.observe(make_restore("c", model::restore_phase::failed, 5));
  auto text = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(text, R"(baorestore_restores{phase="Completed"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_restores{phase="Pending"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_restores{phase="Running"} 0)"));
  CAF_CHECK(has_line(text, R"(baorestore_restore_duration_seconds_count{phase="Completed"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_restore_duration_seconds_bucket{phase="Completed",le="30"} 0)"));
  CAF_CHECK(has_line(text, R"(baorestore_restore_duration_seconds_bucket{phase="Completed",le="60"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_restore_duration_seconds_sum{phase="Failed"} 5)"));
  s.forget("tenant-a", "b");
  auto later = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(later, R"(baorestore_restores{phase="Pending"} 0)"));
}

CAF_TEST(gateway counters appear with their labels) {
  auto& g = *sources.gateway;
  g.record_request(gateway::http_verb::get, "jobs", 200, std::chrono::milliseconds{20});
  g.record_request(gateway::http_verb::patch, "openbaoclusters", 409, std::chrono::milliseconds{3});
  g.record_retry(gateway::http_verb::get, "jobs");
  g.set_queue_depth("tenant-a", 4);
  g.record_cache_hit("openbaoclusters");
  g.record_cache_hit("openbaoclusters");
  auto m = get(sources, "/metrics");
  CAF_CHECK(m.content_type.find("version=0.0.4") != std::string::npos);
  auto text = "\n" + m.body;
  CAF_CHECK(has_line(text, R"(baorestore_gateway_requests_total{code="200",resource="jobs",verb="get"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_gateway_requests_total{code="409",resource="openbaoclusters",verb="patch"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_gateway_retries_total{resource="jobs",verb="get"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_gateway_queue_depth{tenant="tenant-a"} 4)"));
  CAF_CHECK(has_line(text, R"(baorestore_gateway_cache_hits_total{resource="openbaoclusters"} 2)"));
  CAF_CHECK(has_line(text, R"(baorestore_gateway_request_duration_seconds_bucket{resource="jobs",verb="get",le="0.025"} 1)"));
}

CAF_TEST(lock and restart counters appear with their labels) {
  using namespace std::chrono_literals;
  auto& l = *sources.locks;
  l.record_acquire("Restore", cluster_lock::acquire_outcome::granted);
  l.record_acquire("Restore", cluster_lock::acquire_outcome::forced);
  l.record_acquire("Backup", cluster_lock::acquire_outcome::busy);
  l.record_wait("Restore", 3s);
  cluster_lock::lock_counters::time_point t0{};
  l.hold_started("tenant-a/vault", "Restore", "openbaorestore/r1/uid", t0);
  l.lock_seen("tenant-a/vault", "", t0 + 45s);
  sources.restarts->record_restart("restore/tenant-a/r1");
  auto text = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(text, R"(baorestore_lock_acquisitions_total{operation="Restore",outcome="granted"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_acquisitions_total{operation="Restore",outcome="forced"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_acquisitions_total{operation="Backup",outcome="busy"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_wait_seconds_bucket{operation="Restore",le="5"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_wait_seconds_count{operation="Restore"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_hold_seconds_bucket{operation="Restore",le="30"} 0)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_hold_seconds_bucket{operation="Restore",le="60"} 1)"));
  CAF_CHECK(has_line(text, R"(baorestore_lock_hold_seconds_sum{operation="Restore"} 45)"));
  CAF_CHECK(has_line(text, R"(baorestore_actor_restarts_total{kind="restore"} 1)"));
}

CAF_TEST(the restarts series exists before the first restart) {
  auto text = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(text, R"(baorestore_actor_restarts_total{kind="restore"} 0)"));
  CAF_CHECK(has_line(text, "# TYPE baorestore_lock_wait_seconds histogram"));
}

CAF_TEST(the health address serves the probes and nothing else) {
  auto get_health = [this](std::string target) {
    net::request r;
    r.method = "GET";
    r.target = std::move(target);
    return metrics::handle_health(sources, r);
  };
  auto h = get_health("/healthz");
  CAF_CHECK_EQUAL(h.status, 200);
  auto before = get_health("/readyz");
  CAF_CHECK_EQUAL(before.status, 503);
  sources.restores->resync({});
  auto after = get_health("/readyz?verbose");
  CAF_CHECK_EQUAL(after.status, 200);
  auto m = get_health("/metrics");
  CAF_CHECK_EQUAL(m.status, 404);
}

CAF_TEST(an API server that cannot be reached or trusted is named by readyz and counted) {
  sources.restores->resync({});
  CAF_CHECK_EQUAL(get(sources, "/readyz").status, 200);
  sources.gateway->record_trouble(gateway::trouble_cause::tls,
                                  "tls: certificate verify failed (self-signed certificate)");
  sources.gateway->record_trouble(gateway::trouble_cause::tls, "tls: again");
  auto r = get(sources, "/readyz");
  CAF_CHECK_EQUAL(r.status, 503);
  CAF_CHECK_EQUAL(r.body, "API server tls: tls: again\n");
  auto m = get(sources, "/metrics").body;
  CAF_CHECK(has_line(m, R"(baorestore_gateway_api_failures_total{cause="tls"} 2)"));
  // An answer from the server that trusts us: ready again; the count stays.
  sources.gateway->record_reachable();
  CAF_CHECK_EQUAL(get(sources, "/readyz").status, 200);
  sources.gateway->record_undecodable("openbaorestores");
  m = get(sources, "/metrics").body;
  CAF_CHECK(has_line(m, R"(baorestore_gateway_api_failures_total{cause="tls"} 2)"));
  CAF_CHECK(has_line(m, R"(baorestore_undecodable_objects_total{resource="openbaorestores"} 1)"));
  // Followers too: a replica that cannot reach the API server is not ready.
  sources.leadership = std::make_shared<std::atomic<int>>(0);
  sources.gateway->record_trouble(gateway::trouble_cause::unauthorized, "HTTP 401: Unauthorized");
  CAF_CHECK_EQUAL(get(sources, "/readyz").status, 503);
}

CAF_TEST(with leader election readiness needs leadership known and a leader synced) {
  sources.leadership = std::make_shared<std::atomic<int>>(-1);
  auto unknown = get(sources, "/readyz");
  CAF_CHECK_EQUAL(unknown.status, 503);
  sources.leadership->store(0); // a follower waits, healthy
  auto follower = get(sources, "/readyz");
  CAF_CHECK_EQUAL(follower.status, 200);
  auto text = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(text, "baorestore_leader 0"));
  sources.leadership->store(1); // a leader is ready once its watch synced
  auto leader = get(sources, "/readyz");
  CAF_CHECK_EQUAL(leader.status, 503);
  sources.restores->resync({});
  auto synced = get(sources, "/readyz");
  CAF_CHECK_EQUAL(synced.status, 200);
  text = "\n" + get(sources, "/metrics").body;
  CAF_CHECK(has_line(text, "baorestore_leader 1"));
}

CAF_TEST_FIXTURE_SCOPE_END()
