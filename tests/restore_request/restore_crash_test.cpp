#define CAF_SUITE restore.crash
#include "caf/test/dsl.hpp"

// Crash safety: the restore actor is killed right after each of its API requests in turn
// (every step boundary of a whole restore), restarted by its supervisor, and must still end
// Completed with one Job, created once, and the lock released.

#include "tests/restore_request/restore_fixture.hpp"

using namespace restore_test;

namespace {

/// Runs messages one at a time until the store has seen `n` calls; false if it never does.
bool run_until_calls(restore_fixture& f, std::size_t n) {
  for (int guard = 0; guard < 100'000; ++guard) {
    if (f.store->calls().size() >= n)
      return true;
    if (!f.sched.try_run_once())
      f.sched.advance_time(100ms);
  }
  return false;
}

/// Lets the restore run to its end, finishing its Job when it exists; the Job's first uid.
std::string run_to_end(restore_fixture& f) {
  std::string first_uid;
  for (int i = 0; i < 120 && f.phase() != restore_phase::completed; ++i) {
    f.pass(500ms);
    auto j = f.store->job("tenant-a", "restore-restore-1");
    if (!j)
      continue;
    if (first_uid.empty())
      first_uid = j->metadata.uid;
    CAF_CHECK_EQUAL(j->metadata.uid, first_uid); // never a second Job
    if (j->spec.suspend.value_or(false))
      continue; // no pod until the restore unsuspends it, after any kill
    if (j->status.conditions.empty()) {
      CAF_CHECK_EQUAL(f.lock_holder(), f.holder()); // started only under its lock
      f.finish_job(true);
    }
  }
  f.run_for(3s);
  return first_uid;
}

} // namespace

CAF_TEST(a restore killed after any request still completes with one Job) {
  std::size_t total = 0;
  {
    restore_fixture f;
    f.start(f.make_restore(), false);
    CAF_REQUIRE(!run_to_end(f).empty());
    CAF_REQUIRE(f.phase() == restore_phase::completed);
    total = f.store->calls().size();
  }
  CAF_MESSAGE(total << " requests in an undisturbed restore");
  CAF_REQUIRE_GREATER(total, 10u);
  for (std::size_t k = 1; k < total; ++k) {
    restore_fixture f;
    f.start(f.make_restore(), false);
    CAF_REQUIRE(run_until_calls(f, k));
    auto victim = *f.current;
    CAF_REQUIRE(victim);
    caf::anon_send_exit(victim, caf::exit_reason::kill);
    auto uid = run_to_end(f);
    CAF_MESSAGE("killed after request " << k << ": " << model::to_string(f.phase()));
    CAF_CHECK(*f.current != victim);
    CAF_CHECK(f.phase() == restore_phase::completed);
    CAF_CHECK(!uid.empty());
    CAF_CHECK_EQUAL(f.lock_holder(), "");
  }
}
