// The lock actors' counters for /metrics (lock_counters.hpp): acquisitions by operation and
// outcome (granted, busy, forced), the time waiters spent in the queue, and how long a lock
// granted here was held, on the deterministic coordinator with simulated time.
#define CAF_SUITE lock_metrics
#include "caf/test/dsl.hpp"

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;

namespace {

lock_config counted_config() {
  auto cfg = test_config();
  cfg.counters = std::make_shared<lock_counters>();
  return cfg;
}

struct fixture : lock_fixture {
  fixture() : lock_fixture(counted_config()) {
  }

  lock_counters_snapshot counts() const {
    return config.counters->snapshot();
  }

  std::uint64_t acquisitions(const char* operation, const char* outcome) const {
    auto s = counts();
    auto i = s.acquisitions.find({operation, outcome});
    return i == s.acquisitions.end() ? 0 : i->second;
  }

  seconds_histogram waits(const char* operation) const {
    auto s = counts();
    return s.waits[operation];
  }

  seconds_histogram holds(const char* operation) const {
    auto s = counts();
    return s.holds[operation];
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_metrics_tests, fixture)

CAF_TEST(a wait then a grant count the wait and the hold of the lock before) {
  auto backup = make_client();
  auto restore = make_client();
  tell(backup, acquire(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK_EQUAL(acquisitions("Backup", "granted"), 1u);
  tell(restore, acquire(restore_op, "openbaorestore/r1/uid", 1h));
  settle();
  CAF_CHECK_EQUAL(acquisitions("Restore", "granted"), 0u);
  CAF_CHECK_EQUAL(waits("Restore").count, 0u); // still waiting
  pass(10s);
  tell(backup, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(restore.log->granted(0));
  CAF_CHECK_EQUAL(acquisitions("Restore", "granted"), 1u);
  auto w = waits("Restore");
  CAF_CHECK_EQUAL(w.count, 1u);
  CAF_CHECK_EQUAL(w.sum_seconds, 10.0);
  CAF_CHECK_EQUAL(w.buckets[4], 0u); // <= 5 s
  CAF_CHECK_EQUAL(w.buckets[5], 1u); // <= 10 s
  auto b = holds("Backup");
  CAF_CHECK_EQUAL(b.count, 1u);
  CAF_CHECK_EQUAL(b.sum_seconds, 10.0);
  // The restore's hold runs until its release; a re-acquire by the holder does not restart it.
  pass(3s);
  tell(restore, acquire(restore_op, "openbaorestore/r1/uid"));
  settle();
  CAF_CHECK_EQUAL(acquisitions("Restore", "granted"), 2u);
  pass(2s);
  CAF_CHECK_EQUAL(holds("Restore").count, 0u);
  tell(restore, release(restore_op, "openbaorestore/r1/uid"));
  settle();
  auto r = holds("Restore");
  CAF_CHECK_EQUAL(r.count, 1u);
  CAF_CHECK_EQUAL(r.sum_seconds, 5.0);
}

CAF_TEST(busy answers count at once or at the end of the wait) {
  auto backup = make_client();
  auto upgrade = make_client();
  tell(backup, acquire(backup_op, "openbaocluster/backup"));
  settle();
  tell(upgrade, acquire(upgrade_op, "openbaocluster/upgrade"));
  settle();
  CAF_REQUIRE(upgrade.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(acquisitions("Upgrade", "busy"), 1u);
  CAF_CHECK_EQUAL(waits("Upgrade").count, 0u); // answered at once: no wait
  tell(upgrade, acquire(upgrade_op, "openbaocluster/upgrade", 2s));
  settle();
  pass(2s);
  CAF_REQUIRE(upgrade.log->outcome_is(1, lock_outcome::busy));
  CAF_CHECK_EQUAL(acquisitions("Upgrade", "busy"), 2u);
  auto w = waits("Upgrade");
  CAF_CHECK_EQUAL(w.count, 1u);
  CAF_CHECK_EQUAL(w.sum_seconds, 2.0);
}

CAF_TEST(a forced takeover counts as forced and ends the hold it took) {
  auto backup = make_client();
  auto restore = make_client();
  tell(backup, acquire(backup_op, "openbaocluster/backup"));
  settle();
  pass(7s);
  tell(restore, acquire(restore_op, "openbaorestore/r1/uid", caf::timespan{0}, true));
  settle();
  CAF_REQUIRE(restore.log->granted(0));
  CAF_CHECK_EQUAL(acquisitions("Restore", "forced"), 1u);
  CAF_CHECK_EQUAL(acquisitions("Restore", "granted"), 0u);
  auto b = holds("Backup");
  CAF_CHECK_EQUAL(b.count, 1u);
  CAF_CHECK_EQUAL(b.sum_seconds, 7.0);
}

CAF_TEST(a lock cleared outside the process ends its hold) {
  auto backup = make_client();
  tell(backup, acquire(backup_op, "openbaocluster/backup"));
  settle();
  pass(4s);
  auto c = *store->cluster(k1.namespace_, k1.name);
  c.status.lock.reset();
  c.metadata.resource_version = "999999";
  caf::anon_send(registry, cluster_observed{c});
  settle();
  auto b = holds("Backup");
  CAF_CHECK_EQUAL(b.count, 1u);
  CAF_CHECK_EQUAL(b.sum_seconds, 4.0);
}

CAF_TEST_FIXTURE_SCOPE_END()
