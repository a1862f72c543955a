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

// The cases run again over HTTP against the embedded cluster (tests/api_gateway/
// lock_over_http_test.cpp), with a fixture of the same shape.
#include "tests/cluster_lock/lock_client_cases.ipp"
