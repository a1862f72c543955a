// Table-driven tests of the lock decisions (DESIGN §3), no actors.
#define CAF_SUITE lock_decide
#include "caf/test/unit_test.hpp"

#include "actors/cluster_lock/decide.hpp"

using namespace baorestore::cluster_lock;
using baorestore::model::cluster_operation;
using baorestore::model::operation_lock;
using baorestore::model::timestamp;

namespace {

const timestamp t0{std::chrono::seconds{1'800'000'000}};
const timestamp t1 = t0 + std::chrono::seconds{60};

constexpr auto restore = cluster_operation::restore;
constexpr auto backup = cluster_operation::backup;
constexpr auto upgrade = cluster_operation::upgrade;

operation_lock held(cluster_operation op, std::string holder, std::optional<std::int64_t> fence) {
  operation_lock l;
  l.operation = op;
  l.holder = std::move(holder);
  l.acquired_at = t0;
  l.renewed_at = t0;
  l.fence = fence;
  return l;
}

acquire_input ask(cluster_operation op, std::string holder, bool force = false) {
  return {op, std::move(holder), "why", force};
}

} // namespace

CAF_TEST(acquire table) {
  struct row {
    const char* name;
    current_lock current;
    acquire_input req;
    std::int64_t last_fence;
    acquire_verdict verdict;
    std::optional<std::int64_t> fence; // of `next`
    bool took_over;
  };
  const row rows[] = {
    {"free", std::nullopt, ask(restore, "r/1"), 0, acquire_verdict::grant, 1, false},
    {"free after a released fence 7", std::nullopt, ask(backup, "b"), 7, acquire_verdict::grant,
     8, false},
    {"idempotent re-acquire", held(backup, "b", 3), ask(backup, "b"), 3,
     acquire_verdict::already_held, 3, false},
    {"same holder other operation is busy", held(backup, "b", 3), ask(upgrade, "b"), 3,
     acquire_verdict::busy, 3, false},
    {"busy", held(backup, "b", 3), ask(restore, "r/1"), 3, acquire_verdict::busy, 3, false},
    {"restore busy behind restore", held(restore, "r/1", 2), ask(restore, "r/2"), 2,
     acquire_verdict::busy, 2, false},
    {"force by restore over backup", held(backup, "b", 3), ask(restore, "r/1", true), 3,
     acquire_verdict::grant, 4, true},
    {"force by restore over upgrade", held(upgrade, "u", 9), ask(restore, "r/1", true), 5,
     acquire_verdict::grant, 10, true},
    {"force never over another restore", held(restore, "r/1", 2), ask(restore, "r/2", true), 2,
     acquire_verdict::busy, 2, false},
    {"force refused for backup", held(upgrade, "u", 1), ask(backup, "b", true), 1,
     acquire_verdict::busy, 1, false},
    {"force refused for upgrade", held(backup, "b", 1), ask(upgrade, "u", true), 1,
     acquire_verdict::busy, 1, false},
    {"lock without fence (pruned by upstream CRD)", held(backup, "b", std::nullopt),
     ask(restore, "r/1", true), 0, acquire_verdict::grant, 1, true},
    {"memory fence beats a pruned fence", held(backup, "b", std::nullopt),
     ask(restore, "r/1", true), 12, acquire_verdict::grant, 13, true},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE(r.name);
    auto d = decide_acquire(r.current, r.req, r.last_fence, t1);
    CAF_CHECK(d.verdict == r.verdict);
    CAF_REQUIRE(d.next.has_value());
    CAF_CHECK(d.next->fence == r.fence);
    CAF_CHECK_EQUAL(d.previous.has_value(), r.took_over);
    if (r.verdict == acquire_verdict::grant) {
      CAF_CHECK(d.next->operation == r.req.operation);
      CAF_CHECK_EQUAL(d.next->holder, r.req.holder);
      CAF_CHECK_EQUAL(d.next->message, r.req.message);
      CAF_CHECK(d.next->acquired_at == t1);
      CAF_CHECK(d.next->renewed_at == t1);
      if (r.took_over)
        CAF_CHECK(*d.previous == *r.current);
    } else {
      // Not granted: the lock as it stands, untouched.
      CAF_CHECK(*d.next == *r.current);
    }
  }
}

CAF_TEST(release table) {
  struct row {
    const char* name;
    current_lock current;
    cluster_operation op;
    const char* holder;
    release_verdict verdict;
  };
  const row rows[] = {
    {"release by holder", held(backup, "b", 1), backup, "b", release_verdict::release},
    {"release by another", held(backup, "b", 1), backup, "other", release_verdict::not_holder},
    {"release with the wrong operation", held(backup, "b", 1), upgrade, "b",
     release_verdict::not_holder},
    {"restore released by a backup service", held(restore, "r/1", 1), backup, "b",
     release_verdict::not_holder},
    {"release when free", std::nullopt, backup, "b", release_verdict::already_free},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE(r.name);
    CAF_CHECK(decide_release(r.current, r.op, r.holder) == r.verdict);
  }
}

CAF_TEST(renew keeps the fence and moves renewedAt) {
  auto d = decide_renew(held(backup, "b", 5), "b", t1);
  CAF_REQUIRE(d.held);
  CAF_CHECK(d.next->fence == 5);
  CAF_CHECK(d.next->acquired_at == t0);
  CAF_CHECK(d.next->renewed_at == t1);
  CAF_CHECK(!decide_renew(held(backup, "b", 5), "other", t1).held);
  CAF_CHECK(!decide_renew(std::nullopt, "b", t1).held);
}

CAF_TEST(fence increments on every change of holder) {
  current_lock lock;
  std::int64_t last = 0;
  const char* holders[] = {"a", "b", "c", "d"};
  for (std::int64_t i = 0; i < 4; ++i) {
    auto d = decide_acquire(lock, ask(backup, holders[i]), last, t1);
    CAF_REQUIRE(d.verdict == acquire_verdict::grant);
    CAF_CHECK_EQUAL(*d.next->fence, i + 1);
    last = *d.next->fence;
    CAF_CHECK(decide_release(d.next, backup, holders[i]) == release_verdict::release);
    lock.reset(); // released
  }
  auto again = decide_acquire(held(backup, "d", 4), ask(backup, "d"), 4, t1);
  CAF_CHECK_EQUAL(*again.next->fence, 4); // same holder: unchanged
}

CAF_TEST(waiters queue restores first then in arrival order) {
  waiter_rank b1{backup, 1}, r2{restore, 2}, u3{upgrade, 3}, r4{restore, 4};
  CAF_CHECK(serves_before(r2, b1));
  CAF_CHECK(serves_before(r2, r4));
  CAF_CHECK(!serves_before(r4, r2));
  CAF_CHECK(serves_before(b1, u3));
  CAF_CHECK(!serves_before(u3, b1));
  CAF_CHECK(serves_before(r4, b1));
  CAF_CHECK(!serves_before(b1, b1));
}

CAF_TEST(resource versions compare as numbers when they are numbers) {
  CAF_CHECK(is_newer_version("10", "9"));
  CAF_CHECK(!is_newer_version("9", "10"));
  CAF_CHECK(!is_newer_version("10", "10"));
  CAF_CHECK(is_newer_version("1", ""));
  CAF_CHECK(is_newer_version("abc", "abd")); // opaque: different means newer
  CAF_CHECK(!is_newer_version("abc", "abc"));
}

CAF_TEST(backoff doubles up to the cap) {
  using std::chrono::milliseconds;
  const milliseconds base{100}, cap{1000};
  CAF_CHECK(backoff_delay(1, base, cap) == milliseconds{100});
  CAF_CHECK(backoff_delay(2, base, cap) == milliseconds{200});
  CAF_CHECK(backoff_delay(4, base, cap) == milliseconds{800});
  CAF_CHECK(backoff_delay(5, base, cap) == milliseconds{1000});
  CAF_CHECK(backoff_delay(1000, base, cap) == milliseconds{1000});
}

CAF_TEST(what becomes of an operation whose requester died) {
  using k = pending_kind;
  using s = pending_stage;
  using a = dead_requester_action;
  struct row {
    pending_kind kind;
    pending_stage stage;
    dead_requester_action want;
  };
  const row rows[] = {
    // An acquire is never served to the dead, and what was written for one is released.
    {k::acquire, s::queued, a::drop},
    {k::acquire, s::deciding, a::drop},
    {k::acquire, s::writing, a::carry_on}, // only the answer says whether it landed
    {k::acquire, s::written, a::release_grant},
    {k::acquire, s::write_unknown, a::release_grant},
    {k::serve, s::queued, a::drop},
    {k::serve, s::deciding, a::drop},
    {k::serve, s::writing, a::carry_on},
    {k::serve, s::written, a::release_grant},
    {k::serve, s::write_unknown, a::release_grant},
    // A release frees what its requester asked to free, dead or alive.
    {k::release, s::queued, a::carry_on},
    {k::release, s::deciding, a::carry_on},
    {k::release, s::writing, a::carry_on},
    {k::release, s::written, a::carry_on},
    {k::release, s::write_unknown, a::carry_on},
    // Reads and renewals are for the requester only; a renewal written is harmless.
    {k::query, s::queued, a::drop},
    {k::query, s::deciding, a::drop},
    {k::renew, s::queued, a::drop},
    {k::renew, s::deciding, a::drop},
    {k::renew, s::writing, a::carry_on},
    {k::renew, s::written, a::carry_on},
    {k::renew, s::write_unknown, a::carry_on},
    // A refresh has no requester to lose.
    {k::refresh, s::queued, a::carry_on},
    {k::refresh, s::deciding, a::carry_on},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE("kind " << static_cast<int>(r.kind) << ", stage " << static_cast<int>(r.stage));
    CAF_CHECK(on_dead_requester(r.kind, r.stage) == r.want);
  }
}
