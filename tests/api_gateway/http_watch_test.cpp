#define CAF_SUITE gateway.http_watch
#include "caf/test/unit_test.hpp"

// Watches through the HTTP gateway against the embedded cluster over TLS: the initial list,
// every later change in order, and a relist after 410 Gone that leaves the subscriber with
// the true state; and the watch cache that answers cached gets without a request.

#include <map>

#include "model/codec.hpp"
#include "tests/api_gateway/http_fixture.hpp"

using namespace gateway_http_test;

namespace {

struct fixture {
  explicit fixture(std::size_t watch_window = 10'000)
    : cluster(watch_window), sys(cfg), self(sys) {
    seed(cluster);
    auto config = cluster.gateway_config();
    config.counters = counters;
    gateway = gw::spawn_http_gateway(sys, config);
  }
  ~fixture() { caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown); }

  std::uint64_t watch_restores() {
    auto id = call<std::uint64_t>(self, gateway, gw::watch_atom_v,
                                  gw::watch_request<gw::restore>{"tenant-a", "", self});
    CAF_REQUIRE(id);
    return *id;
  }

  std::uint64_t watch_clusters(const std::string& namespace_ = "tenant-a",
                               const std::string& label_selector = "") {
    auto id = call<std::uint64_t>(self, gateway, gw::watch_atom_v,
                                  gw::watch_request<gw::cluster>{namespace_, label_selector, self});
    CAF_REQUIRE(id);
    return *id;
  }

  caf::expected<gw::cluster> get_cluster(const std::string& name, bool cached) {
    return call<gw::cluster>(
      self, gateway, caf::get_atom_v,
      gw::get_request<gw::cluster>{{"tenant-a", name}, gw::priority::normal, cached});
  }

  /// The GETs of one object of `resource` the API server has answered (lists and watches
  /// are other verbs).
  std::uint64_t server_gets(const std::string& resource = "openbaoclusters") {
    auto counts = cluster.api->requests();
    auto i = counts.find({"get", resource});
    return i == counts.end() ? 0 : i->second;
  }

  std::uint64_t cache_hits(const std::string& resource = "openbaoclusters") {
    auto s = counters->snapshot();
    auto i = s.cache_hits.find(resource);
    return i == s.cache_hits.end() ? 0 : i->second;
  }

  void label(const std::string& name, int value) {
    auto r = cluster.call("PATCH", restores + "/" + name,
                          R"({"metadata":{"labels":{"step":")" + std::to_string(value) + R"("}}})",
                          "application/merge-patch+json");
    CAF_REQUIRE_EQUAL(r.status, 200);
  }

  std::shared_ptr<gw::gateway_counters> counters = std::make_shared<gw::gateway_counters>();
  tls_cluster cluster;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  gw::api_gateway_actor gateway;
};

struct small_window : fixture {
  small_window() : fixture(16) {
    // nop
  }
};

/// The step label of each restore, as a subscriber following the watch sees it.
struct view {
  std::map<std::string, std::string> steps;
  int synced = 0;
  std::vector<std::int64_t> versions; // of every event, in arrival order

  void apply(const gw::restore& r) {
    auto i = r.metadata.labels.find("step");
    steps[r.metadata.name] = i == r.metadata.labels.end() ? "" : i->second;
  }
};

/// Receives until `done(v)` holds, or fails after 20 s without progress.
template <class Done>
void follow(caf::scoped_actor& self, view& v, Done done) {
  bool stalled = false;
  while (!done(v) && !stalled) {
    self->receive(
      [&](gw::watch_synced<gw::restore>& s) {
        ++v.synced;
        v.steps.clear();
        for (auto& r : s.items)
          v.apply(r);
      },
      [&](gw::watch_event<gw::restore>& e) {
        v.versions.push_back(std::stoll(e.object.metadata.resource_version));
        if (e.type == gw::watch_event_type::deleted)
          v.steps.erase(e.object.metadata.name);
        else
          v.apply(e.object);
      },
      caf::after(20s) >> [&] { stalled = true; });
  }
  CAF_REQUIRE(!stalled);
}

/// The resourceVersion of each cluster, as a subscriber of a cluster watch sees it.
struct cluster_view {
  std::map<std::string, std::string> versions;
  int synced = 0;

