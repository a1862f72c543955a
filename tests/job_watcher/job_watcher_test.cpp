// The job_watcher over the in-memory gateway and a lock registry on CAF's deterministic test
// coordinator (DESIGN §4): each outcome reported once to the parent, the lock checked while
// the Job runs, transport errors ridden out, the poll interval growing to its ceiling with
// jitter in bounds.
#define CAF_SUITE job_watcher
#include "caf/test/dsl.hpp"

#include "tests/job_watcher/watcher_fixture.hpp"

using namespace job_watcher_test;

namespace {

struct fixture : watcher_fixture {};

} // namespace

CAF_TEST_FIXTURE_SCOPE(job_watcher_tests, fixture)

CAF_TEST(a completed job is reported once and the watcher quits normally) {
  auto log = watch();
  CAF_CHECK_EQUAL(job_gets(), 1u); // polled at once
  CAF_CHECK(log->reports.empty());
  set_job({cond("Complete")}, wall_start + 30s);
  pass(1s);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  auto* ok = as<job_succeeded>(*log, 0);
  CAF_REQUIRE(ok != nullptr);
  CAF_CHECK_EQUAL(ok->job_name, "vault-restore-r1");
  CAF_CHECK(ok->completion_time == wall_start + 30s);
  CAF_CHECK(log->senders[0] == log->watcher.address()); // not anonymous
  CAF_REQUIRE(log->watcher_exit);
  CAF_CHECK(!*log->watcher_exit || *log->watcher_exit == caf::exit_reason::normal);
  pass(1min);
  CAF_CHECK_EQUAL(job_gets(), 2u);
  CAF_CHECK_EQUAL(log->reports.size(), 1u);
}

CAF_TEST(a failed job is reported with the reason of its Failed condition) {
  auto log = watch();
  set_job({cond("FailureTarget", "BackoffLimitExceeded")}); // pods still terminating
  pass(1s);
  CAF_CHECK(log->reports.empty());
  set_job({cond("FailureTarget", "BackoffLimitExceeded"),
           cond("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")});
  pass(2s);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  auto* failed = as<job_failed>(*log, 0);
  CAF_REQUIRE(failed != nullptr);
  CAF_CHECK_EQUAL(failed->reason, "BackoffLimitExceeded");
  CAF_CHECK_EQUAL(failed->message, "Job has reached the specified backoff limit");
  CAF_CHECK(log->watcher_exit);
}

CAF_TEST(a deadline is reported as DeadlineExceeded) {
  set_job({cond("Failed", "DeadlineExceeded", "Job was active longer than specified deadline")});
  auto log = watch();
  auto* failed = as<job_failed>(*log, 0);
  CAF_REQUIRE(failed != nullptr);
  CAF_CHECK_EQUAL(failed->reason, "DeadlineExceeded");
}

CAF_TEST(a missing job is reported at once) {
  auto cfg = config();
  cfg.job.name = "nope";
  auto log = watch(cfg);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  auto* missing = as<job_missing>(*log, 0);
  CAF_REQUIRE(missing != nullptr);
  CAF_CHECK_EQUAL(missing->job_name, "nope");
  CAF_CHECK_EQUAL(missing->observed_uid, "");
  CAF_CHECK(log->watcher_exit);
}

CAF_TEST(a job replaced under the same name counts as missing) {
  auto log = watch();
  CAF_CHECK(log->reports.empty());
  auto other = make_job();
  other.metadata.uid = "uid-other";
  other.status.conditions.push_back(cond("Complete")); // even a finished one: not ours
  store->put(other);
  pass(1s);
  auto* missing = as<job_missing>(*log, 0);
  CAF_REQUIRE(missing != nullptr);
  CAF_CHECK_EQUAL(missing->observed_uid, "uid-other");
}

CAF_TEST(a lock taken by another holder is reported while the job runs) {
  auto log = watch();
  pass(1s);
  CAF_CHECK(log->reports.empty());
  take_lock("openbaorestore/r2/uid-r2", 4);
  pass(2s);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  auto* lost = as<job_lock_lost>(*log, 0);
  CAF_REQUIRE(lost != nullptr);
  CAF_REQUIRE(lost->now);
  CAF_CHECK_EQUAL(lost->now->holder, "openbaorestore/r2/uid-r2");
  CAF_CHECK(log->watcher_exit);
  auto gets = job_gets();
  pass(1min);
  CAF_CHECK_EQUAL(job_gets(), gets);
}

CAF_TEST(a changed fence under the same holder name is a lost lock) {
  auto log = watch();
  take_lock(holder, 9); // released and re-acquired by a namesake meanwhile
  pass(1s);
  auto* lost = as<job_lock_lost>(*log, 0);
  CAF_REQUIRE(lost != nullptr);
  CAF_REQUIRE(lost->now);
  CAF_CHECK(lost->now->fence == 9);
}

CAF_TEST(a finished job wins over the lock check) {
  set_job({cond("Complete")});
  auto log = watch();
  take_lock("openbaorestore/r2/uid-r2", 4);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  CAF_CHECK(as<job_succeeded>(*log, 0) != nullptr);
}

