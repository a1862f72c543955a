#include "cli/dev_demo.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "actors/cluster_lock/lock_client.hpp"
#include "cli/dev_cluster.hpp"
#include "devcluster/job_runner.hpp"

namespace baorestore::cli {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const char* tenants[] = {"tenant-a", "tenant-b", "tenant-c"};

/// What each restore of the scenario must end as.
const std::map<std::string, std::string> expected{
  {"tenant-a/a-1", "Completed"},      // waited for the backup's lock
  {"tenant-b/b-invalid", "Failed"},   // its cluster does not exist
  {"tenant-b/b-force", "Completed"},  // took the lock from an upgrade
  {"tenant-c/c-1", "Failed"},         // its Job failed
};

std::string restore_json(const std::string& ns, const std::string& name,
                         const std::string& cluster, const std::string& extra = {}) {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore","metadata":{"name":")"
         + name + R"(","namespace":")" + ns + R"("},"spec":{"cluster":")" + cluster
         + R"(","source":{"target":{"bucket":"openbao-backups"},"key":"clusters/)" + cluster
         + R"(/2026-11-24T030000Z.snap"},"tokenSecretRef":{"name":"restore-token"})" + extra
         + "}}";
}

void seed(dev_cluster& c) {
  for (const char* ns : tenants) {
    std::string n = ns;
    c.create(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + n + R"("}})");
    c.create(R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster","metadata":{"name":"vault","namespace":")"
             + n + R"("},"spec":{"version":"2.4.0","replicas":3}})");
    c.patch_cluster_status(n, "vault", R"({"initialized":true})");
    c.create(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"restore-token","namespace":")"
             + n + R"("},"stringData":{"token":"demo-token"},"data":{"token":"ZGVtby10b2tlbg=="}})");
  }
}

template <class Pred>
bool wait_until(Pred pred, clock_type::time_point deadline) {
  while (clock_type::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::map<std::string, std::string> phases(dev_cluster& c) {
  std::map<std::string, std::string> out;
  for (const auto& r : c.restores())
    out[r.metadata.namespace_ + "/" + r.metadata.name] = std::string{model::to_string(r.status.phase)};
  return out;
}

bool restore_holds_a_lock(dev_cluster& c) {
  for (const char* ns : tenants)
    if (auto cl = c.cluster(ns, "vault"); cl && cl->status.lock
                                          && cl->status.lock->operation
                                               == model::cluster_operation::restore)
      return true;
  return false;
}

bool all_finished(dev_cluster& c) {
  auto p = phases(c);
  for (const auto& [key, want] : expected)
    if (p[key] != "Completed" && p[key] != "Failed")
      return false;
  return !restore_holds_a_lock(c);
}

/// The scenario itself; true when it could be played to the end before the deadline.
bool play(dev_cluster& c, cluster_lock::lock_client& locks, clock_type::time_point deadline,
          std::ostream& log) {
  const cluster_lock::cluster_key a{"tenant-a", "vault"};
  auto backup = locks.acquire(a, model::cluster_operation::backup, "openbaocluster/backup", {},
                              "nightly backup (demo)");
  if (!backup || backup->outcome != cluster_lock::lock_outcome::granted) {
    log << "demo: the backup could not take tenant-a's lock\n";
    return false;
  }
  // tenant-b's cluster is being upgraded: its lock was written by the OpenBao operator.
  c.patch_cluster_status("tenant-b", "vault",
                         R"({"operationLock":{"operation":"Upgrade","holder":"openbaocluster/upgrade","message":"upgrade to 2.4.1"}})");
  c.create(restore_json("tenant-a", "a-1", "vault"));
  c.create(restore_json("tenant-b", "b-invalid", "ghost"));
  c.create(restore_json("tenant-b", "b-force", "vault", R"(,"force":true,"overrideOperationLock":true)"));
  c.create(restore_json("tenant-c", "c-1", "vault"));
  // The restore Job of tenant-c fails: the embedded Job runner is told so by annotation.
  auto job_c = "/apis/batch/v1/namespaces/tenant-c/jobs/restore-c-1";
  if (!wait_until([&] { return c.call("GET", job_c).status == 200; }, deadline))
    return false;
  c.call("PATCH", job_c,
         R"({"metadata":{"annotations":{")" + std::string{devcluster::job_outcome_annotation}
           + R"(":"fail"}}})",
         "application/merge-patch+json");
  // tenant-a's restore waits for the backup, which finishes a few seconds later.
  std::this_thread::sleep_for(4s);
  auto released = locks.release(a, model::cluster_operation::backup, "openbaocluster/backup");
  if (!released) {
    log << "demo: the backup could not release tenant-a's lock\n";
    return false;
  }
  return wait_until([&] { return all_finished(c); }, deadline);
}

} // namespace

int play_demo(dev_cluster& c, cluster_lock::lock_client& locks, double timeout_seconds,
              std::ostream& out, const std::function<void(std::function<bool()>)>& show) {
  seed(c);
  auto deadline = clock_type::now()
                  + std::chrono::duration_cast<clock_type::duration>(
                    std::chrono::duration<double>(timeout_seconds));
  std::atomic<bool> done{false};
  bool played = false;
  std::ostringstream log;
  std::thread driver{[&] {
    played = play(c, locks, deadline, log);
    done = true;
  }};
  show([&] { return done.load(); });
  driver.join();
  out << log.str();
  if (!played)
    out << "demo: the scenario did not finish within " << timeout_seconds << " s\n";
  auto seen = phases(c);
  bool ok = played;
  for (const auto& [key, want] : expected) {
    bool match = seen[key] == want;
    ok = ok && match;
    out << "demo: " << key << " ended " << (seen[key].empty() ? "-" : seen[key]) << ", expected "
        << want << (match ? " (ok)" : " (WRONG)") << "\n";
  }
  bool locked = restore_holds_a_lock(c);
  out << "demo: no cluster lock left held by a restore: " << (locked ? "WRONG" : "ok") << "\n";
  ok = ok && !locked;
  out << (ok ? "demo: every restore ended as expected\n" : "demo: FAILED\n") << std::flush;
  return ok ? 0 : 1;
}

} // namespace baorestore::cli
