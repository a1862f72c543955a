// Waiting for a held lock (DESIGN §3): the queue serves Restore before Backup and Upgrade and
// first come first served within; waits end at their deadline; dead waiters are dropped; a
// lock freed or taken outside the process re-evaluates the queue.
#define CAF_SUITE lock_wait
#include "caf/test/dsl.hpp"

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;

namespace {

struct fixture : lock_fixture {
  client holder = make_client();

  fixture() {
    tell(holder, acquire(backup_op, "openbaocluster/backup"));
    settle();
    CAF_REQUIRE(holder.log->granted(0));
  }

  std::string outside_lock(const char* operation, const char* who) {
    return std::string{R"({"status":{"operationLock":{"operation":")"} + operation
           + R"(","holder":")" + who + R"("}}})";
  }

  // What a watch would do after a write outside this process.
  void observe_store() {
    caf::anon_send(registry, cluster_observed{*store->cluster(k1.namespace_, k1.name)});
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_wait_tests, fixture)

CAF_TEST(waiters are served restores first then in arrival order) {
  auto b2 = make_client();
  auto u3 = make_client();
  auto r4 = make_client();
  auto r5 = make_client();
  tell(b2, acquire(backup_op, "b2", 1h));
  tell(u3, acquire(upgrade_op, "u3", 1h));
  tell(r4, acquire(restore_op, "openbaorestore/r4/uid", 1h));
  tell(r5, acquire(restore_op, "openbaorestore/r5/uid", 1h));
  settle();
  CAF_CHECK_EQUAL(query(k1).waiters, 4u);
  auto all = {b2, u3, r4, r5};
  for (auto& c : all)
    CAF_CHECK(c.log->answers.empty());
  // Each release hands the lock to the next in line, and only to it.
  struct step {
    client next;
    cluster_operation op;
    const char* name;
  };
  std::vector<step> order{{r4, restore_op, "openbaorestore/r4/uid"},
                          {r5, restore_op, "openbaorestore/r5/uid"},
                          {b2, backup_op, "b2"},
                          {u3, upgrade_op, "u3"}};
  client current = holder;
  cluster_operation current_op = backup_op;
  std::string current_name = "openbaocluster/backup";
  for (auto& s : order) {
    tell(current, release(current_op, current_name));
    settle();
    CAF_CHECK(s.next.log->granted(0));
    CAF_CHECK_EQUAL(stored_holder(), s.name);
    std::size_t grants = 0;
    for (auto& c : all)
      grants += c.log->granted(0) ? 1 : 0;
    CAF_CHECK_EQUAL(grants, static_cast<std::size_t>(&s - &order[0] + 1));
    current = s.next;
    current_op = s.op;
    current_name = s.name;
  }
  CAF_CHECK_EQUAL(query(k1).waiters, 0u);
}

