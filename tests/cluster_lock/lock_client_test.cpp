// The blocking in-process lock client. Its calls block on a scoped actor until an answer
// arrives, which CAF's deterministic test coordinator cannot deliver while the test thread is
// blocked, so this suite runs a real actor system (threads) with bounded waits.
#define CAF_SUITE lock_client
#include "caf/test/unit_test.hpp"

#include <memory>
#include <stdexcept>
#include <thread>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/lock_client.hpp"
#include "actors/cluster_lock/lock_registry.hpp"

using namespace baorestore;
using namespace baorestore::cluster_lock;
using namespace std::chrono_literals;
using model::cluster_operation;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  lock_registry_actor registry;
  std::unique_ptr<lock_client> locks;
  const cluster_key k1{"tenant-a", "vault"};

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    model::openbao_cluster c;
    c.metadata.namespace_ = k1.namespace_;
    c.metadata.name = k1.name;
    store->put(c);
    lock_config lc;
    lc.gateway = sys->spawn(gateway::memory_gateway, store);
    lc.idle_timeout = 1s;
    registry = spawn_lock_registry(*sys, lc);
    // A bounded slack: a hang in the lock protocol fails the test instead of the ctest run.
    locks = std::make_unique<lock_client>(*sys, registry, 10s);
  }

  ~fixture() {
    locks.reset();
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    registry = nullptr;
    sys.reset();
  }

  std::string stored_holder() const {
    auto c = store->cluster(k1.namespace_, k1.name);
    return c && c->status.lock ? c->status.lock->holder : std::string{};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_client_tests, fixture)

CAF_TEST(with_lock holds the lock while fn runs and releases it after) {
  std::string seen;
  std::int64_t fence = 0;
  auto r = locks->with_lock(k1, cluster_operation::backup, "openbaocluster/backup",
                            [&](const lock_reply& granted) {
                              seen = stored_holder();
                              fence = granted.fence;
                            });
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::granted);
  CAF_CHECK_EQUAL(seen, "openbaocluster/backup");
  CAF_CHECK_EQUAL(fence, 1);
  CAF_CHECK_EQUAL(stored_holder(), "");
}

CAF_TEST(with_lock releases when fn throws) {
  bool thrown = false;
  try {
    locks->with_lock(k1, cluster_operation::upgrade, "openbaocluster/upgrade",
                     [] { throw std::runtime_error("upgrade failed"); });
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
  CAF_CHECK_EQUAL(stored_holder(), "");
  auto s = locks->query(k1);
  CAF_REQUIRE(s);
  CAF_CHECK(!s->lock);
}

CAF_TEST(with_lock does not run fn when the lock stays busy) {
  auto held = locks->acquire(k1, cluster_operation::restore, "openbaorestore/r1/uid");
  CAF_REQUIRE(held && held->outcome == lock_outcome::granted);
  bool ran = false;
  auto r = locks->with_lock(
    k1, cluster_operation::backup, "openbaocluster/backup", [&] { ran = true; }, 200ms);
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::busy);
  CAF_CHECK(!ran);
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r1/uid");
  auto rel = locks->release(k1, cluster_operation::restore, "openbaorestore/r1/uid");
  CAF_REQUIRE(rel);
  CAF_CHECK(rel->outcome == lock_outcome::released);
}

CAF_TEST(a waiting with_lock runs once the holder releases) {
  auto held = locks->acquire(k1, cluster_operation::backup, "openbaocluster/backup");
  CAF_REQUIRE(held && held->outcome == lock_outcome::granted);
  std::thread releaser{[&] {
    std::this_thread::sleep_for(100ms);
    static_cast<void>(
      locks->release(k1, cluster_operation::backup, "openbaocluster/backup"));
  }};
  bool ran = false;
  auto r = locks->with_lock(
    k1, cluster_operation::upgrade, "openbaocluster/upgrade", [&] { ran = true; }, 10s);
  releaser.join();
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::granted);
  CAF_CHECK(ran);
  CAF_CHECK_EQUAL(stored_holder(), "");
}

CAF_TEST(errors come back as values) {
  auto r = locks->acquire({"tenant-a", "missing"}, cluster_operation::backup, "b");
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == lock_errc::cluster_not_found);
}

CAF_TEST_FIXTURE_SCOPE_END()
