// Orphan Restore locks, pure (DESIGN §3, issue 16 finding 2): which holders name a restore,
// what a Job found under the restore's Job name says, and the verdict on live reads.
#define CAF_SUITE restore.orphan_lock
#include "caf/test/unit_test.hpp"

#include "actors/restore_request/orphan_lock.hpp"
#include "actors/restore_request/restore_job.hpp"
#include "model/openbao_restore.hpp"

using namespace baorestore;
using namespace baorestore::restore;

namespace {

const std::string gone = "openbaorestore/r1/uid-1";

model::operation_lock lock_of(std::string holder,
                              model::cluster_operation op = model::cluster_operation::restore) {
  model::operation_lock l;
  l.operation = op;
  l.holder = std::move(holder);
  return l;
}

job_view job(std::string uid, bool suspended, bool finished = false) {
  return job_view{std::move(uid), suspended, finished};
}

} // namespace

CAF_TEST(only restore holders with a uid name a restore) {
  CAF_CHECK(parse_restore_holder(gone) == (restore_holder{"r1", "uid-1"}));
  CAF_CHECK(parse_restore_holder("openbaorestore/a.b-c/0f8e-11").has_value());
  for (const char* other : {"openbaorestore/r1", "openbaorestore/r1/", "openbaorestore//uid",
                            "openbaorestore/r1/uid/x", "openbaocluster/backup",
                            "openbaocluster/upgrade", "lockservice/openbaorestore/r1/uid", ""}) {
    CAF_MESSAGE(other);
    CAF_CHECK(!parse_restore_holder(other));
  }
}

CAF_TEST(a job view reads the owner the suspension and the end) {
  model::job j;
  CAF_CHECK(view_of(j).restore_uid.empty());
  CAF_CHECK(!view_of(j).suspended);
  CAF_CHECK(!view_of(j).finished);
  j.metadata.annotations[annotation_restore_uid] = "uid-a";
  CAF_CHECK_EQUAL(view_of(j).restore_uid, "uid-a");
  j.metadata.owner_references.push_back(
    {model::openbao_api_version, model::restore_kind, "r1", "uid-1", true, true});
  CAF_CHECK_EQUAL(view_of(j).restore_uid, "uid-1"); // the owner reference wins
  j.spec.suspend = false;
  CAF_CHECK(!view_of(j).suspended);
  j.spec.suspend = true;
  CAF_CHECK(view_of(j).suspended);
  model::job_condition c;
  c.type = "Failed";
  c.status = "False";
  j.status.conditions.push_back(c);
  CAF_CHECK(!view_of(j).finished);
  j.status.conditions.back().status = "True";
  CAF_CHECK(view_of(j).finished);
  j.status.conditions.back().type = "Complete";
  CAF_CHECK(view_of(j).finished);
}

CAF_TEST(orphan verdicts) {
  using v = orphan_verdict;
  struct row {
    const char* name;
    std::string holder;
    orphan_reads reads;
    orphan_verdict want;
  };
  const auto held = lock_of(gone);
  const row rows[] = {
    {"restore and Job gone", gone, {held, std::nullopt, std::nullopt}, v::reclaim},
    {"a new restore of the same name", gone, {held, "uid-2", std::nullopt}, v::reclaim},
    {"its Job suspended", gone, {held, std::nullopt, job("uid-1", true)}, v::reclaim},
    {"its Job finished", gone, {held, std::nullopt, job("uid-1", false, true)}, v::reclaim},
    {"the Job of a new restore runs", gone, {held, "uid-2", job("uid-2", false)}, v::reclaim},
    {"its Job runs", gone, {held, std::nullopt, job("uid-1", false)}, v::job_runs},
    {"a Job naming no restore runs", gone, {held, std::nullopt, job("", false)}, v::job_runs},
    {"the restore exists", gone, {held, "uid-1", std::nullopt}, v::restore_exists},
    {"the restore exists, Job suspended", gone, {held, "uid-1", job("uid-1", true)},
     v::restore_exists},
    {"lock freed meanwhile", gone, {std::nullopt, std::nullopt, std::nullopt}, v::not_orphan},
    {"lock taken meanwhile", gone, {lock_of("openbaorestore/r2/uid-2"), {}, {}}, v::not_orphan},
    {"a Backup of that name", gone,
     {lock_of(gone, model::cluster_operation::backup), {}, {}}, v::not_orphan},
    {"upstream's holder", "openbaorestore/r1", {lock_of("openbaorestore/r1"), {}, {}},
     v::not_orphan},
    {"a backup holder", "openbaocluster/backup",
     {lock_of("openbaocluster/backup", model::cluster_operation::backup), {}, {}},
     v::not_orphan},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE(r.name);
    CAF_CHECK_EQUAL(to_string(judge_orphan(r.holder, r.reads)), to_string(r.want));
  }
}

CAF_TEST(one event name per reclaimed holder) {
  restore_holder h{"r1", "uid-1"};
  CAF_CHECK_EQUAL(reclaim_event_name("vault", h), "vault.lock-reclaimed.uid-1");
  CAF_CHECK_EQUAL(reclaim_event_name("vault", h), reclaim_event_name("vault", h));
  CAF_CHECK(reclaim_event_name("vault", h) != reclaim_event_name("vault", {"r1", "uid-2"}));
  auto long_name = reclaim_event_name(std::string(250, 'v'), h);
  CAF_CHECK(long_name.size() <= 253u);
  CAF_CHECK_EQUAL(long_name, "lock-reclaimed.uid-1");
}
