#define CAF_SUITE gateway.http_watch
#include "caf/test/unit_test.hpp"

// Watches through the HTTP gateway against the embedded cluster over TLS: the initial list,
// every later change in order, and a relist after 410 Gone that leaves the subscriber with
// the true state.

#include <map>

#include "tests/api_gateway/http_fixture.hpp"

using namespace gateway_http_test;

namespace {

struct fixture {
  explicit fixture(std::size_t watch_window = 10'000)
    : cluster(watch_window), sys(cfg), self(sys) {
    seed(cluster);
    gateway = gw::spawn_http_gateway(sys, cluster.gateway_config());
  }
  ~fixture() { caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown); }

  std::uint64_t watch_restores() {
    auto id = call<std::uint64_t>(self, gateway, gw::watch_atom_v,
                                  gw::watch_request<gw::restore>{"tenant-a", "", self});
    CAF_REQUIRE(id);
    return *id;
  }

  void label(const std::string& name, int value) {
    auto r = cluster.call("PATCH", restores + "/" + name,
                          R"({"metadata":{"labels":{"step":")" + std::to_string(value) + R"("}}})",
                          "application/merge-patch+json");
    CAF_REQUIRE_EQUAL(r.status, 200);
  }

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
