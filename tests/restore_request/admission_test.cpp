#define CAF_SUITE restore.admission
#include "caf/test/unit_test.hpp"

// The per-tenant running limit as a pure value (actors/restore_request/admission.hpp):
// asks, releases and restart seeds, table by table; then next_step's side of it (a slot is
// asked for before the lock, a queued restore waits Pending with the reason).

#include <vector>

#include "actors/restore_request/admission.hpp"
#include "actors/restore_request/next_step.hpp"
#include "tests/restore_request/observations.hpp"

using namespace baorestore;
using namespace baorestore::restore;

using restore_tables::at;

namespace {

slot_ask ask(std::string ns, std::string name, int created, bool holds_lock = false) {
  return {std::move(ns), std::move(name), at(created), holds_lock};
}

using names = std::vector<std::string>;

} // namespace

CAF_TEST(without a limit every ask is granted and nothing is tracked) {
  admission a;
  for (int i = 0; i < 5; ++i)
    CAF_CHECK(decide_ask(a, ask("t", "r" + std::to_string(i), i)).granted);
  CAF_CHECK(!is_limited(a));
  CAF_CHECK(a.tenants.empty());
  CAF_CHECK(decide_release(a, "t", "r0").empty());
}

CAF_TEST(asks are granted up to the limit then queued) {
  struct row {
    std::size_t limit;
    int asks;
    std::size_t granted;
  };
  for (auto [limit, asks, want] : std::vector<row>{{1, 1, 1}, {1, 3, 1}, {2, 3, 2}, {3, 3, 3},
                                                   {5, 2, 2}}) {
    admission a{limit, {}};
    std::size_t got = 0;
    for (int i = 0; i < asks; ++i)
      got += decide_ask(a, ask("t", "r" + std::to_string(i), i)).granted;
    CAF_CHECK_EQUAL(got, want);
    CAF_CHECK_EQUAL(running_in(a, "t"), want);
    CAF_CHECK_EQUAL(waiting_in(a, "t"), static_cast<std::size_t>(asks) - want);
  }
}

CAF_TEST(a verdict says how many run and how many wait ahead) {
  admission a{2, {}};
  CAF_CHECK_EQUAL(decide_ask(a, ask("t", "a", 0)), (slot_verdict{true, 1, 0, 2}));
  CAF_CHECK_EQUAL(decide_ask(a, ask("t", "b", 1)), (slot_verdict{true, 2, 0, 2}));
  CAF_CHECK_EQUAL(decide_ask(a, ask("t", "c", 2)), (slot_verdict{false, 2, 0, 2}));
  CAF_CHECK_EQUAL(decide_ask(a, ask("t", "d", 3)), (slot_verdict{false, 2, 1, 2}));
  CAF_CHECK_EQUAL(waiting_message("t", decide_ask(a, ask("t", "d", 3))),
                  "waiting: 2 of 2 restores of t are running (perTenantRunningLimit), 1 ahead");
  CAF_CHECK_EQUAL(waiting_message("t", decide_ask(a, ask("t", "c", 2))),
                  "waiting: 2 of 2 restores of t are running (perTenantRunningLimit)");
}

CAF_TEST(tenants are counted apart) {
  admission a{1, {}};
  CAF_CHECK(decide_ask(a, ask("a", "r1", 0)).granted);
  CAF_CHECK(!decide_ask(a, ask("a", "r2", 1)).granted);
  CAF_CHECK(decide_ask(a, ask("b", "r1", 2)).granted);
  CAF_CHECK(decide_ask(a, ask("c", "r2", 3)).granted);
  CAF_CHECK_EQUAL(running_in(a, "a"), 1u);
  CAF_CHECK_EQUAL(waiting_in(a, "a"), 1u);
  CAF_CHECK_EQUAL(waiting_in(a, "b"), 0u);
}

CAF_TEST(asking again is idempotent for holders and waiters) {
  admission a{1, {}};
  CAF_CHECK(decide_ask(a, ask("t", "a", 0)).granted);
  CAF_CHECK(decide_ask(a, ask("t", "a", 0)).granted); // a restarted actor asks again
  CAF_CHECK_EQUAL(running_in(a, "t"), 1u);
  CAF_CHECK(!decide_ask(a, ask("t", "b", 1)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "b", 1)).granted);
  CAF_CHECK_EQUAL(waiting_in(a, "t"), 1u);
}

