#define CAF_SUITE restore.over_http
#include "caf/test/unit_test.hpp"

// The restore workflow end to end on the real path (issue 6): the embedded cluster served
// over TLS in this process with its Job runner playing the Job controller, the HTTP gateway,
// the lock registry and the restore controller, in a real CAF actor system. Restores are
// created, and the lock and restores deleted, through the API server as kubectl would; what
// the API server then holds is polled with bounded loops. The same scenarios run on the
// deterministic coordinator in restore_actor_test.cpp.
//
// RESTORE_LOG=1 prints what each restore actor does to stderr.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "actors/cluster_lock/lock_client.hpp"
#include "actors/cluster_lock/lock_registry.hpp"
#include "actors/restore_request/restore_controller.hpp"
#include "model/codec.hpp"
#include "tests/api_gateway/http_fixture.hpp"

using namespace gateway_http_test;
using namespace baorestore;
using model::restore_phase;

namespace {

const std::string jobs_path = "/apis/batch/v1/namespaces/tenant-a/jobs";
const std::string finished_message = "restore workflow finished: the cluster may need unsealing";
const std::string waiting_message = "waiting for lock held by Backup openbaocluster/backup";

/// Polls `f` every 50 ms until it holds or `limit` has passed; whether it held.
template <class F>
bool eventually(F&& f, std::chrono::milliseconds limit = 20s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return f();
}

std::string restore_manifest(const std::string& name) {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",)"
         R"("metadata":{"name":")"
         + name
         + R"(","namespace":"tenant-a"},)"
           R"("spec":{"cluster":"vault","source":{"target":{"bucket":"openbao-backups"},)"
           R"("key":"clusters/vault/snap-)"
         + name + R"("},"tokenSecretRef":{"name":"restore-token"}}})";
}

struct fixture {
  tls_cluster cluster;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  gw::api_gateway_actor gateway;
  cluster_lock::lock_registry_actor registry;
  caf::actor controller;
  const cluster_lock::cluster_key vault{"tenant-a", "vault"};

  fixture() {
    seed();
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    gateway = gw::spawn_http_gateway(*sys, cluster.gateway_config());
    cluster_lock::lock_config lc;
    lc.gateway = gateway;
    registry = cluster_lock::spawn_lock_registry(*sys, lc);
    restore::controller_config cc;
    cc.namespaces = {"tenant-a"};
    cc.restores.gateway = gateway;
    cc.restores.locks = registry;
    cc.restores.job_polls.initial = 200ms;
    cc.restores.job_polls.ceiling = 500ms;
    cc.restores.decisions.lock_wait = 2s;
    if (std::getenv("RESTORE_LOG"))
      cc.restores.log = [](const restore::log_entry& e) {
        std::fprintf(stderr, "%s/%s: %s\n", e.namespace_.c_str(), e.name.c_str(), e.msg.c_str());
      };
    controller = restore::spawn_restore_controller(*sys, cc);
  }

