// The lock actor against the in-memory gateway (DESIGN §3): grants, busy answers, conflicts
// with writers outside the process, retries, forced takeovers, and the exact API calls made.
#define CAF_SUITE lock_actor
#include "caf/test/dsl.hpp"

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;
using gateway::api_errc;
using gateway::verb;

namespace {

struct fixture : lock_fixture {};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lock_actor_tests, fixture)

CAF_TEST(two requesters racing for one cluster get exactly one grant) {
  auto a = make_client();
  auto b = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  tell(b, acquire(restore_op, "openbaorestore/r1/uid-1"));
  settle();
  CAF_REQUIRE_EQUAL(a.log->answers.size(), 1u);
  CAF_REQUIRE_EQUAL(b.log->answers.size(), 1u);
  CAF_CHECK_NOT_EQUAL(a.log->granted(0), b.log->granted(0));
  auto winner = a.log->granted(0) ? "openbaocluster/backup" : "openbaorestore/r1/uid-1";
  CAF_CHECK_EQUAL(stored_holder(), winner);
  auto& loser = a.log->granted(0) ? b.log : a.log;
  CAF_CHECK(loser->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(loser->answers[0]->current->holder, winner);
  // One read, one write; the loser was answered from the cluster just written.
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK(calls[0].verb == verb::get);
  CAF_CHECK(calls[1].verb == verb::patch_status);
  CAF_CHECK(!calls[1].precondition.empty());
}

CAF_TEST(a grant writes the lock with a fence and the details of the request) {
  auto a = make_client();
  tell(a, acquire(restore_op, "openbaorestore/r1/uid-1"));
  settle();
  CAF_REQUIRE(a.log->granted(0));
  auto lock = stored_lock();
  CAF_REQUIRE(lock);
  CAF_CHECK(lock->operation == restore_op);
  CAF_CHECK_EQUAL(lock->message, "test");
  CAF_CHECK(lock->acquired_at == wall_start);
  CAF_CHECK(lock->fence == 1);
  CAF_CHECK_EQUAL(a.log->answers[0]->fence, 1);
}

CAF_TEST(re-acquire by the holder is idempotent and writes nothing) {
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  store->clear_calls();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(a.log->granted(1));
  CAF_CHECK_EQUAL(a.log->answers[1]->fence, 1);
  CAF_CHECK(store->calls().empty());
}

CAF_TEST(a conflict from an outside writer makes the actor re-read and answer busy) {
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  tell(a, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_REQUIRE(a.log->outcome_is(1, lock_outcome::released));
  // kubectl sets a lock behind the actor's back; its cached cluster still says free.
  CAF_REQUIRE(store->patch_cluster_status(
    k1.namespace_, k1.name,
    R"({"status":{"operationLock":{"operation":"Upgrade","holder":"someone/else"}}})"));
  store->clear_calls();
  auto b = make_client();
  tell(b, acquire(restore_op, "openbaorestore/r1/uid-1"));
  settle();
  CAF_REQUIRE(b.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(b.log->answers[0]->current->holder, "someone/else");
  CAF_CHECK_EQUAL(stored_holder(), "someone/else");
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK(calls[0].verb == verb::patch_status); // 409: stale resourceVersion
  CAF_CHECK(calls[1].verb == verb::get);          // re-read, then busy: no second write
}

CAF_TEST(a fresh lock actor grants against the version the requester saw free without reading) {
  auto seen = store->cluster(k1.namespace_, k1.name)->metadata.resource_version;
  auto a = make_client();
  auto req = acquire(restore_op, "openbaorestore/r1/uid-1");
  req.seen_free_at = seen;
  tell(a, req);
  settle();
  CAF_REQUIRE(a.log->granted(0));
  CAF_CHECK_EQUAL(a.log->answers[0]->decided_on, seen);
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r1/uid-1");
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u); // the write alone, conditional on that version
  CAF_CHECK(calls[0].verb == verb::patch_status);
  CAF_CHECK_EQUAL(calls[0].precondition, seen);
}

CAF_TEST(a stale version seen free costs a conflict and a read never a wrong grant) {
  auto seen = store->cluster(k1.namespace_, k1.name)->metadata.resource_version;
  // A backup took the lock after the requester looked (its view is stale).
  CAF_REQUIRE(store->patch_cluster_status(
    k1.namespace_, k1.name,
    R"({"status":{"operationLock":{"operation":"Backup","holder":"openbaocluster/backup"}}})"));
  auto a = make_client();
  auto req = acquire(restore_op, "openbaorestore/r1/uid-1");
  req.seen_free_at = seen;
  tell(a, req);
  settle();
  CAF_REQUIRE(a.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK_EQUAL(stored_holder(), "openbaocluster/backup");
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK(calls[0].verb == verb::patch_status); // 409
  CAF_CHECK(calls[1].verb == verb::get);
  // Freed meanwhile (the cluster changed again): granted on the version read, which the
  // reply names, so the requester knows the cluster changed since it looked.
  // The actor has read the cluster now: a requester's (old) view no longer replaces it.
  CAF_REQUIRE(store->patch_cluster_status(k1.namespace_, k1.name,
                                          R"({"status":{"operationLock":null}})"));
  auto freed = *store->cluster(k1.namespace_, k1.name);
  self->send(registry, cluster_observed{freed}); // as the cluster watch hands it in
  settle();
  store->clear_calls();
  auto b = make_client();
  auto again = acquire(restore_op, "openbaorestore/r2/uid-2");
  again.seen_free_at = seen;
  tell(b, again);
  settle();
  CAF_REQUIRE(b.log->granted(0));
  CAF_CHECK_EQUAL(b.log->answers[0]->decided_on, freed.metadata.resource_version);
  CAF_CHECK_NOT_EQUAL(b.log->answers[0]->decided_on, seen);
  auto write = store->calls();
  CAF_REQUIRE_EQUAL(write.size(), 1u);
  CAF_CHECK_EQUAL(write[0].precondition, freed.metadata.resource_version);
}

CAF_TEST(release by a non-holder leaves the lock) {
  auto a = make_client();
  auto x = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  tell(x, release(backup_op, "openbaocluster/other"));
  tell(x, release(upgrade_op, "openbaocluster/backup")); // right holder, wrong operation
  settle();
  CAF_CHECK(x.log->outcome_is(0, lock_outcome::not_holder));
  CAF_CHECK(x.log->outcome_is(1, lock_outcome::not_holder));
  CAF_CHECK_EQUAL(x.log->answers[0]->current->holder, "openbaocluster/backup");
  CAF_CHECK_EQUAL(stored_holder(), "openbaocluster/backup");
  CAF_CHECK(a.log->lost.empty());
}

CAF_TEST(release by the holder clears the lock and release when free is a no-op) {
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  tell(a, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(a.log->outcome_is(1, lock_outcome::released));
  CAF_CHECK(!stored_lock());
  CAF_CHECK(a.log->lost.empty()); // a release is not a loss
  store->clear_calls();
  tell(a, release(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(a.log->outcome_is(2, lock_outcome::released));
  CAF_CHECK(store->calls().empty());
}

CAF_TEST(renew writes renewedAt and keeps the fence) {
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  pass(90s);
  tell(a, renew_request{k1, "openbaocluster/backup"});
  tell(a, renew_request{k1, "openbaocluster/other"});
  settle();
  CAF_REQUIRE(a.log->granted(1));
  CAF_CHECK(a.log->outcome_is(2, lock_outcome::not_holder));
  auto lock = stored_lock();
  CAF_REQUIRE(lock);
  CAF_CHECK(lock->acquired_at == wall_start);
  CAF_CHECK(lock->renewed_at == wall_start + 90s);
  CAF_CHECK(lock->fence == 1);
}

CAF_TEST(forced takeover replies the previous holder and tells it the lock is lost) {
  auto b = make_client();
  auto r = make_client();
  tell(b, acquire(backup_op, "openbaocluster/backup"));
  settle();
  tell(r, acquire(restore_op, "openbaorestore/r1/uid-1", caf::timespan{0}, true));
  settle();
  CAF_REQUIRE(r.log->granted(0));
  auto& reply = *r.log->answers[0];
  CAF_REQUIRE(reply.previous);
  CAF_CHECK_EQUAL(reply.previous->holder, "openbaocluster/backup");
  CAF_CHECK_EQUAL(reply.fence, 2);
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r1/uid-1");
  CAF_REQUIRE_EQUAL(b.log->lost.size(), 1u);
  CAF_CHECK_EQUAL(b.log->lost[0].holder, "openbaocluster/backup");
  CAF_CHECK_EQUAL(b.log->lost[0].now->holder, "openbaorestore/r1/uid-1");
  // Force never takes a Restore's lock, and a Backup cannot force at all.
  auto r2 = make_client();
  tell(r2, acquire(restore_op, "openbaorestore/r2/uid-2", caf::timespan{0}, true));
  tell(b, acquire(backup_op, "openbaocluster/backup", caf::timespan{0}, true));
  settle();
  CAF_CHECK(r2.log->outcome_is(0, lock_outcome::busy));
  CAF_CHECK(b.log->outcome_is(1, lock_outcome::busy));
  CAF_CHECK(r.log->lost.empty());
}

CAF_TEST(a late release by an earlier incarnation of the holder tells the current one) {
  auto old_actor = make_client();
  auto new_actor = make_client();
  tell(old_actor, acquire(restore_op, "openbaorestore/r1/uid-1"));
  settle();
  tell(new_actor, acquire(restore_op, "openbaorestore/r1/uid-1")); // restarted: adopts
  settle();
  CAF_REQUIRE(new_actor.log->granted(0));
  tell(old_actor, release(restore_op, "openbaorestore/r1/uid-1")); // the dying one's release
  settle();
  CAF_CHECK(old_actor.log->outcome_is(1, lock_outcome::released));
  CAF_CHECK(old_actor.log->lost.empty());
  CAF_REQUIRE_EQUAL(new_actor.log->lost.size(), 1u);
  CAF_CHECK(!new_actor.log->lost[0].now);
}

CAF_TEST(fence increments on every change of holder) {
  auto a = make_client();
  const char* holders[] = {"openbaocluster/backup", "openbaocluster/upgrade", "x/1", "x/2"};
  std::size_t i = 0;
  for (auto h : holders) {
    tell(a, acquire(backup_op, h));
    tell(a, release(backup_op, h));
    settle();
    CAF_REQUIRE(a.log->granted(i));
    CAF_CHECK_EQUAL(a.log->answers[i]->fence, static_cast<std::int64_t>(i / 2 + 1));
    i += 2;
  }
}

CAF_TEST(transport errors are retried with backoff then succeed) {
  store->fail_next(verb::patch_status, api_errc::transport, 2);
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(a.log->answers.empty()); // first write failed; retry in 100 ms
  pass(99ms);
  CAF_CHECK(a.log->answers.empty());
  pass(1ms);
  CAF_CHECK(a.log->answers.empty()); // second write failed; retry in 200 ms
  pass(199ms);
  CAF_CHECK(a.log->answers.empty());
  pass(1ms);
  CAF_REQUIRE(a.log->granted(0));
  CAF_CHECK_EQUAL(stored_holder(), "openbaocluster/backup");
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 4u);
  CAF_CHECK(calls[1].injected_failure && calls[2].injected_failure);
  CAF_CHECK(calls[3].verb == verb::patch_status && !calls[3].injected_failure);
}

CAF_TEST(the requester gets gave_up after N failures and nothing changes) {
  store->fail_next(verb::patch_status, api_errc::server_error, 100);
  auto a = make_client();
  auto b = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  tell(b, acquire(upgrade_op, "openbaocluster/upgrade"));
  settle();
  for (int i = 0; i < 20; ++i)
    pass(1s);
  CAF_CHECK(a.log->error_is(0, caf::make_error(lock_errc::gave_up)));
  CAF_CHECK(b.log->error_is(0, caf::make_error(lock_errc::gave_up)));
  CAF_CHECK_EQUAL(calls_of(verb::patch_status), 2u * 4u); // retry_attempts each, in turn
  CAF_CHECK(!stored_lock());
}

CAF_TEST(a failing read is retried too) {
  store->fail_next(verb::get, api_errc::too_many_requests, 1);
  auto a = make_client();
  tell(a, acquire(backup_op, "openbaocluster/backup"));
  settle();
  CAF_CHECK(a.log->answers.empty());
  pass(100ms);
  CAF_CHECK(a.log->granted(0));
}

CAF_TEST(a missing cluster is cluster_not_found and other API errors pass through) {
  auto a = make_client();
  auto b = make_client();
  auto c = make_client();
  tell(a, acquire_request{{"tenant-a", "nope"}, backup_op, "openbaocluster/backup", "", false,
                          caf::timespan{0}});
  tell(b, acquire_request{{"", "nope"}, backup_op, "openbaocluster/backup", "", false,
                          caf::timespan{0}});
  tell(c, acquire(backup_op, ""));
  settle();
  CAF_CHECK(a.log->error_is(0, caf::make_error(lock_errc::cluster_not_found)));
  CAF_CHECK(b.log->error_is(0, caf::make_error(lock_errc::invalid_request)));
  CAF_CHECK(c.log->error_is(0, caf::make_error(lock_errc::invalid_request)));
  store->fail_next(verb::get, api_errc::forbidden, 1);
  auto d = make_client();
  tell(d, acquire_request{{"tenant-b", "vault"}, backup_op, "openbaocluster/backup", "", false,
                          caf::timespan{0}});
  settle();
  CAF_CHECK(d.log->error_is(0, caf::make_error(api_errc::forbidden)));
}

CAF_TEST(query answers the lock as last seen) {
  auto a = make_client();
  tell(a, acquire(upgrade_op, "openbaocluster/upgrade"));
  settle();
  auto s = query(k1);
  CAF_REQUIRE(s.lock);
  CAF_CHECK_EQUAL(s.lock->holder, "openbaocluster/upgrade");
  auto stored = store->cluster(k1.namespace_, k1.name);
  CAF_CHECK_EQUAL(s.resource_version, stored->metadata.resource_version);
  CAF_CHECK_EQUAL(s.waiters, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
