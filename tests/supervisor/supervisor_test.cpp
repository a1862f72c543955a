// The one-for-one supervisor (DESIGN §6) on CAF's deterministic test coordinator: children
// crashed on purpose come back after the backoff as new actors, normal exits and stop_child
// are final, too many crashes within the period escalate.
//
// Time: the fixture's run() fires every pending timer at once; these tests move messages with
// settle() (sched.run(): no time passes) and time with pass(d).
#define CAF_SUITE supervisor
#include "caf/test/dsl.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "actors/supervisor/supervisor.hpp"

namespace {


using namespace baorestore::supervision;
using namespace std::chrono_literals;

using crash_atom = caf::atom_constant<caf::atom("crash")>;
constexpr crash_atom crash_atom_v{};
using finish_atom = caf::atom_constant<caf::atom("finish")>;
constexpr finish_atom finish_atom_v{};

/// A child: counts its incarnations; throws on crash, exits normally on finish.
caf::behavior worker(caf::event_based_actor* self, std::shared_ptr<int> starts) {
  ++*starts;
  return {
    [](crash_atom) { throw std::runtime_error("crash on purpose"); },
    [self](finish_atom) { self->quit(); },
  };
}

using typed_worker_actor = caf::typed_actor<caf::reacts_to<crash_atom>>;

typed_worker_actor::behavior_type typed_worker(typed_worker_actor::pointer,
                                                      std::shared_ptr<int> starts) {
  ++*starts;
  return {
    [](crash_atom) { throw std::runtime_error("typed crash on purpose"); },
  };
}

/// How an observed actor ended: unset while it lives.
struct ending {
  std::optional<caf::error> reason;
};

caf::behavior observer(caf::event_based_actor* self, caf::actor target,
                              std::shared_ptr<ending> out) {
  self->monitor(target);
  self->set_down_handler([=](caf::down_msg& dm) {
    out->reason = dm.reason;
    self->quit();
  });
  return {
    [](int) {
      // nop
    },
  };
}

restart_policy test_policy() {
  restart_policy p;
  p.intensity = 3;
  p.period = 60s;
  p.backoff_base = 1s;
  p.backoff_cap = 8s;
  return p;
}

struct supervisor_fixture : test_coordinator_fixture<> {
  supervisor_actor sup;
  std::vector<caf::actor> observers;

  explicit supervisor_fixture(restart_policy p = test_policy()) {
    sup = spawn_supervisor(sys, p);
    settle();
  }

  ~supervisor_fixture() override {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    settle();
  }

  void settle() {
    sched.run();
  }