CAF_TEST(a freed slot goes to the oldest waiter whatever the order of asking) {
  admission a{1, {}};
  CAF_CHECK(decide_ask(a, ask("t", "first", 0)).granted);
  // Asked in another order than created: the queue follows creation, then name.
  CAF_CHECK(!decide_ask(a, ask("t", "late", 30)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "y", 10)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "x", 10)).granted);
  CAF_CHECK_EQUAL(decide_ask(a, ask("t", "late", 30)).ahead, 2u);
  CAF_CHECK_EQUAL(decide_release(a, "t", "first"), (names{"x"}));
  CAF_CHECK_EQUAL(decide_release(a, "t", "x"), (names{"y"}));
  CAF_CHECK_EQUAL(decide_release(a, "t", "y"), (names{"late"}));
  CAF_CHECK_EQUAL(decide_release(a, "t", "late"), (names{}));
  CAF_CHECK(a.tenants.empty());
}

CAF_TEST(a release admits as many as there are free slots) {
  admission a{2, {}};
  hold(a, "t", "h1");
  hold(a, "t", "h2");
  hold(a, "t", "h3"); // seeded over the limit after a restart
  CAF_CHECK(!decide_ask(a, ask("t", "w1", 1)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "w2", 2)).granted);
  CAF_CHECK_EQUAL(decide_release(a, "t", "h1"), (names{})); // still 2 running
  CAF_CHECK_EQUAL(decide_release(a, "t", "h2"), (names{"w1"}));
  a.limit = 3; // not changed at run time by the operator, but the rule holds
  CAF_CHECK_EQUAL(decide_release(a, "t", "nobody"), (names{"w2"}));
}

CAF_TEST(a waiter that goes away leaves the queue) {
  admission a{1, {}};
  CAF_CHECK(decide_ask(a, ask("t", "a", 0)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "b", 1)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "c", 2)).granted);
  CAF_CHECK_EQUAL(decide_release(a, "t", "b"), (names{})); // deleted while waiting
  CAF_CHECK_EQUAL(waiting_in(a, "t"), 1u);
  CAF_CHECK_EQUAL(decide_release(a, "t", "a"), (names{"c"}));
}

CAF_TEST(a restore holding its lock is granted even over the limit) {
  admission a{1, {}};
  CAF_CHECK(decide_ask(a, ask("t", "a", 5)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "b", 0)).granted);
  // After a restart a restore already holding its cluster's lock asks: it counts, and it is
  // never held back (its waiting place, if any, is dropped).
  CAF_CHECK(decide_ask(a, ask("t", "b", 0, true)).granted);
  CAF_CHECK_EQUAL(running_in(a, "t"), 2u);
  CAF_CHECK_EQUAL(waiting_in(a, "t"), 0u);
  CAF_CHECK(!decide_ask(a, ask("t", "c", 9)).granted);
  CAF_CHECK_EQUAL(decide_release(a, "t", "a"), (names{}));
  CAF_CHECK_EQUAL(decide_release(a, "t", "b"), (names{"c"}));
}

CAF_TEST(seeded holders count against the limit) {
  admission a{2, {}};
  hold(a, "t", "running-1");
  hold(a, "t", "running-1"); // seeded twice (a resync): once
  CAF_CHECK_EQUAL(running_in(a, "t"), 1u);
  CAF_CHECK(decide_ask(a, ask("t", "new", 0)).granted);
  CAF_CHECK(!decide_ask(a, ask("t", "newer", 1)).granted);
  admission unlimited;
  hold(unlimited, "t", "x");
  CAF_CHECK(unlimited.tenants.empty());
}

// -- the restore's side: next_step asks for a slot before the lock ---------------------------

namespace {

using model::restore_phase;

observation restore_in(restore_phase phase, slot_answer slot) {
  auto o = restore_tables::valid_restore(phase);
  o.slot.state = slot;
  return o;
}

const model::condition* find_condition(const step& s, const std::string& type) {
  for (const auto& c : s.status.conditions)
    if (c.type == type)
      return &c;
  return nullptr;
}

} // namespace