  bool has(const std::string& name, const std::string& version = "") const {
    auto i = versions.find(name);
    return i != versions.end() && (version.empty() || i->second == version);
  }
};

/// Receives cluster watch messages until `done(v)` holds, or fails after 20 s without
/// progress.
template <class Done>
void follow_clusters(caf::scoped_actor& self, cluster_view& v, Done done) {
  bool stalled = false;
  while (!done(v) && !stalled) {
    self->receive(
      [&](gw::watch_synced<gw::cluster>& s) {
        ++v.synced;
        v.versions.clear();
        for (auto& c : s.items)
          v.versions[c.metadata.name] = c.metadata.resource_version;
      },
      [&](gw::watch_event<gw::cluster>& e) {
        if (e.type == gw::watch_event_type::deleted)
          v.versions.erase(e.object.metadata.name);
        else
          v.versions[e.object.metadata.name] = e.object.metadata.resource_version;
      },
      caf::after(20s) >> [&] { stalled = true; });
  }
  CAF_REQUIRE(!stalled);
}

/// The resourceVersion of the object in an API server reply.
std::string version_of(const net::response& r) {
  auto d = model::decode_openbao_cluster(r.body);
  CAF_REQUIRE(d);
  return d.value->metadata.resource_version;
}

std::string cluster_json(const std::string& name) {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
         R"("metadata":{"name":")"
         + name + R"(","namespace":"tenant-a"},"spec":{"version":"2.4.0","replicas":1}})";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_http_watch_tests, fixture)

CAF_TEST(the subscriber gets the list then every change in order) {
  watch_restores();
  view v;
  follow(self, v, [](const view& x) { return x.synced == 1; });
  CAF_CHECK_EQUAL(v.steps.size(), 1u);
  constexpr int changes = 500;
  for (int i = 1; i <= changes; ++i)
    label("restore-1", i);
  follow(self, v, [](const view& x) { return x.versions.size() == changes; });
  for (std::size_t i = 1; i < v.versions.size(); ++i)
    CAF_CHECK_LESS(v.versions[i - 1], v.versions[i]);
  CAF_CHECK_EQUAL(v.steps["restore-1"], std::to_string(changes));
  CAF_CHECK_EQUAL(v.synced, 1);
}

CAF_TEST(added and deleted objects reach the subscriber) {
  watch_restores();
  view v;
  follow(self, v, [](const view& x) { return x.synced == 1; });
  cluster.call("POST", restores, restore_json("restore-2"));
  follow(self, v, [](const view& x) { return x.steps.count("restore-2") == 1; });
  cluster.call("DELETE", restores + "/restore-2");
  follow(self, v, [](const view& x) { return x.steps.count("restore-2") == 0; });
  CAF_CHECK_EQUAL(v.steps.size(), 1u);
}

CAF_TEST(unwatch ends the stream and nothing more arrives) {
  auto id = watch_restores();
  view v;
  follow(self, v, [](const view& x) { return x.synced == 1; });
  self->send(gateway, gw::unwatch_atom_v, id);
  // A round trip through the gateway: the unwatch is processed before what follows.
  call<gw::restore>(self, gateway, caf::get_atom_v,
                    gw::get_request<gw::restore>{{"tenant-a", "restore-1"}});
  label("restore-1", 1);
  bool more = false;
  self->receive([&](gw::watch_event<gw::restore>&) { more = true; },
                caf::after(500ms) >> [] {});
  CAF_CHECK(!more);
}

