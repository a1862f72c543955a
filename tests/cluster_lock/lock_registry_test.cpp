// The lock registry (DESIGN §3): one lock actor per cluster, spawned on demand, stopped when
// idle without ever running two for one cluster, and state that survives the stop (the lock
// is read back from the API server; the fence is kept by the registry).
#define CAF_SUITE lock_registry
#include "caf/test/dsl.hpp"

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;

namespace {

struct fixture : lock_fixture {
  const cluster_key k2{"tenant-a", "vault-2"};
  const cluster_key k3{"tenant-b", "vault"};

  fixture() {
    seed(k2);
    seed(k3);
    settle();
  }

  acquire_request acquire_on(const cluster_key& k, std::string holder,
                             caf::timespan wait = caf::timespan{0}) const {
    return {k, backup_op, std::move(holder), "", false, wait};
  }

  release_request release_on(const cluster_key& k, std::string holder) const {
    return {k, backup_op, std::move(holder)};
  }

  /// Actors alive in the system apart from lock actors (clients, gateway, registry, ...).
  std::size_t running() {
    return sys.registry().running();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_registry_tests, fixture)

CAF_TEST(one lock actor per cluster however many requests arrive at once) {
  std::vector<client> clients;
  for (int i = 0; i < 40; ++i)
    clients.push_back(make_client());
  for (int i = 0; i < 40; ++i) {
    auto& k = i % 2 == 0 ? k1 : k2;
    tell(clients[i], acquire_on(k, "holder-" + std::to_string(i), 1h));
  }
  settle();
  auto s = stats();
  CAF_CHECK_EQUAL(s.lock_actors, 2u);
  CAF_CHECK_EQUAL(s.spawned, 2u);
  // Exactly one grant per cluster, everyone else waits; releasing in turn serves all.
  for (int round = 0; round < 20; ++round) {
    for (const cluster_key* k : {&k1, &k2}) {
      std::size_t grants = 0;
      int holder = -1;
      for (int i = 0; i < 40; ++i) {
        auto& log = *clients[i].log;
        bool on_k = (i % 2 == 0) == (k == &k1);
        if (on_k && log.granted(0) && log.answers.size() == 1) {
          ++grants;
          holder = i;
        }
      }
      CAF_REQUIRE_EQUAL(grants, 1u);
      CAF_CHECK_EQUAL(stored_holder(*k), "holder-" + std::to_string(holder));
      tell(clients[holder], release_on(*k, "holder-" + std::to_string(holder)));
    }
    settle();
  }
  s = stats();
  CAF_CHECK_EQUAL(s.spawned, 2u);
  CAF_CHECK(!stored_lock(k1));
  CAF_CHECK(!stored_lock(k2));
}

CAF_TEST(idle lock actors stop and come back with the same state) {
  auto a = make_client();
  tell(a, acquire_on(k1, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(a.log->granted(0));
  // A live in-process holder keeps its lock actor: it must hear about a loss.
  pass(5min);
  CAF_CHECK_EQUAL(stats().lock_actors, 1u);
  // The holder's actor dies (its service restarts); the lock stays on the cluster.
  caf::anon_send_exit(a.actor, caf::exit_reason::kill);
  settle();
  pass(59s);
  CAF_CHECK_EQUAL(stats().lock_actors, 1u);
  pass(1s);
  auto s = stats();
  CAF_CHECK_EQUAL(s.lock_actors, 0u);
  CAF_CHECK_EQUAL(s.stopped_idle, 1u);
  // A fresh lock actor reads the lock back: busy for others, granted again (no write) for
  // the restarted holder.
  store->clear_calls();
  auto b = make_client();
  tell(b, acquire_on(k1, "openbaocluster/other"));
  settle();
  CAF_REQUIRE(b.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(b.log->answers[0]->current->holder, "openbaocluster/backup");
  auto a2 = make_client();
  tell(a2, acquire_on(k1, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(a2.log->granted(0));
  CAF_CHECK_EQUAL(a2.log->answers[0]->fence, 1);
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(calls[0].verb == gateway::verb::get);
  CAF_CHECK_EQUAL(stats().spawned, 2u);
}

CAF_TEST(the fence survives an idle stop even after the lock was released) {
  auto a = make_client();
  tell(a, acquire_on(k1, "h1"));
  tell(a, release_on(k1, "h1"));
  tell(a, acquire_on(k1, "h2"));
  tell(a, release_on(k1, "h2"));
  settle();
  CAF_CHECK_EQUAL(a.log->answers[2]->fence, 2);
  CAF_REQUIRE(!stored_lock(k1)); // the released lock took its fence with it
  pass(61s);
  CAF_REQUIRE_EQUAL(stats().stopped_idle, 1u);
  tell(a, acquire_on(k1, "h3"));
  settle();
  CAF_REQUIRE(a.log->granted(4));
  CAF_CHECK_EQUAL(a.log->answers[4]->fence, 3);
  CAF_CHECK_EQUAL(stats().spawned, 2u);
}

CAF_TEST(a request racing with an idle stop waits for the old actor to be gone) {
  auto a = make_client();
  tell(a, acquire_on(k1, "h1"));
  tell(a, release_on(k1, "h1"));
  settle();
  auto base = running() - 1; // everything but the one lock actor
  // The idle timer fires: the lock actor reports to the registry ...
  sched.advance_time(60s);
  CAF_REQUIRE(sched.try_run_once()); // lock actor: idle report
  // ... and a request for the cluster arrives while the registry stops it.
  tell(a, acquire_on(k1, "h2"));
  while (sched.try_run_once())
    CAF_CHECK_LESS_OR_EQUAL(running(), base + 1);
  CAF_REQUIRE(a.log->granted(2));
  CAF_CHECK_EQUAL(a.log->answers[2]->fence, 2);
  auto s = stats();
  CAF_CHECK_EQUAL(s.stopped_idle, 1u);
  CAF_CHECK_EQUAL(s.spawned, 2u);
  CAF_CHECK_EQUAL(s.lock_actors, 1u);
}

CAF_TEST(a report that crosses a routed request is ignored) {
  auto a = make_client();
  tell(a, acquire_on(k1, "h1"));
  tell(a, release_on(k1, "h1"));
  settle();
  // A request is on its way to the registry when the idle timer fires: the registry routes
  // it before it reads the report, which does not count it, so the actor must stay.
  tell(a, acquire_on(k1, "h2"));
  sched.advance_time(60s);
  settle();
  CAF_REQUIRE(a.log->granted(2));
  auto s = stats();
  CAF_CHECK_EQUAL(s.stopped_idle, 0u);
  CAF_CHECK_EQUAL(s.spawned, 1u);
  CAF_CHECK_EQUAL(s.lock_actors, 1u);
}

CAF_TEST(a crashed lock actor answers what it owed and a fresh one takes over) {
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::transport, 1);
  auto a = make_client();
  tell(a, acquire_on(k1, "h1"));
  settle(); // the write failed; the retry waits for its backoff
  auto lock_actor = ask<caf::actor>(detail::lookup_atom_v, k1);
  CAF_REQUIRE(lock_actor && *lock_actor);
  caf::anon_send_exit(*lock_actor, caf::exit_reason::kill);
  settle();
  CAF_CHECK(a.log->error_is(0, caf::make_error(caf::sec::request_receiver_down)));
  CAF_CHECK_EQUAL(stats().lock_actors, 0u);
  tell(a, acquire_on(k1, "h1"));
  settle();
  CAF_CHECK(a.log->granted(1));
  CAF_CHECK_EQUAL(stats().spawned, 2u);
}

CAF_TEST(a crashed lock actor with a holder is replaced at once and still tells of a loss) {
  auto b = make_client();
  tell(b, acquire_on(k1, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(b.log->granted(0));
  auto lock_actor = ask<caf::actor>(detail::lookup_atom_v, k1);
  CAF_REQUIRE(lock_actor && *lock_actor);
  caf::anon_send_exit(*lock_actor, caf::exit_reason::kill);
  settle();
  auto s = stats();
  CAF_CHECK_EQUAL(s.lock_actors, 1u);
  CAF_CHECK_EQUAL(s.spawned, 2u);
  // A forced takeover through the replacement: the backup service hears of it, and the fence
  // goes on from where the crashed actor left it.
  auto r = make_client();
  tell(r, acquire_request{k1, restore_op, "openbaorestore/r1/uid", "", true, caf::timespan{0}});
  settle();
  CAF_REQUIRE(r.log->granted(0));
  CAF_CHECK_EQUAL(r.log->answers[0]->fence, 2);
  CAF_REQUIRE_EQUAL(b.log->lost.size(), 1u);
  CAF_CHECK_EQUAL(b.log->lost[0].now->holder, "openbaorestore/r1/uid");
}

CAF_TEST(watch events reach only running lock actors) {
  caf::anon_send(registry, cluster_observed{*store->cluster(k3.namespace_, k3.name)});
  settle();
  CAF_CHECK_EQUAL(stats().spawned, 0u);
}

CAF_TEST(the registry stops its lock actors when it goes) {
  auto a = make_client();
  tell(a, acquire_on(k1, "h1"));
  tell(a, acquire_on(k2, "h1"));
  settle();
  auto before = running();
  caf::anon_send_exit(registry, caf::exit_reason::kill);
  settle();
  CAF_CHECK_EQUAL(running(), before - 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
