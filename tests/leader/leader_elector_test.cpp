// The leader_elector on the deterministic test coordinator over the in-memory gateway, with
// simulated time: time moves in 100 ms steps, and after every step at most one elector
// believes it leads, and a leader is the Lease's holder in the store.
#define CAF_SUITE leader_elector
#include "caf/test/dsl.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/leader/leader_elector.hpp"

using namespace baorestore;
using namespace baorestore::leader;
using namespace std::chrono;
using namespace std::chrono_literals;
using gateway::api_errc;
using gateway::verb;
namespace m = baorestore::model;

namespace {

const std::string lease_ns = "baorestore-system";
const std::string lease_name = "baorestore";
const m::micro_timestamp wall0{seconds{1'800'000'000}};

/// What one elector told its callback, with the (wall) time it did.
struct candidate_log {
  int reports = 0; // every report, the first follower one included
  bool leading = false;
  std::vector<std::pair<bool, m::micro_timestamp>> changes;
};

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<gateway::memory_store> store = std::make_shared<gateway::memory_store>();
  gateway::api_gateway_actor gw;
  caf::actor_clock::time_point t_start;
  std::map<std::string, std::shared_ptr<candidate_log>> logs;
  std::map<std::string, leader_elector_actor> electors;

  fixture() {
    gw = sys.spawn(gateway::memory_gateway, store);
    t_start = sched.clock().now();
  }

  ~fixture() override {
    for (auto& [id, e] : electors)
      caf::anon_send_exit(e, caf::exit_reason::kill);
    sched.run();
  }

  m::micro_timestamp wall_now() {
    return wall0 + duration_cast<microseconds>(sched.clock().now() - t_start);
  }

  elector_config config(const std::string& id) {
    elector_config cfg;
    cfg.gateway = gw;
    cfg.namespace_ = lease_ns;
    cfg.name = lease_name;
    cfg.identity = id;
    cfg.wall_clock_start = wall_now();
    auto log = std::make_shared<candidate_log>();
    logs[id] = log;
    cfg.on_change = [this, log](bool leading) {
      ++log->reports;
      // A follower's first round tells it follows (for readiness): not a change.
      if (leading == log->leading)
        return;
      log->leading = leading;
      log->changes.emplace_back(leading, wall_now());
    };
    return cfg;
  }

  leader_elector_actor start(const std::string& id) {
    auto e = spawn_leader_elector(sys, config(id));
    electors[id] = e;
    return e;
  }

  void stop(const std::string& id, caf::exit_reason reason = caf::exit_reason::user_shutdown) {
    caf::anon_send_exit(electors.at(id), reason);
    electors.erase(id);
    sched.run();
  }

  bool leads(const std::string& id) {
    return logs.at(id)->leading;
  }

  std::optional<m::lease> lease() {
    return store->lease(lease_ns, lease_name);
  }

  std::string holder() {
    auto l = lease();
    return l ? l->spec.holder_identity : std::string{};
  }

  /// The invariant after every step: at most one leader, and it holds the Lease.
  void check_invariant() {
    int leaders = 0;
    for (auto& [id, log] : logs) {
      if (!log->leading)
        continue;
      ++leaders;
      auto h = holder();
      CAF_CHECK_EQUAL(h, id);
    }
    CAF_CHECK_LESS_OR_EQUAL(leaders, 1);
  }

  void step() {
    sched.advance_time(100ms);
    sched.run();
    check_invariant();
  }

  void pass(caf::timespan d) {
    for (caf::timespan t{0}; t < d; t += 100ms)
      step();
  }

  /// Steps until `pred` holds (at most `limit`); false if it never did.
  template <class Pred>
  bool pass_until(Pred pred, caf::timespan limit) {
    for (caf::timespan t{0}; t < limit; t += 100ms) {
      if (pred())
        return true;
      step();
    }
    return pred();
  }

  bool ask_is_leader(const leader_elector_actor& e) {
    bool out = false;
    auto h = self->request(e, caf::infinite, is_leader_atom_v);
    sched.run();
    h.receive([&](bool b) { out = b; }, [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
    return out;
  }

  std::size_t injected_updates() {
    std::size_t n = 0;
    for (const auto& c : store->calls())
      if (c.verb == verb::update && c.injected_failure)
        ++n;
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(leader_elector_tests, fixture)

CAF_TEST(a single elector creates the lease and leads) {
  auto cfg = config("a");
  cfg.subscriber = caf::actor_cast<caf::actor>(self);
  electors["a"] = spawn_leader_elector(sys, cfg);
  sched.run();
  CAF_CHECK(leads("a"));
  CAF_CHECK(ask_is_leader(electors.at("a")));
  bool told = false;
  self->receive([&](leadership_changed& x) { told = x.leader; },
                caf::after(0s) >> [] { CAF_FAIL("the subscriber was not told"); });
  CAF_CHECK(told);
  auto l = lease();
  CAF_REQUIRE(l.has_value());
  auto h = l->spec.holder_identity;
  CAF_CHECK_EQUAL(h, "a");
  CAF_CHECK(l->spec.lease_duration_seconds == 15);
  CAF_CHECK(l->spec.renew_time == wall0);
  CAF_CHECK(l->spec.acquire_time == wall0);
  CAF_CHECK(l->spec.lease_transitions == 0);
  // It renews every retry period, with the resourceVersion it read.
  pass(6s);
  l = lease();
  CAF_CHECK(l->spec.renew_time == wall0 + 6s);
  CAF_CHECK(l->spec.acquire_time == wall0);
  CAF_CHECK(leads("a"));
  std::size_t updates = 0;
  for (const auto& c : store->calls())
    if (c.verb == verb::update) {
      ++updates;
      CAF_CHECK(!c.precondition.empty());
    }
  CAF_CHECK_EQUAL(updates, 3u);
}

CAF_TEST(two electors have exactly one leader) {
  start("a");
  sched.run();
  start("b");
  pass(30s);
  CAF_CHECK(leads("a"));
  CAF_CHECK(!leads("b"));
  CAF_CHECK(logs.at("b")->changes.empty());
  CAF_CHECK_EQUAL(logs.at("a")->changes.size(), 1u);
  CAF_CHECK(!ask_is_leader(electors.at("b")));
  // The follower said once that it follows (readiness knows), and not at every round.
  CAF_CHECK_EQUAL(logs.at("b")->reports, 1);
}

CAF_TEST(a creation race leaves one leader) {
  start("a");
  start("b");
  sched.run();
  check_invariant();
  int leaders = (leads("a") ? 1 : 0) + (leads("b") ? 1 : 0);
  CAF_CHECK_EQUAL(leaders, 1);
  std::size_t creates = 0;
  for (const auto& c : store->calls())
    if (c.verb == verb::create)
      ++creates;
  CAF_CHECK_EQUAL(creates, 2u);
  pass(20s);
  leaders = (leads("a") ? 1 : 0) + (leads("b") ? 1 : 0);
  CAF_CHECK_EQUAL(leaders, 1);
}

CAF_TEST(the follower takes over after a dead leader lease expires) {
  start("a");
  sched.run();
  sched.advance_time(1s);
  start("b");
  sched.run(); // b's rounds run at odd seconds
  pass(5s);
  CAF_REQUIRE(leads("a"));
  auto last = lease()->spec.renew_time;
  CAF_REQUIRE(last.has_value());
  stop("a", caf::exit_reason::kill); // no release: a crash
  logs.erase("a");
  CAF_CHECK(pass_until([&] { return leads("b"); }, 20s));
  auto took_at = logs.at("b")->changes.front().second;
  CAF_CHECK_GREATER(took_at, *last + 15s);
  CAF_CHECK_LESS_OR_EQUAL(took_at, *last + 15s + 2s);
  auto l = lease();
  auto h = l->spec.holder_identity;
  CAF_CHECK_EQUAL(h, "b");
  CAF_CHECK(l->spec.lease_transitions == 1);
}

CAF_TEST(a leader that cannot renew steps down before its lease expires) {
  start("a");
  sched.run();
  // b's rounds run 1.5 s after a's: b is the first to look once a's lease has expired.
  sched.advance_time(1500ms);
  sched.run();
  start("b");
  sched.run();
  pass(2600ms); // a renewed at 4 s
  CAF_REQUIRE(leads("a"));
  auto last = *lease()->spec.renew_time;
  CAF_CHECK(last == wall0 + 4s);
  store->fail_next(verb::update, api_errc::server_error, 1000);
  CAF_CHECK(pass_until([&] { return !leads("a"); }, 15s));
  auto dropped_at = logs.at("a")->changes.back().second;
  CAF_CHECK_LESS_OR_EQUAL(dropped_at, last + 10s);
  CAF_CHECK_LESS(dropped_at, last + 15s);
  CAF_CHECK_GREATER_OR_EQUAL(injected_updates(), 4u);
  CAF_CHECK(!leads("b"));
  // The API server is reachable again; b still waits for the lease to expire, and a, which
  // told its subscriber it stopped, does not silently reclaim it.
  store->fail_next(verb::update, api_errc::server_error, 0);
  CAF_CHECK(pass_until([&] { return leads("b"); }, 10s));
  auto took_at = logs.at("b")->changes.front().second;
  CAF_CHECK_GREATER(took_at, last + 15s);
  CAF_CHECK(!leads("a"));
  CAF_CHECK_EQUAL(logs.at("a")->changes.size(), 2u);
  pass(10s);
  CAF_CHECK(leads("b"));
  CAF_CHECK(!leads("a"));
}

CAF_TEST(a graceful stop releases the lease to the follower) {
  start("a");
  sched.run();
  sched.advance_time(1s);
  start("b");
  sched.run(); // b's rounds run at odd seconds
  pass(5s);
  CAF_REQUIRE(leads("a"));
  auto stopped_at = wall_now();
  stop("a");
  // a stepped down, then released the lease.
  CAF_CHECK(!logs.at("a")->leading);
  auto l = lease();
  auto h = l->spec.holder_identity;
  CAF_CHECK_EQUAL(h, "");
  CAF_CHECK(l->spec.lease_duration_seconds == 1);
  logs.erase("a");
  CAF_CHECK(pass_until([&] { return leads("b"); }, 3s));
  auto took_at = logs.at("b")->changes.front().second;
  CAF_CHECK_LESS_OR_EQUAL(took_at, stopped_at + 2s);
  l = lease();
  h = l->spec.holder_identity;
  CAF_CHECK_EQUAL(h, "b");
  CAF_CHECK(l->spec.lease_transitions == 1);
}

CAF_TEST(a follower stops nothing on a graceful stop) {
  start("a");
  sched.run();
  start("b");
  pass(3s);
  auto before = lease();
  stop("b");
  auto after = lease();
  CAF_CHECK(before == after);
  CAF_CHECK(leads("a"));
}

CAF_TEST_FIXTURE_SCOPE_END()