CAF_TEST(a wait ends busy at its deadline) {
  auto w = make_client();
  tell(w, acquire(restore_op, "openbaorestore/r1/uid", 10s));
  settle();
  pass(9s);
  CAF_CHECK(w.log->answers.empty());
  pass(1s);
  CAF_REQUIRE(w.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(w.log->answers[0]->current->holder, "openbaocluster/backup");
  // Answered once: a release afterwards grants nothing to it.
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK_EQUAL(w.log->answers.size(), 1u);
  CAF_CHECK(!stored_lock());
}

CAF_TEST(a waiter granted before its deadline gets no second answer) {
  auto w = make_client();
  tell(w, acquire(restore_op, "openbaorestore/r1/uid", 10s));
  settle();
  pass(5s);
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(w.log->granted(0));
  pass(10s);
  CAF_CHECK_EQUAL(w.log->answers.size(), 1u);
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r1/uid");
}

CAF_TEST(a waiter that dies is dropped and the next one is granted) {
  auto w1 = make_client();
  auto w2 = make_client();
  tell(w1, acquire(restore_op, "openbaorestore/r1/uid", 1h));
  tell(w2, acquire(backup_op, "b2", 1h));
  settle();
  CAF_CHECK_EQUAL(query(k1).waiters, 2u);
  caf::anon_send_exit(w1.actor, caf::exit_reason::kill);
  settle();
  CAF_CHECK_EQUAL(query(k1).waiters, 1u);
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(w2.log->granted(0));
  CAF_CHECK_EQUAL(stored_holder(), "b2");
}

CAF_TEST(a lock freed outside the process is handed to the first waiter) {
  auto w = make_client();
  tell(w, acquire(upgrade_op, "openbaocluster/upgrade", 1h));
  settle();
  // Someone clears the lock with kubectl; the watch hands the new cluster in.
  CAF_REQUIRE(store->patch_cluster_status(k1.namespace_, k1.name,
                                          R"({"status":{"operationLock":null}})"));
  observe_store();
  CAF_REQUIRE(w.log->granted(0));
  CAF_CHECK_EQUAL(stored_holder(), "openbaocluster/upgrade");
  // The holder it replaced was told.
  CAF_REQUIRE_EQUAL(holder.log->lost.size(), 1u);
  CAF_CHECK(!holder.log->lost[0].now);
}

CAF_TEST(a lock taken outside the process tells the holder and lets a forcing waiter in) {
  // A Restore waits behind another Restore (force cannot take a Restore's lock) ...
  tell(holder, release(backup_op, "openbaocluster/backup"));
  auto r1 = make_client();
  tell(r1, acquire(restore_op, "openbaorestore/r1/uid"));
  settle();
  CAF_REQUIRE(r1.log->granted(0));
  auto r2 = make_client();
  tell(r2, acquire(restore_op, "openbaorestore/r2/uid", 1h, true));
  settle();
  CAF_CHECK(r2.log->answers.empty());
  // ... until someone outside replaces that lock with a Backup, which a Restore may force.
  CAF_REQUIRE(store->patch_cluster_status(k1.namespace_, k1.name,
                                          outside_lock("Backup", "other-operator/backup")));
  observe_store();
  CAF_REQUIRE_EQUAL(r1.log->lost.size(), 1u);
  CAF_CHECK_EQUAL(r1.log->lost[0].now->holder, "other-operator/backup");
  CAF_REQUIRE(r2.log->granted(0));
  CAF_CHECK_EQUAL(r2.log->answers[0]->previous->holder, "other-operator/backup");
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r2/uid");
}

CAF_TEST(an older cluster version handed in is ignored) {
  auto before = *store->cluster(k1.namespace_, k1.name);
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  caf::anon_send(registry, cluster_observed{before}); // a late watch event
  settle();
  CAF_CHECK(!query(k1).lock);
  CAF_CHECK(holder.log->lost.empty());
}

CAF_TEST(waiters are answered even when every grant write fails) {
  auto w1 = make_client();
  auto w2 = make_client();
  tell(w1, acquire(restore_op, "openbaorestore/r1/uid", 1h));
  tell(w2, acquire(backup_op, "b2", 1h));
  settle();
  // The lock is freed outside; from now on every write through the gateway fails.
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::transport, 100);
  CAF_REQUIRE(store->patch_cluster_status(k1.namespace_, k1.name,
                                          R"({"status":{"operationLock":null}})"));
  observe_store();
  for (int i = 0; i < 20; ++i)
    pass(1s);
  CAF_CHECK(w1.log->error_is(0, caf::make_error(lock_errc::gave_up)));
  CAF_CHECK(w2.log->error_is(0, caf::make_error(lock_errc::gave_up)));
  CAF_CHECK_EQUAL(w1.log->answers.size(), 1u);
  CAF_CHECK_EQUAL(w2.log->answers.size(), 1u);
  CAF_CHECK(!stored_lock());
  CAF_CHECK_EQUAL(query(k1).waiters, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
