#define CAF_SUITE restore.refusal
#include "caf/test/dsl.hpp"

// Issue 16 finding 6: a permanent API error was retried for ever with the lock held and the
// status saying only "validating". Here: a long restore name yields valid labels (the
// in-memory store validates labels as kube-apiserver does); a create refused for good fails
// the restore at once and frees the lock; a transient failure is retried with a growing
// backoff that the status message names.

#include "tests/restore_request/restore_fixture.hpp"

using namespace restore_test;

namespace {

/// 200 characters, a valid DNS-1123 subdomain (what the API server lets a restore be named).
std::string long_name() {
  std::string n = "nightly-restore-of-the-production-vault.";
  while (n.size() < 199)
    n += "x";
  return n + "9";
}

struct refusal_fixture : restore_fixture {
  /// Runs until the restore's ServiceAccount exists: its Job create is the next request.
  void run_until_service_account() {
    run_until(
      [this] { return store->service_account("tenant-a", "vault-restore-serviceaccount"); });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(restore_refusal_tests, refusal_fixture)

CAF_TEST(a restore with a 200 character name completes) {
  auto name = long_name();
  CAF_REQUIRE_EQUAL(name.size(), 200u);
  start(make_restore(name));
  CAF_CHECK(phase(name) == restore_phase::running);
  auto job_name = restore_job_name(name);
  CAF_CHECK_EQUAL(job_name.size(), 63u);
  auto job = store->job("tenant-a", job_name);
  CAF_REQUIRE(job);
  // The label carries the name cut with the Job name's hash suffix; the annotation the
  // full name.
  auto label = job->metadata.labels.at(label_restore);
  CAF_CHECK_EQUAL(label.size(), 63u);
  CAF_CHECK_EQUAL(label, restore_label_value(name));
  CAF_CHECK_EQUAL(job->spec.template_.labels.at(label_restore), label);
  CAF_CHECK_EQUAL(job->metadata.annotations.at(annotation_restore_name), name);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
  finish_job(true, "", job_name);
  run_for(3s);
  CAF_CHECK(phase(name) == restore_phase::completed);
  CAF_CHECK_EQUAL(lock_holder(), "");
}

CAF_TEST(a Job create refused with 422 fails the restore at once and releases the lock) {
  start(make_restore(), false);
  run_until_service_account();
  store->fail_next(gateway::verb::create, gateway::api_errc::invalid);
  settle();
  CAF_CHECK(phase() == restore_phase::failed);
  // The server's message, in the message and in the condition's reason.
  CAF_CHECK_EQUAL(message(), "Job create refused by the API server (invalid): injected invalid "
                             "(create jobs.batch \"restore-restore-1\")");
  bool reason = false;
  for (const auto& c : restore().status.conditions)
    if (c.type == "RestoreComplete")
      reason = c.reason == "JobCreateRejected";
  CAF_CHECK(reason);
  CAF_CHECK_EQUAL(lock_holder(), "");
  // Once: never tried again, and no Job.
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job", true), 1u);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
  run_for(120s, 5s);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job", true), 1u);
  CAF_CHECK(!store->job("tenant-a", "restore-restore-1"));
}

CAF_TEST(a ServiceAccount create refused with 403 fails the restore too) {
  start(make_restore(), false);
  run_until([this] { return !lock_holder().empty(); });
  store->fail_next(gateway::verb::create, gateway::api_errc::forbidden);
  settle();
  CAF_CHECK(phase() == restore_phase::failed);
  CAF_CHECK(message().find("ServiceAccount create refused by the API server (forbidden)") == 0);
  CAF_CHECK_EQUAL(lock_holder(), "");
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
}

CAF_TEST(a transient Job create failure is retried with growing backoff and said) {
  start(make_restore(), false);
  run_until_service_account();
  store->fail_next(gateway::verb::create, gateway::api_errc::server_error, 4);
  settle();
  CAF_CHECK(phase() == restore_phase::validating);
  CAF_CHECK_EQUAL(message(), "retrying: Job create failed: injected server_error (create "
                             "jobs.batch \"restore-restore-1\")");
  CAF_CHECK_EQUAL(lock_holder(), holder()); // kept: the failure may heal
  // Backoff 2, 4, 8 s (±20 %) between the four failed creates (each attempt creates the
  // ServiceAccount, then the Job: the later injected failures meet the ServiceAccount):
  // within 10 s at most three attempts, where a fixed few seconds would make five.
  auto failed = [this] {
    return count(gateway::verb::create, "Job", true)
           + count(gateway::verb::create, "ServiceAccount", true);
  };
  run_for(10s);
  CAF_CHECK_LESS_OR_EQUAL(failed(), 3u);
  CAF_CHECK_GREATER_OR_EQUAL(failed(), 2u);
  run_for(40s);
  CAF_CHECK_EQUAL(failed(), 4u);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 1u);
  CAF_CHECK(phase() == restore_phase::running);
  CAF_CHECK_EQUAL(message(), "restore Job tenant-a/restore-restore-1 is running");
}

CAF_TEST(a restore whose Job would be refused fails in Validating without the lock) {
  // A name the API server would never have let through, but a schema-less or lenient
  // source can hand us: its Job name and labels are not valid.
  start(make_restore("Bad_Name"));
  CAF_CHECK(phase("Bad_Name") == restore_phase::failed);
  auto m = message("Bad_Name");
  CAF_CHECK(m.find("the API server would refuse what this restore creates: Job restore-Bad_Name: "
                   "metadata.name: Invalid value: \"restore-Bad_Name\": a lowercase RFC 1123")
            == 0);
  bool reason = false;
  for (const auto& c : restore("Bad_Name").status.conditions)
    if (c.type == "RestoreComplete")
      reason = c.reason == "InvalidSpec";
  CAF_CHECK(reason);
  CAF_CHECK_EQUAL(count(gateway::verb::patch_status, "OpenBaoCluster"), 0u); // never locked
  CAF_CHECK_EQUAL(count(gateway::verb::create, "Job"), 0u);
  CAF_CHECK_EQUAL(count(gateway::verb::create, "ServiceAccount"), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