CAF_TEST(a cached get is answered by a synced watch without a request) {
  // No watch yet: a cached get is a live get.
  auto before = server_gets();
  auto live = get_cluster("vault", true);
  CAF_REQUIRE(live);
  CAF_CHECK_EQUAL(server_gets(), before + 1);
  watch_clusters();
  cluster_view v;
  follow_clusters(self, v, [](const cluster_view& x) { return x.synced == 1; });
  auto gets = server_gets();
  auto hit = get_cluster("vault", true);
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->metadata.name, "vault");
  CAF_CHECK_EQUAL(hit->metadata.resource_version, v.versions["vault"]);
  CAF_CHECK_EQUAL(server_gets(), gets);
  CAF_CHECK_EQUAL(cache_hits(), 1u);
  // Another writer patches the status: once the watch told its subscriber, the cache has it
  // (the gateway updates the cache before it tells the subscriber).
  auto patched = cluster.call("PATCH", clusters + "/vault/status",
                              R"({"status":{"phase":"Running"}})", "application/merge-patch+json");
  CAF_REQUIRE_EQUAL(patched.status, 200);
  auto version = version_of(patched);
  CAF_REQUIRE_NOT_EQUAL(version, hit->metadata.resource_version);
  follow_clusters(self, v, [&](const cluster_view& x) { return x.has("vault", version); });
  auto fresh = get_cluster("vault", true);
  CAF_REQUIRE(fresh);
  CAF_CHECK_EQUAL(fresh->metadata.resource_version, version);
  CAF_CHECK_EQUAL(fresh->status.phase, "Running");
  CAF_CHECK_EQUAL(server_gets(), gets);
  CAF_CHECK_EQUAL(cache_hits(), 2u);
  // A get that does not ask for the cache goes to the server.
  auto direct = get_cluster("vault", false);
  CAF_REQUIRE(direct);
  CAF_CHECK_EQUAL(direct->metadata.resource_version, version);
  CAF_CHECK_EQUAL(server_gets(), gets + 1);
  // An object the cache does not hold: a live get, with the server's answer.
  auto missing = get_cluster("nope", true);
  CAF_REQUIRE(!missing);
  CAF_CHECK(missing.error() == gw::api_errc::not_found);
  CAF_CHECK_EQUAL(server_gets(), gets + 2);
  CAF_CHECK_EQUAL(cache_hits(), 2u);
}

CAF_TEST(a watch of all namespaces caches added objects and forgets deleted ones) {
  watch_clusters("");
  cluster_view v;
  follow_clusters(self, v, [](const cluster_view& x) { return x.synced == 1; });
  auto created = cluster.call("POST", clusters, cluster_json("vault-2"));
  CAF_REQUIRE_EQUAL(created.status, 201);
  auto version = version_of(created);
  follow_clusters(self, v, [&](const cluster_view& x) { return x.has("vault-2", version); });
  auto gets = server_gets();
  auto hit = get_cluster("vault-2", true);
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->metadata.resource_version, version);
  CAF_CHECK_EQUAL(server_gets(), gets);
  cluster.call("DELETE", clusters + "/vault-2");
  follow_clusters(self, v, [](const cluster_view& x) { return !x.has("vault-2"); });
  auto gone = get_cluster("vault-2", true);
  CAF_REQUIRE(!gone);
  CAF_CHECK(gone.error() == gw::api_errc::not_found);
  CAF_CHECK_EQUAL(server_gets(), gets + 1);
  CAF_CHECK_EQUAL(cache_hits(), 1u);
}

