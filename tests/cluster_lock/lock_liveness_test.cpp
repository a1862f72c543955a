// Requesters that die (DESIGN §3, issue 16 finding 2): a waiter or an operation in flight
// whose requester has died is dropped before it is served, and a grant written for a
// requester that died meanwhile is released at once. A release still frees the lock after
// its requester died. Without this, two operators leaked locks to restores that no longer
// existed, and every later restore of the cluster waited forever.
#define CAF_SUITE lock_liveness
#include "caf/test/dsl.hpp"

#include <algorithm>

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;

namespace {

const std::string r1 = "openbaorestore/r1/uid-r1";

struct fixture : lock_fixture {
  client holder = make_client();

  fixture() {
    tell(holder, acquire(backup_op, "openbaocluster/backup"));
    settle();
    CAF_REQUIRE(holder.log->granted(0));
    store->clear_calls();
  }

  /// Whether `h` has a message waiting (its job is in the coordinator's queue).
  template <class Handle>
  bool scheduled(const Handle& h) {
    auto job = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(h));
    return std::find(sched.jobs.begin(), sched.jobs.end(), job) != sched.jobs.end();
  }

  /// Kills `c` now, ahead of everything else queued: its down message reaches the lock
  /// actor before any answer the gateway has yet to give.
  void kill_now(const client& c) {
    caf::anon_send_exit(c.actor, caf::exit_reason::kill);
    CAF_REQUIRE(sched.prioritize(c.actor));
    sched.run_once();
  }

  std::size_t lock_writes() const {
    return calls_of(gateway::verb::patch_status);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_liveness_tests, fixture)

CAF_TEST(a grant written for a waiter that died meanwhile is released at once) {
  auto w = make_client();
  auto next = make_client();
  tell(w, acquire(restore_op, r1, 1h));
  settle();
  tell(holder, release(backup_op, "openbaocluster/backup"));
  // The release is written; then the grant for the waiter is on its way to the API server.
  run_until([&] { return lock_writes() == 1; });
  run_until([&] { return scheduled(gw); });
  CAF_REQUIRE_EQUAL(lock_writes(), 1u);
  kill_now(w);
  settle();
  // Written (the write was already sent), then released with the version written as
  // precondition: the dead restore does not keep the cluster locked.
  CAF_CHECK_EQUAL(lock_writes(), 3u);
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 3u);
  CAF_CHECK(!calls[2].precondition.empty());
  CAF_CHECK(!stored_lock());
  CAF_CHECK_EQUAL(query(k1).waiters, 0u);
  // The next one gets it at once.
  tell(next, acquire(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(next.log->granted(0));
}

CAF_TEST(an acquire whose requester died while it was queued is never served) {
  // The release's write fails once: the release waits for its retry, and the acquire behind
  // it waits in the queue.
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::transport, 1);
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(holder.log->answers.size() == 1u); // only the acquire's answer so far
  auto c = make_client();
  tell(c, acquire(restore_op, r1));
  settle();
  CAF_CHECK(c.log->answers.empty());
  caf::anon_send_exit(c.actor, caf::exit_reason::kill);
  settle();
  pass(1s); // the release is retried, and nothing after it
  CAF_CHECK(holder.log->outcome_is(1, lock_outcome::released));
  CAF_CHECK(!stored_lock());
  CAF_CHECK_EQUAL(lock_writes(), 2u); // the failed release and its retry; no grant
}

CAF_TEST(a waiter whose grant write failed is not granted after its requester died) {
  auto w = make_client();
  tell(w, acquire(restore_op, r1, 1h));
  settle();
  // The lock is freed outside; the grant's first write fails, and while it waits for its
  // retry the waiter's requester dies.
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::transport, 1);
  CAF_REQUIRE(store->patch_cluster_status(k1.namespace_, k1.name,
                                          R"({"status":{"operationLock":null}})"));
  caf::anon_send(registry, cluster_observed{*store->cluster(k1.namespace_, k1.name)});
  settle();
  CAF_REQUIRE_EQUAL(lock_writes(), 1u);
  CAF_CHECK(w.log->answers.empty());
  caf::anon_send_exit(w.actor, caf::exit_reason::kill);
  settle();
  pass(1s);
  // The failed write might have landed: the cluster is read, and found free it stays free.
  CAF_CHECK(!stored_lock());
  CAF_CHECK_EQUAL(lock_writes(), 1u);
  CAF_CHECK_EQUAL(query(k1).waiters, 0u);
}

CAF_TEST(a release still frees the lock after its requester died) {
  store->fail_next(gateway::verb::patch_status, gateway::api_errc::transport, 1);
  tell(holder, release(backup_op, "openbaocluster/backup"));
  settle();
  caf::anon_send_exit(holder.actor, caf::exit_reason::kill);
  settle();
  pass(1s);
  CAF_CHECK(!stored_lock());
  CAF_CHECK_EQUAL(lock_writes(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
