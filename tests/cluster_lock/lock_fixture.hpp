#pragma once
// Shared fixture of the lock actor suites: a lock registry over the in-memory gateway on CAF's
// deterministic test coordinator, and client actors that record what they are told.
//
// Include after "caf/test/dsl.hpp" (which needs CAF_SUITE first).
//
// Time: the fixture's run() fires every pending timer (it calls trigger_timeout until none is
// left), which would end every wait and idle period at once. These tests move messages with
// settle() (sched.run(): messages only, no time passes) and time with pass(d).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/lock_registry.hpp"

namespace lock_test {

using namespace baorestore;
using namespace baorestore::cluster_lock;
using model::cluster_operation;
using namespace std::chrono_literals;

constexpr auto restore_op = cluster_operation::restore;
constexpr auto backup_op = cluster_operation::backup;
constexpr auto upgrade_op = cluster_operation::upgrade;

inline const model::timestamp wall_start{std::chrono::seconds{1'800'000'000}};

/// What a client actor was told, in arrival order.
struct client_log {
  std::vector<caf::expected<lock_reply>> answers;
  std::vector<lock_lost> lost;

  bool granted(std::size_t i) const {
    return i < answers.size() && answers[i] && answers[i]->outcome == lock_outcome::granted;
  }
  bool outcome_is(std::size_t i, lock_outcome o) const {
    return i < answers.size() && answers[i] && answers[i]->outcome == o;
  }
  bool error_is(std::size_t i, caf::error e) const {
    return i < answers.size() && !answers[i] && answers[i].error() == e;
  }
};

/// A requester: forwards each lock request it is sent to the registry, as a request of its
/// own (so it is the actor that acquires and that hears lock_lost), and logs the answers.
inline caf::behavior test_client(caf::event_based_actor* self, lock_registry_actor registry,
                                 std::shared_ptr<client_log> log) {
  auto forward = [=](auto& request) {
    self->request(registry, caf::infinite, std::move(request))
      .then([=](lock_reply& r) { log->answers.emplace_back(std::move(r)); },
            [=](caf::error& e) { log->answers.emplace_back(std::move(e)); });
  };
  return {
    [=](acquire_request& r) { forward(r); },
    [=](release_request& r) { forward(r); },
    [=](renew_request& r) { forward(r); },
    [=](lock_lost& l) { log->lost.push_back(std::move(l)); },
  };
}

struct client {
  caf::actor actor;
  std::shared_ptr<client_log> log;
};

inline lock_config test_config() {
  lock_config cfg;
  cfg.idle_timeout = 60s;
  cfg.retry_base = 100ms;
  cfg.retry_cap = 1s;
  cfg.retry_attempts = 4;
  cfg.max_conflicts = 10;
  cfg.wall_clock_start = wall_start;
  return cfg;
}

struct lock_fixture : test_coordinator_fixture<> {
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  gateway::api_gateway_actor gw;
  detail::lock_registry_impl registry;
  lock_config config;
  const cluster_key k1{"tenant-a", "vault"};

  explicit lock_fixture(lock_config cfg = test_config()) : config(std::move(cfg)) {
    gw = sys.spawn(gateway::memory_gateway, store);
    config.gateway = gw;
    registry = spawn_lock_registry_impl(sys, config);
    seed(k1);
    settle();
    store->clear_calls();
  }

  void seed(const cluster_key& k) {
    model::openbao_cluster c;
    c.metadata.namespace_ = k.namespace_;
    c.metadata.name = k.name;
    c.status.initialized = true;
    store->put(std::move(c));
  }

  void settle() {
    sched.run();
  }

  void pass(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  client make_client() {
    auto log = std::make_shared<client_log>();
    return {sys.spawn(test_client, lock_registry_actor{registry}, log), log};
  }

  template <class Request>
  void tell(const client& c, Request r) {
    caf::anon_send(c.actor, std::move(r));
  }

  acquire_request acquire(cluster_operation op, std::string holder,
                          caf::timespan wait = caf::timespan{0}, bool force = false) const {
    return {k1, op, std::move(holder), "test", force, wait};
  }

  release_request release(cluster_operation op, std::string holder) const {
    return {k1, op, std::move(holder)};
  }

  std::optional<model::operation_lock> stored_lock(const cluster_key& k) const {
    auto c = store->cluster(k.namespace_, k.name);
    return c ? c->status.lock : std::nullopt;
  }

  std::optional<model::operation_lock> stored_lock() const {
    return stored_lock(k1);
  }

  /// By value: CAF_CHECK_EQUAL binds its arguments to references, which would dangle on a
  /// member of a temporary optional (`stored_lock()->holder`).
  std::string stored_holder(const cluster_key& k) const {
    auto l = stored_lock(k);
    return l ? l->holder : std::string{};
  }

  std::string stored_holder() const {
    return stored_holder(k1);
  }

  /// Asks the registry from the fixture's scoped actor. The reply is in its mailbox once the
  /// system has settled; no reply at all is a test failure, not a hang.
  template <class T, class... Ts>
  caf::expected<T> ask(Ts... xs) {
    auto handle = self->request(registry, caf::infinite, std::move(xs)...);
    settle();
    if (self->mailbox().empty())
      return caf::make_error(caf::sec::request_timeout);
    caf::expected<T> out{caf::make_error(caf::sec::unexpected_response)};
    handle.receive([&](T& x) { out = std::move(x); },
                              [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  lock_status query(const cluster_key& k) {
    auto s = ask<lock_status>(query_request{k});
    CAF_REQUIRE(s);
    return *s;
  }

  registry_stats stats() {
    auto s = ask<registry_stats>(stats_atom_v);
    CAF_REQUIRE(s);
    return *s;
  }

  std::size_t calls_of(gateway::verb v) const {
    std::size_t n = 0;
    for (auto& c : store->calls())
      n += c.verb == v ? 1 : 0;
    return n;
  }
};

} // namespace lock_test