CAF_TEST(transport errors and 5xx are polled through and warned about) {
  auto log = watch();
  CAF_CHECK_EQUAL(job_gets(), 1u);
  store->fail_next(verb::get, api_errc::transport, 3); // the lock answers from its cache
  pass(1s);
  pass(2s);
  CAF_CHECK_EQUAL(job_gets(), 3u);
  CAF_CHECK_EQUAL(warnings.size(), 1u); // at 2 consecutive failures
  pass(4s);
  CAF_CHECK_EQUAL(job_gets(), 4u);
  CAF_CHECK(log->reports.empty());
  set_job({cond("Complete")});
  pass(8s);
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  CAF_CHECK(as<job_succeeded>(*log, 0) != nullptr);
  CAF_REQUIRE_EQUAL(warnings.size(), 1u);
  CAF_MESSAGE(warnings[0]);
  CAF_CHECK(warnings[0].find("tenant-a/vault-restore-r1") != std::string::npos);
  CAF_CHECK(warnings[0].find("transport") != std::string::npos);
}

CAF_TEST(server errors keep the watcher polling and warn at every multiple) {
  auto log = watch();
  store->fail_next(verb::get, api_errc::server_error, 5);
  for (auto d : {1s, 2s, 4s, 8s, 8s})
    pass(d);
  CAF_CHECK_EQUAL(job_gets(), 6u);
  CAF_CHECK_EQUAL(warnings.size(), 2u); // at 2 and 4
  CAF_CHECK(log->reports.empty());
  set_job({cond("Failed", "BackoffLimitExceeded")});
  pass(8s);
  CAF_CHECK(as<job_failed>(*log, 0) != nullptr);
}

CAF_TEST(the poll interval grows to the ceiling and stays there) {
  auto log = watch();
  // Polls at 0, 1, 3, 7, 15, 23, 31 s: waits 1, 2, 4, 8, 8, 8 (ceiling).
  std::size_t want = 1;
  for (auto wait : {1s, 2s, 4s, 8s, 8s, 8s}) {
    pass(wait - 1ms);
    CAF_CHECK_EQUAL(job_gets(), want);
    pass(1ms);
    ++want;
    CAF_CHECK_EQUAL(job_gets(), want);
  }
  CAF_CHECK(log->reports.empty());
}

CAF_TEST(jitter keeps each interval within its bounds) {
  auto cfg = config();
  cfg.schedule.jitter = 0.2;
  cfg.seed = 7;
  auto start = now();
  auto log = watch(cfg);
  std::vector<caf::timespan> at{start};
  const auto step = 10ms;
  for (int i = 0; i < 6000 && at.size() < 12; ++i) {
    auto before = job_gets();
    pass(step);
    if (job_gets() > before)
      at.push_back(now());
  }
  CAF_REQUIRE_GREATER_OR_EQUAL(at.size(), 10u);
  bool jittered = false;
  caf::timespan base = 1s;
  for (std::size_t i = 1; i < at.size(); ++i) {
    auto interval = at[i] - at[i - 1];
    auto lo = base * 8 / 10 - step;
    auto hi = std::min<caf::timespan>(base * 12 / 10, 8s) + step;
    CAF_MESSAGE("interval " << i << ": " << interval.count() / 1000000 << " ms, base "
                            << base.count() / 1000000 << " ms");
    CAF_CHECK_GREATER_OR_EQUAL(interval, lo);
    CAF_CHECK_LESS_OR_EQUAL(interval, hi);
    if (interval > base + step || interval + step < base)
      jittered = true;
    base = std::min<caf::timespan>(base * 2, 8s);
  }
  CAF_CHECK(jittered);
}

CAF_TEST(a stopped watcher polls no more) {
  auto log = watch();
  caf::anon_send_exit(log->watcher, caf::exit_reason::user_shutdown);
  settle();
  CAF_REQUIRE(log->watcher_exit);
  pass(1min);
  CAF_CHECK_EQUAL(job_gets(), 1u);
  CAF_CHECK(log->reports.empty());
}

CAF_TEST(a watcher whose parent exits normally polls no more) {
  auto log = watch();
  caf::anon_send(parents.back(), quit_atom_v);
  settle();
  pass(1min);
  CAF_CHECK_EQUAL(job_gets(), 1u);
  CAF_CHECK(log->reports.empty());
}

CAF_TEST(a watcher whose report_to terminates stops too) {
  auto log = std::make_shared<parent_log>();
  auto sink = sys.spawn(success_sink, log);
  auto cfg = config();
  cfg.report_to = sink;
  spawn_job_watcher(sys, cfg);
  settle();
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  settle();
  pass(1min);
  CAF_CHECK_EQUAL(job_gets(), 1u);
}