CAF_TEST(only a watch of the same kind without a label selector answers cached gets) {
  // A synced watch of restores answers for restores, not for clusters.
  watch_restores();
  view restores_seen;
  follow(self, restores_seen, [](const view& x) { return x.synced == 1; });
  auto restore_gets = server_gets("openbaorestores");
  auto r = call<gw::restore>(self, gateway, caf::get_atom_v,
                             gw::get_request<gw::restore>{{"tenant-a", "restore-1"},
                                                          gw::priority::normal, true});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(server_gets("openbaorestores"), restore_gets);
  CAF_CHECK_EQUAL(cache_hits("openbaorestores"), 1u);
  auto gets = server_gets();
  CAF_REQUIRE(get_cluster("vault", true));
  CAF_CHECK_EQUAL(server_gets(), gets + 1);
  // A watch with a label selector holds `vault` but cannot answer for what it filters out,
  // so it keeps no cache.
  auto labelled = cluster.call("PATCH", clusters + "/vault",
                               R"({"metadata":{"labels":{"tier":"db"}}})",
                               "application/merge-patch+json");
  CAF_REQUIRE_EQUAL(labelled.status, 200);
  watch_clusters("tenant-a", "tier=db");
  cluster_view v;
  follow_clusters(self, v, [](const cluster_view& x) { return x.synced == 1; });
  CAF_REQUIRE(v.has("vault"));
  CAF_REQUIRE(get_cluster("vault", true));
  CAF_CHECK_EQUAL(server_gets(), gets + 2);
  CAF_CHECK_EQUAL(cache_hits(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(gateway_http_watch_gone_tests, small_window)

CAF_TEST(a watch that falls behind gets 410 and relists to the true state) {
  watch_restores();
  view v;
  follow(self, v, [](const view& x) { return x.synced == 1; });
  // Far more changes than the server's 16-event window between two of its polls: the
  // stream ends with 410 Gone and the gateway lists again.
  constexpr int changes = 2000;
  for (int i = 1; i <= changes; ++i)
    label("restore-1", i);
  follow(self, v, [](const view& x) {
    auto i = x.steps.find("restore-1");
    return x.synced >= 2 && i != x.steps.end() && i->second == std::to_string(changes);
  });
  CAF_CHECK_GREATER_OR_EQUAL(v.synced, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()

// Issue 16 finding 5: an object that does not decode (a wrong type a schema-less server let
// through) is skipped with a count and reported to the subscriber by name, in the list and
// in the stream; it never stops the watch (today the list failed for good, and a stream
// event reconnected from the same resourceVersion for ever).
CAF_TEST_FIXTURE_SCOPE(gateway_http_undecodable_tests, fixture)

CAF_TEST(an undecodable restore is skipped by name and the watch goes on) {
  auto bad_json = [](const std::string& name) {
    auto j = restore_json(name);
    j.replace(j.find(R"("spec":{)"), 8, R"("spec":{"force":"yes",)");
    return j;
  };
  auto created = cluster.call("POST", restores, bad_json("bad-1"));
  CAF_REQUIRE_EQUAL(created.status, 201);
  watch_restores();
  view v;
  std::vector<gw::watch_undecodable<gw::restore>> skipped;
  auto follow_all = [&](auto done) {
    bool stalled = false;
    while (!done() && !stalled)
      self->receive(
        [&](gw::watch_synced<gw::restore>& s) {
          ++v.synced;
          v.steps.clear();
          for (auto& r : s.items)
            v.apply(r);
        },
        [&](gw::watch_event<gw::restore>& e) { v.apply(e.object); },
        [&](gw::watch_undecodable<gw::restore>& u) { skipped.push_back(std::move(u)); },
        caf::after(10s) >> [&] { stalled = true; });
    CAF_REQUIRE(!stalled);
  };
  follow_all([&] { return v.synced == 1 && skipped.size() == 1; });
  CAF_CHECK_EQUAL(v.steps.size(), 1u); // restore-1 only
  CAF_CHECK_EQUAL(skipped[0].object.metadata.name, "bad-1");
  CAF_CHECK(skipped[0].type == gw::watch_event_type::added);
  CAF_REQUIRE_EQUAL(skipped[0].object.errors.size(), 1u);
  CAF_CHECK_EQUAL(skipped[0].object.errors[0].path, "spec.force");
  // One in the stream, then a good one: the good one arrives.
  cluster.call("POST", restores, bad_json("bad-2"));
  cluster.call("POST", restores, restore_json("restore-2"));
  follow_all([&] { return v.steps.count("restore-2") == 1 && skipped.size() == 2; });
  CAF_CHECK_EQUAL(skipped[1].object.metadata.name, "bad-2");
  CAF_CHECK(!skipped[1].object.metadata.resource_version.empty());
  CAF_CHECK_EQUAL(v.synced, 1); // never relisted
  auto s = counters->snapshot();
  CAF_CHECK_EQUAL(s.undecodable["openbaorestores"], 2u);
  // A cached get of it is no stale answer: it goes to the server, which sends what does
  // not decode.
  auto got = call<gw::restore>(
    self, gateway, caf::get_atom_v,
    gw::get_request<gw::restore>{{"tenant-a", "bad-2"}, gw::priority::normal, true});
  CAF_CHECK(!got && got.error() == gw::api_errc::bad_response);
}

CAF_TEST_FIXTURE_SCOPE_END()