CAF_TEST(a pending restore asks for a slot before it validates) {
  struct row {
    restore_phase phase;
    slot_answer slot;
    bool lock_ours;
    step_kind want;
  };
  for (auto [phase, slot, ours, want] : std::vector<row>{
         // A new restore asks before anything is written to its status.
         {restore_phase::unset, slot_answer::unasked, false, step_kind::request_slot},
         {restore_phase::unset, slot_answer::queued, false, step_kind::wait},
         {restore_phase::unset, slot_answer::granted, false, step_kind::update_status},
         {restore_phase::pending, slot_answer::unasked, false, step_kind::request_slot},
         {restore_phase::pending, slot_answer::queued, false, step_kind::wait},
         {restore_phase::pending, slot_answer::granted, false, step_kind::update_status},
         // A restarted operator: Validating without a slot asks before the lock, also when
         // it holds the lock already (to be counted).
         {restore_phase::validating, slot_answer::unasked, false, step_kind::request_slot},
         {restore_phase::validating, slot_answer::unasked, true, step_kind::request_slot},
         {restore_phase::validating, slot_answer::granted, false, step_kind::acquire_lock},
         {restore_phase::validating, slot_answer::granted, true, step_kind::create_job},
         // Slots do not matter once the Job runs or the restore finished.
         {restore_phase::running, slot_answer::unasked, true, step_kind::look_up_job},
         {restore_phase::completed, slot_answer::unasked, false, step_kind::done},
       }) {
    auto o = restore_in(phase, slot);
    if (ours) {
      model::operation_lock l;
      l.operation = model::cluster_operation::restore;
      l.holder = holder_of(o.restore);
      o.cluster->status.lock = l;
    }
    CAF_CHECK_EQUAL(to_string(next_step(o, restore_config{}).kind), to_string(want));
  }
}

CAF_TEST(a queued restore waits pending with the reason) {
  auto o = restore_in(restore_phase::pending, slot_answer::queued);
  o.slot.message = "waiting: 1 of 1 restores of tenant-a are running (perTenantRunningLimit)";
  auto s = next_step(o, restore_config{});
  CAF_CHECK(s.kind == step_kind::wait);
  CAF_CHECK(!s.status.phase);
  CAF_CHECK(s.status.message == o.slot.message);
  CAF_CHECK(s.after == std::chrono::seconds{60});
  auto* c = find_condition(s, condition_admitted);
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK_EQUAL(c->status, "False");
  CAF_CHECK_EQUAL(c->reason, reason_tenant_limit);
  // Already said: the message is not written again (the condition is unchanged too, which
  // the status patch leaves out).
  o.restore.status.message = o.slot.message;
  CAF_CHECK(!next_step(o, restore_config{}).status.message);
}

CAF_TEST(a new restore held back by the limit is written Pending and one admitted at once Validating) {
  auto o = restore_in(restore_phase::unset, slot_answer::queued);
  o.restore.status.observed_generation = 0;
  o.slot.message = "waiting: 1 of 1 restores of tenant-a are running (perTenantRunningLimit)";
  auto s = next_step(o, restore_config{});
  CAF_CHECK(s.kind == step_kind::wait);
  CAF_CHECK(s.status.phase == restore_phase::pending);
  CAF_CHECK(s.status.observed_generation == std::optional<std::int64_t>{1});
  CAF_CHECK(find_condition(s, condition_admitted) != nullptr);
  o.slot.state = slot_answer::granted;
  s = next_step(o, restore_config{});
  CAF_CHECK(s.kind == step_kind::update_status);
  CAF_CHECK(s.status.phase == restore_phase::validating);
  CAF_CHECK(s.status.observed_generation == std::optional<std::int64_t>{1});
  CAF_CHECK(!s.event);
}

CAF_TEST(an admitted restore says so with its next phase only when it waited) {
  auto o = restore_in(restore_phase::pending, slot_answer::granted);
  auto s = next_step(o, restore_config{});
  CAF_CHECK(s.status.phase == restore_phase::validating);
  CAF_CHECK(find_condition(s, condition_admitted) == nullptr);
  model::condition waited;
  waited.type = condition_admitted;
  waited.status = "False";
  waited.reason = reason_tenant_limit;
  o.restore.status.conditions.push_back(waited);
  s = next_step(o, restore_config{});
  CAF_CHECK(s.status.phase == restore_phase::validating);
  auto* c = find_condition(s, condition_admitted);
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK_EQUAL(c->status, "True");
}