CAF_TEST(lock query failures are retried and a vanished cluster is a lost lock) {
  cluster_lock::lock_status held{restore_lock(holder, 3), "1", 0};
  auto locks = sys.spawn(scripted_lock,
                         std::vector<caf::expected<cluster_lock::lock_status>>{
                           held, caf::make_error(cluster_lock::lock_errc::gave_up),
                           caf::make_error(cluster_lock::lock_errc::gave_up), held,
                           caf::make_error(cluster_lock::lock_errc::cluster_not_found)});
  auto cfg = config();
  cfg.locks = locks;
  cfg.cluster.name = "vanished"; // the live read that the lock's answer asks for finds none
  auto log = watch(cfg);
  for (auto d : {1s, 2s, 4s}) {
    pass(d);
    CAF_CHECK(log->reports.empty());
  }
  CAF_CHECK_EQUAL(warnings.size(), 1u); // two gave_up in a row
  pass(8s);
  auto* lost = as<job_lock_lost>(*log, 0);
  CAF_REQUIRE(lost != nullptr);
  CAF_CHECK(!lost->now);
  caf::anon_send_exit(locks, caf::exit_reason::user_shutdown);
}

CAF_TEST(a lock actor whose cache is stale does not make the watcher report lost) {
  // Another operator process granted this restore the lock after this process's lock actor
  // had read the cluster: its cache still shows the previous holder.
  store->patch_cluster_status(cluster.namespace_, cluster.name,
                              R"({"status":{"operationLock":{"holder":"openbaorestore/r0/uid-r0",)"
                              R"("fence":2}}})");
  CAF_REQUIRE_EQUAL(cached_holder(), "openbaorestore/r0/uid-r0");
  store->patch_cluster_status(cluster.namespace_, cluster.name,
                              R"({"status":{"operationLock":{"holder":")" + holder
                                + R"(","fence":3}}})");
  CAF_REQUIRE_EQUAL(cached_holder(), "openbaorestore/r0/uid-r0");
  store->clear_calls();
  auto log = watch();
  pass(1s);
  // The cached answer said lost; the live read said held: no report, the Job runs on.
  CAF_CHECK(log->reports.empty());
  CAF_CHECK_EQUAL(cluster_gets(), 1u);
  // The live read caught the lock actor up: later polls need no more live reads.
  CAF_CHECK_EQUAL(cached_holder(), holder);
  for (auto d : {2s, 4s, 8s})
    pass(d);
  CAF_CHECK(log->reports.empty());
  CAF_CHECK_EQUAL(cluster_gets(), 1u);
  CAF_CHECK(job_gets() >= 4u);
}

CAF_TEST(a lost lock from a cache is checked live every time it is said) {
  // A lock actor that keeps answering from a cache that is wrong: each such answer costs a
  // live read, and none of them ends the Job.
  model::operation_lock other = restore_lock("openbaorestore/r0/uid-r0", 2);
  auto locks = sys.spawn(scripted_lock,
                         std::vector<caf::expected<cluster_lock::lock_status>>{
                           cluster_lock::lock_status{other, "1", 0},
                           caf::make_error(cluster_lock::lock_errc::cluster_not_found)});
  auto cfg = config();
  cfg.locks = locks;
  auto log = watch(cfg);
  for (auto d : {1s, 2s, 4s})
    pass(d);
  CAF_CHECK(log->reports.empty());
  CAF_CHECK_EQUAL(cluster_gets(), 4u); // one per poll: the first at once, then three
  // Once the API server agrees, it is lost.
  take_lock("openbaorestore/r2/uid-r2", 4);
  pass(8s);
  auto* lost = as<job_lock_lost>(*log, 0);
  CAF_REQUIRE(lost != nullptr);
  CAF_REQUIRE(lost->now);
  CAF_CHECK_EQUAL(lost->now->holder, "openbaorestore/r2/uid-r2");
  caf::anon_send_exit(locks, caf::exit_reason::user_shutdown);
}

CAF_TEST(a failed live read is not a lost lock) {
  model::operation_lock other = restore_lock("openbaorestore/r0/uid-r0", 2);
  auto locks = sys.spawn(scripted_lock, std::vector<caf::expected<cluster_lock::lock_status>>{
                                          cluster_lock::lock_status{other, "1", 0}});
  auto cfg = config();
  cfg.locks = locks;
  auto log = std::make_shared<parent_log>();
  parents.push_back(sys.spawn(parent, cfg, log));
  run_until([&] { return job_gets() == 1; });
  store->fail_next(verb::get, api_errc::server_error, 1); // the cluster GET after it
  settle();
  CAF_CHECK(log->reports.empty());
  CAF_CHECK_EQUAL(cluster_gets(), 1u);
  pass(1s); // polled again: this time the live read answers, and the lock is held
  CAF_CHECK(log->reports.empty());
  CAF_CHECK_EQUAL(cluster_gets(), 2u);
  caf::anon_send_exit(locks, caf::exit_reason::user_shutdown);
}

CAF_TEST(a watcher spawned by the system reports to report_to) {
  auto log = std::make_shared<parent_log>();
  auto sink = sys.spawn(success_sink, log);
  set_job({cond("Complete")});
  auto cfg = config();
  cfg.report_to = sink;
  spawn_job_watcher(sys, cfg);
  settle();
  CAF_REQUIRE_EQUAL(log->reports.size(), 1u);
  CAF_CHECK(as<job_succeeded>(*log, 0) != nullptr);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
