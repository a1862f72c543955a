// baorestore_actor_restarts_total{kind}: a supervisor given restart_counters records each
// restart it makes under the child's kind (the first segment of its id); stops, normal exits
// and escalations are not restarts.
#define CAF_SUITE supervisor.metrics
#include "caf/test/dsl.hpp"

#include <memory>
#include <stdexcept>

#include "caf/all.hpp"

#include "actors/supervisor/restart_counters.hpp"
#include "actors/supervisor/supervisor.hpp"

namespace {

using namespace baorestore::supervision;
using namespace std::chrono_literals;

using boom_atom = caf::atom_constant<caf::atom("boom")>;
constexpr boom_atom boom_atom_v{};

// An argument, as CAF 0.17 dereferences an empty argument tuple (UBSan) for spawns without.
caf::behavior crasher(caf::event_based_actor*, int) {
  return {
    [](boom_atom) { throw std::runtime_error("crash on purpose"); },
  };
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<restart_counters> counters = std::make_shared<restart_counters>();
  supervisor_actor sup;

  fixture() {
    restart_policy p;
    p.intensity = 2;
    p.period = 60s;
    p.backoff_base = 1s;
    p.backoff_cap = 1s;
    sup = spawn_supervisor(sys, p, {}, counters);
    sched.run();
  }

  ~fixture() override {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(const std::string& id) {
    self->send(sup, start_child{id, [](caf::local_actor* s) { return s->spawn(crasher, 0); }});
    sched.run();
    self->receive([](caf::actor&) {}, [](caf::error& e) { CAF_FAIL(to_string(e)); });
  }

  /// Crashes the current incarnation of `id`, then lets the backoff pass.
  void crash(const std::string& id) {
    self->send(sup, which_children{});
    sched.run();
    caf::actor target;
    self->receive([&](std::vector<child_info>& xs) {
      for (auto& c : xs)
        if (c.id == id)
          target = c.actor;
    });
    CAF_REQUIRE(target);
    caf::anon_send(target, boom_atom_v);
    sched.run();
    sched.advance_time(1s);
    sched.run();
  }

  std::uint64_t restarts(const std::string& kind) const {
    auto s = counters->snapshot();
    auto i = s.find(kind);
    return i == s.end() ? 0 : i->second;
  }
};

} // namespace

CAF_TEST(the kind of a child is the first segment of its id) {
  CAF_CHECK_EQUAL(child_kind("restore/tenant-a/r1"), "restore");
  CAF_CHECK_EQUAL(child_kind("watcher"), "watcher");
  CAF_CHECK_EQUAL(child_kind(""), "");
}

CAF_TEST_FIXTURE_SCOPE(restart_metrics_tests, fixture)

CAF_TEST(each restart is counted under its kind) {
  start("restore/tenant-a/r1");
  start("restore/tenant-b/r2");
  start("watcher/x");
  CAF_CHECK_EQUAL(restarts("restore"), 0u);
  crash("restore/tenant-a/r1");
  CAF_CHECK_EQUAL(restarts("restore"), 1u);
  crash("restore/tenant-b/r2");
  CAF_CHECK_EQUAL(restarts("restore"), 2u);
  CAF_CHECK_EQUAL(restarts("watcher"), 0u);
  // A third crash within the period exceeds the intensity (2): the supervisor escalates
  // instead of restarting, and nothing more is counted.
  crash("watcher/x");
  CAF_CHECK_EQUAL(restarts("watcher"), 0u);
  CAF_CHECK_EQUAL(counters->snapshot().size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