  void pass(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  static child_factory worker_factory(std::shared_ptr<int> starts) {
    return [starts](caf::local_actor* s) { return s->spawn(worker, starts); };
  }

  /// Asks the supervisor from the fixture's scoped actor (the reply is in its mailbox once
  /// the system settled); no reply is an error, not a hang.
  template <class T, class... Ts>
  caf::expected<T> ask(Ts... xs) {
    auto handle = self->request(sup, caf::infinite, std::move(xs)...);
    settle();
    if (self->mailbox().empty())
      return caf::make_error(caf::sec::request_timeout);
    caf::expected<T> out{caf::make_error(caf::sec::unexpected_response)};
    handle.receive([&](T& x) { out = std::move(x); },
                   [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  caf::actor start(const std::string& id, child_factory f) {
    auto a = ask<caf::actor>(start_child{id, std::move(f)});
    CAF_REQUIRE(a);
    return *a;
  }

  std::vector<child_info> children() {
    auto xs = ask<std::vector<child_info>>(which_children{});
    CAF_REQUIRE(xs);
    return *xs;
  }

  /// The child's current actor; invalid while a restart is pending or when not supervised.
  caf::actor current(const std::string& id) {
    for (auto& c : children())
      if (c.id == id)
        return c.actor;
    return nullptr;
  }

  std::uint32_t restarts_of(const std::string& id) {
    for (auto& c : children())
      if (c.id == id)
        return c.restarts;
    return 0;
  }

  bool supervises(const std::string& id) {
    for (auto& c : children())
      if (c.id == id)
        return true;
    return false;
  }

  std::shared_ptr<ending> watch(caf::actor target) {
    auto out = std::make_shared<ending>();
    // Kept: an actor nobody references is terminated as unreachable.
    observers.push_back(sys.spawn(observer, std::move(target), out));
    settle();
    return out;
  }

  /// Crashes the child's current incarnation by making it throw.
  void crash(const std::string& id) {
    auto a = current(id);
    CAF_REQUIRE(a);
    caf::anon_send(a, crash_atom_v);
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, supervisor_fixture)

CAF_TEST(a crashed child is restarted after the backoff as a new actor) {
  auto starts = std::make_shared<int>(0);
  auto first = start("w", worker_factory(starts));
  CAF_CHECK_EQUAL(*starts, 1);
  CAF_CHECK(current("w") == first);
  auto first_end = watch(first);
  crash("w");
  CAF_REQUIRE(first_end->reason);
  CAF_CHECK(*first_end->reason == caf::sec::runtime_error); // the uncaught exception
  CAF_CHECK(!current("w"));                                  // pending: backoff 1 s
  CAF_CHECK(supervises("w"));
  pass(999ms);
  CAF_CHECK(!current("w"));
  CAF_CHECK_EQUAL(*starts, 1);
  pass(1ms);
  auto second = current("w");
  CAF_REQUIRE(second);
  CAF_CHECK(second != first);
  CAF_CHECK_EQUAL(*starts, 2);
  CAF_CHECK_EQUAL(restarts_of("w"), 1u);
  // The next crash soon after waits twice as long (attempt 2: 2 s).
  crash("w");
  pass(1999ms);
  CAF_CHECK(!current("w"));
  pass(1ms);
  auto third = current("w");
  CAF_REQUIRE(third);
  CAF_CHECK(third != second);
  CAF_CHECK_EQUAL(restarts_of("w"), 2u);
  CAF_CHECK_EQUAL(*starts, 3);
}

CAF_TEST(a child killed with an abnormal exit reason is restarted) {
  auto starts = std::make_shared<int>(0);
  auto first = start("w", worker_factory(starts));
  caf::anon_send_exit(first, caf::exit_reason::kill);
  settle();
  CAF_CHECK(!current("w"));
  pass(1s);
  auto second = current("w");
  CAF_REQUIRE(second);
  CAF_CHECK(second != first);
  CAF_CHECK_EQUAL(*starts, 2);
}

CAF_TEST(a normal exit or user_shutdown is final) {
  auto starts = std::make_shared<int>(0);
  auto a = start("a", worker_factory(starts));
  auto b = start("b", worker_factory(starts));
  caf::anon_send(a, finish_atom_v); // quits normally
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  settle();
  pass(5min);
  CAF_CHECK(children().empty());
  CAF_CHECK_EQUAL(*starts, 2);
  // The id is free again.
  start("a", worker_factory(starts));
  CAF_CHECK(supervises("a"));
}

CAF_TEST(more than intensity crashes within the period escalate) {
  auto sup_end = watch(caf::actor_cast<caf::actor>(sup));
  auto starts = std::make_shared<int>(0);
  auto sibling_starts = std::make_shared<int>(0);
  start("w", worker_factory(starts));
  auto sibling = start("sibling", worker_factory(sibling_starts));
  auto sibling_end = watch(sibling);
  // intensity 3: three crashes are restarted (after 1, 2 and 4 s) ...
  for (int i = 1; i <= 3; ++i) {
    crash("w");
    pass(8s);
    CAF_REQUIRE(current("w"));
    CAF_CHECK_EQUAL(restarts_of("w"), static_cast<std::uint32_t>(i));
  }
  CAF_CHECK(!sup_end->reason);
  // ... the fourth within 60 s is one too many.
  crash("w");
  CAF_REQUIRE(sup_end->reason);
  CAF_CHECK(*sup_end->reason == supervisor_errc::intensity_exceeded);
  CAF_MESSAGE("supervisor ended with " << sys.render(*sup_end->reason));
  // Its children go with it, and nothing restarts later.
  CAF_REQUIRE(sibling_end->reason);
  CAF_CHECK(*sibling_end->reason == caf::exit_reason::user_shutdown);
  pass(1min);
  CAF_CHECK_EQUAL(*starts, 4);
  CAF_CHECK_EQUAL(*sibling_starts, 1);
}

CAF_TEST(crashes spread out beyond the period do not escalate) {
  auto sup_end = watch(caf::actor_cast<caf::actor>(sup));
  auto starts = std::make_shared<int>(0);
  start("w", worker_factory(starts));
  for (int i = 1; i <= 6; ++i) {
    pass(61s); // up for longer than the period: healthy again, backoff starts over
    auto before = current("w");
    crash("w");
    pass(999ms);
    CAF_CHECK(!current("w"));
    pass(1ms); // the base backoff every time
    auto after = current("w");
    CAF_REQUIRE(after);
    CAF_CHECK(after != before);
  }
  CAF_CHECK(!sup_end->reason);
  CAF_CHECK_EQUAL(restarts_of("w"), 6u);
  CAF_CHECK_EQUAL(*starts, 7);
}

CAF_TEST(stop_child stops the child without a restart) {
  auto starts = std::make_shared<int>(0);
  auto a = start("w", worker_factory(starts));
  auto a_end = watch(a);
  auto stopped = ask<bool>(stop_child{"w"});
  CAF_REQUIRE(stopped);
  CAF_CHECK(*stopped);
  CAF_REQUIRE(a_end->reason);
  CAF_CHECK(*a_end->reason == caf::exit_reason::user_shutdown);
  pass(1min);
  CAF_CHECK(!supervises("w"));
  CAF_CHECK_EQUAL(*starts, 1);
  auto unknown = ask<bool>(stop_child{"nope"});
  CAF_REQUIRE(unknown);
  CAF_CHECK(!*unknown);
}

CAF_TEST(stop_child while a restart is pending cancels the restart) {
  auto starts = std::make_shared<int>(0);
  start("w", worker_factory(starts));
  crash("w");
  CAF_CHECK(!current("w"));
  auto stopped = ask<bool>(stop_child{"w"});
  CAF_REQUIRE(stopped);
  CAF_CHECK(*stopped);
  pass(1min);
  CAF_CHECK(!supervises("w"));
  CAF_CHECK_EQUAL(*starts, 1);
}

CAF_TEST(start_child refuses a duplicate id and reports a failing factory) {
  auto starts = std::make_shared<int>(0);
  start("w", worker_factory(starts));
  auto dup = ask<caf::actor>(start_child{"w", worker_factory(starts)});
  CAF_REQUIRE(!dup);
  CAF_CHECK(dup.error() == supervisor_errc::duplicate_child);
  auto throwing = ask<caf::actor>(start_child{
    "bad", [](caf::local_actor*) -> caf::actor { throw std::runtime_error("no"); }});
  CAF_REQUIRE(!throwing);
  CAF_CHECK(throwing.error() == supervisor_errc::start_failed);
  auto empty = ask<caf::actor>(start_child{"none", [](caf::local_actor*) -> caf::actor {
                                             return nullptr;
                                           }});
  CAF_REQUIRE(!empty);
  CAF_CHECK(empty.error() == supervisor_errc::start_failed);
  auto xs = children();
  CAF_REQUIRE_EQUAL(xs.size(), 1u);
  CAF_CHECK_EQUAL(xs[0].id, "w");
  CAF_CHECK_EQUAL(*starts, 1);
}

CAF_TEST(typed children are supervised through make_child_factory) {
  auto starts = std::make_shared<int>(0);
  auto first = start("typed", make_child_factory([starts](caf::local_actor* s) {
                       return s->spawn(typed_worker, starts);
                     }));
  caf::anon_send(caf::actor_cast<typed_worker_actor>(first), crash_atom_v);
  settle();
  pass(1s);
  auto second = current("typed");
  CAF_REQUIRE(second);
  CAF_CHECK(second != first);
  CAF_CHECK_EQUAL(*starts, 2);
}

CAF_TEST(which_children lists children in start order with their restarts) {
  auto starts = std::make_shared<int>(0);
  auto a = start("a", worker_factory(starts));
  auto b = start("b", worker_factory(starts));
  crash("b");
  pass(1s);
  auto xs = children();
  CAF_REQUIRE_EQUAL(xs.size(), 2u);
  CAF_CHECK_EQUAL(xs[0].id, "a");
  CAF_CHECK(xs[0].actor == a);
  CAF_CHECK_EQUAL(xs[0].restarts, 0u);
  CAF_CHECK_EQUAL(xs[1].id, "b");
  CAF_CHECK(xs[1].actor != b);
  CAF_CHECK_EQUAL(xs[1].restarts, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// Not a fixture member: it needs its own supervisor, spawned with initial children.
CAF_TEST_FIXTURE_SCOPE(supervisor_initial_tests, test_coordinator_fixture<>)

CAF_TEST(a supervisor starts its initial children and stops them when it is stopped) {
  auto starts = std::make_shared<int>(0);
  std::vector<start_child> initial;
  initial.push_back({"one", supervisor_fixture::worker_factory(starts)});
  initial.push_back({"two", supervisor_fixture::worker_factory(starts)});
  auto s = spawn_supervisor(sys, test_policy(), std::move(initial));
  sched.run();
  CAF_CHECK_EQUAL(*starts, 2);
  auto s_end = std::make_shared<ending>();
  auto obs = sys.spawn(observer, caf::actor_cast<caf::actor>(s), s_end);
  sched.run();
  caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_REQUIRE(s_end->reason);
  CAF_CHECK(*s_end->reason == caf::exit_reason::user_shutdown);
  sched.advance_time(1min);
  sched.run();
  CAF_CHECK_EQUAL(*starts, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