  ~fixture() {
    caf::anon_send_exit(controller, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    controller = nullptr;
    registry = nullptr;
    gateway = nullptr;
    sys.reset();
  }

  /// tenant-a, cluster vault (initialized, as the OpenBao operator records it) and the
  /// token Secret the restores name.
  void seed() {
    auto ns = cluster.call("POST", "/api/v1/namespaces",
                           R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
    CAF_REQUIRE_EQUAL(ns.status, 201);
    auto c = cluster.call("POST", clusters,
                          R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
                          R"("metadata":{"name":"vault","namespace":"tenant-a"},)"
                          R"("spec":{"version":"2.4.0","replicas":3}})");
    CAF_REQUIRE_EQUAL(c.status, 201);
    // Create ignores status: the status subresource is where it is written.
    auto s = cluster.call("PATCH", clusters + "/vault/status", R"({"status":{"initialized":true}})",
                          "application/merge-patch+json");
    CAF_REQUIRE_EQUAL(s.status, 200);
    auto t = cluster.call("POST", "/api/v1/namespaces/tenant-a/secrets",
                          R"({"apiVersion":"v1","kind":"Secret",)"
                          R"("metadata":{"name":"restore-token","namespace":"tenant-a"},)"
                          R"("stringData":{"token":"s.dev-placeholder"}})");
    CAF_REQUIRE_EQUAL(t.status, 201);
  }

  void create_restore(const std::string& name) {
    auto r = cluster.call("POST", restores, restore_manifest(name));
    CAF_REQUIRE_EQUAL(r.status, 201);
  }

  /// The restore as the API server has it; nullopt when it is gone.
  std::optional<model::openbao_restore> restore_now(const std::string& name) {
    auto r = cluster.call("GET", restores + "/" + name);
    if (r.status == 404)
      return std::nullopt;
    auto d = model::decode_openbao_restore(r.body);
    CAF_REQUIRE(d);
    return d.value;
  }

  restore_phase phase(const std::string& name) {
    auto r = restore_now(name);
    return r ? r->status.phase : restore_phase::unset;
  }

  std::string message(const std::string& name) {
    auto r = restore_now(name);
    return r ? r->status.message : std::string{};
  }

  std::optional<model::operation_lock> lock_now() {
    auto d = model::decode_openbao_cluster(cluster.call("GET", clusters + "/vault").body);
    CAF_REQUIRE(d);
    return d.value->status.lock;
  }

  std::optional<model::job> job(const std::string& name) {
    auto r = cluster.call("GET", jobs_path + "/" + name);
    if (r.status == 404)
      return std::nullopt;
    auto d = model::decode_job(r.body);
    CAF_REQUIRE(d);
    return d.value;
  }

  /// The items of a list, as JSON objects.
  boost::json::array list(const std::string& path) {
    auto r = cluster.call("GET", path);
    CAF_REQUIRE_EQUAL(r.status, 200);
    auto v = boost::json::parse(r.body);
    return v.as_object().at("items").as_array();
  }

  std::size_t jobs_named(const std::string& name) {
    std::size_t n = 0;
    for (const auto& item : list(jobs_path))
      n += item.at("metadata").at("name").as_string() == name ? 1 : 0;
    return n;
  }

  std::size_t events_about(const std::string& name) {
    std::size_t n = 0;
    for (const auto& item : list("/api/v1/namespaces/tenant-a/events")) {
      auto e = model::decode_event(boost::json::serialize(item));
      n += e && e.value->involved_object.name == name ? 1 : 0;
    }
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(restore_http_tests, fixture)

CAF_TEST(a restore created through the API completes and releases the lock) {
  cluster.run_jobs(1s);
  create_restore("r1");
  CAF_REQUIRE(eventually([&] { return phase("r1") == restore_phase::completed; }));
  CAF_CHECK(eventually([&] { return !lock_now().has_value(); }));
  auto r = restore_now("r1");
  CAF_REQUIRE(r);
  CAF_CHECK(r->status.start_time.has_value());
  CAF_CHECK(r->status.completion_time.has_value());
  auto msg = r->status.message;
  CAF_CHECK_EQUAL(msg, finished_message);
  // Exactly one Job, ours: labelled and owned by the restore.
  auto count = jobs_named("restore-r1");
  CAF_CHECK_EQUAL(count, 1u);
  auto j = job("restore-r1");
  CAF_REQUIRE(j);
  auto component = j->metadata.labels["openbao.org/component"];
  CAF_CHECK_EQUAL(component, "restore");
  bool owned = false;
  for (const auto& o : j->metadata.owner_references)
    owned = owned
            || (o.kind == "OpenBaoRestore" && o.name == "r1" && o.uid == r->metadata.uid
                && o.controller);
  CAF_CHECK(owned);
  auto sa = cluster.call("GET", "/api/v1/namespaces/tenant-a/serviceaccounts/"
                                "vault-restore-serviceaccount");
  CAF_CHECK_EQUAL(sa.status, 200);
  CAF_CHECK(eventually([&] { return events_about("r1") > 0; }, 5s));
}

CAF_TEST(a backup holding the lock delays the restore until it releases) {
  cluster.run_jobs(1s);
  cluster_lock::lock_client backup{*sys, registry, 10s};
  auto held = backup.acquire(vault, model::cluster_operation::backup, "openbaocluster/backup");
  CAF_REQUIRE(held);
  CAF_REQUIRE(held->outcome == cluster_lock::lock_outcome::granted);
  create_restore("r2");
  CAF_REQUIRE(eventually([&] { return message("r2") == waiting_message; }));
  // It keeps waiting (and creates no Job) for as long as the backup holds the lock.
  auto until = std::chrono::steady_clock::now() + 2s;
  bool waited = true;
  while (waited && std::chrono::steady_clock::now() < until) {
    auto r = restore_now("r2");
    waited = r && r->status.phase == restore_phase::validating
             && r->status.message == waiting_message && !job("restore-r2");
    std::this_thread::sleep_for(50ms);
  }
  CAF_CHECK(waited);
  auto holder = lock_now() ? lock_now()->holder : std::string{};
  CAF_CHECK_EQUAL(holder, "openbaocluster/backup");
  auto released = backup.release(vault, model::cluster_operation::backup, "openbaocluster/backup");
  CAF_REQUIRE(released);
  CAF_CHECK(released->outcome == cluster_lock::lock_outcome::released);
  CAF_CHECK(eventually([&] { return phase("r2") == restore_phase::completed; }));
  CAF_CHECK(eventually([&] { return !lock_now().has_value(); }));
  auto count = jobs_named("restore-r2");
  CAF_CHECK_EQUAL(count, 1u);
  auto msg = message("r2");
  CAF_CHECK_EQUAL(msg, finished_message);
}

CAF_TEST(a restore deleted while running removes its Job then the lock then itself) {
  cluster.run_jobs(60s); // the Job would run far longer than this test
  create_restore("r3");
  CAF_REQUIRE(eventually([&] { return phase("r3") == restore_phase::running; }));
  CAF_REQUIRE(job("restore-r3"));
  auto holder = lock_now() ? lock_now()->holder : std::string{};
  CAF_CHECK(holder.rfind("openbaorestore/r3/", 0) == 0);
  auto del = cluster.call("DELETE", restores + "/r3");
  CAF_REQUIRE(del.status == 200 || del.status == 202);
  // The finalizer goes last: once the restore is gone, so are its Job and the lock.
  CAF_REQUIRE(eventually([&] { return !restore_now("r3"); }));
  CAF_CHECK(!job("restore-r3"));
  CAF_CHECK(!lock_now().has_value());
}

CAF_TEST_FIXTURE_SCOPE_END()
