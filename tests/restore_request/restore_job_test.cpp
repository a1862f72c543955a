#define CAF_SUITE restore.job
#include "caf/test/unit_test.hpp"

// The restore Job: name, labels, owner, the hardened pod, the executor's environment and
// mounts, and adoption only of our own Jobs.

#include <algorithm>

#include "actors/restore_request/restore_job.hpp"
#include "model/names.hpp"

using namespace baorestore;
using namespace baorestore::restore;

namespace {

model::openbao_restore restore_fixture() {
  model::openbao_restore r;
  r.metadata.name = "restore-1";
  r.metadata.namespace_ = "tenant-a";
  r.metadata.uid = "uid-1";
  r.spec.cluster = "vault";
  r.spec.source.target.bucket = "b";
  r.spec.source.target.endpoint = "http://s3:9000";
  r.spec.source.target.credentials_secret_ref = model::local_object_reference{"s3"};
  r.spec.source.key = "k.snap";
  r.spec.jwt_auth_role = "restore";
  return r;
}

model::openbao_cluster cluster_fixture() {
  model::openbao_cluster c;
  c.metadata.name = "vault";
  c.metadata.namespace_ = "tenant-a";
  c.spec.replicas = 3;
  return c;
}

std::string env_of(const model::job& j, const std::string& name) {
  for (const auto& e : j.spec.template_.spec.containers.at(0).env)
    if (e.name == name)
      return e.value;
  return "<unset>";
}

bool mounted(const model::job& j, const std::string& path) {
  const auto& ms = j.spec.template_.spec.containers.at(0).volume_mounts;
  return std::any_of(ms.begin(), ms.end(), [&](const auto& m) { return m.mount_path == path; });
}

} // namespace

CAF_TEST(the name is deterministic and at most 63 characters) {
  CAF_CHECK_EQUAL(restore_job_name("restore-1"), "restore-restore-1");
  std::string longer(70, 'a');
  auto n = restore_job_name(longer);
  CAF_CHECK_EQUAL(n.size(), 63u);
  CAF_CHECK_EQUAL(n, restore_job_name(longer));
  CAF_CHECK(n != restore_job_name(longer + "b"));
  CAF_CHECK_EQUAL(restore_service_account_name("vault"), "vault-restore-serviceaccount");
}

CAF_TEST(labels annotations and owner make the Job ours) {
  auto r = restore_fixture();
  auto j = build_restore_job(r, cluster_fixture(), 7, {});
  CAF_CHECK_EQUAL(j.metadata.labels["openbao.org/component"], "restore");
  CAF_CHECK_EQUAL(j.spec.template_.labels["openbao.org/component"], "restore");
  CAF_CHECK_EQUAL(j.metadata.labels["app.kubernetes.io/managed-by"], "baorestore");
  CAF_CHECK_EQUAL(j.metadata.annotations["openbao.org/lock-fence"], "7");
  CAF_CHECK_EQUAL(j.metadata.annotations["openbao.org/restore-uid"], "uid-1");
  CAF_REQUIRE_EQUAL(j.metadata.owner_references.size(), 1u);
  CAF_CHECK(j.metadata.owner_references[0].controller);
  CAF_CHECK(is_our_job(j, r));
  auto other = r;
  other.metadata.uid = "uid-2";
  CAF_CHECK(!is_our_job(j, other));
  j.metadata.labels["app.kubernetes.io/managed-by"] = "openbao-operator";
  CAF_CHECK(!is_our_job(j, r));
}

CAF_TEST(the pod is hardened and runs once) {
  auto j = build_restore_job(restore_fixture(), cluster_fixture(), 1, {});
  CAF_CHECK(j.spec.backoff_limit == std::optional<std::int32_t>{0});
  CAF_CHECK(j.spec.active_deadline_seconds == std::optional<std::int64_t>{3600});
  CAF_CHECK(!j.spec.ttl_seconds_after_finished);
  const auto& pod = j.spec.template_.spec;
  CAF_CHECK_EQUAL(pod.restart_policy, "Never");
  CAF_CHECK(pod.automount_service_account_token == std::optional<bool>{false});
  CAF_CHECK_EQUAL(pod.service_account_name, "vault-restore-serviceaccount");
  CAF_REQUIRE(pod.security_context);
  CAF_CHECK_EQUAL(pod.security_context->seccomp_profile_type, "RuntimeDefault");
  const auto& sc = *pod.containers.at(0).security_context;
  CAF_CHECK(sc.read_only_root_filesystem == std::optional<bool>{true});
  CAF_CHECK(sc.allow_privilege_escalation == std::optional<bool>{false});
  CAF_CHECK(sc.run_as_non_root == std::optional<bool>{true});
  CAF_CHECK(sc.caps->drop == std::vector<std::string>{"ALL"});
  CAF_CHECK(mounted(j, "/tmp"));
}

CAF_TEST(the executor environment uses upstream names) {
  auto j = build_restore_job(restore_fixture(), cluster_fixture(), 1, {});
  CAF_CHECK_EQUAL(env_of(j, "EXECUTOR_MODE"), "restore");
  CAF_CHECK_EQUAL(env_of(j, "CLUSTER_NAME"), "vault");
  CAF_CHECK_EQUAL(env_of(j, "CLUSTER_REPLICAS"), "3");
  CAF_CHECK_EQUAL(env_of(j, "STATEFULSET_NAME"), "vault");
  CAF_CHECK_EQUAL(env_of(j, "RESTORE_KEY"), "k.snap");
  CAF_CHECK_EQUAL(env_of(j, "RESTORE_BUCKET"), "b");
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_ENDPOINT"), "http://s3:9000");
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_AUTH_METHOD"), "jwt");
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_JWT_AUTH_ROLE"), "restore");
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_INSECURE_SKIP_VERIFY"), "<unset>");
  CAF_CHECK(mounted(j, "/etc/bao/backup/credentials"));
  CAF_CHECK(mounted(j, "/var/run/secrets/tokens"));
  CAF_CHECK(!mounted(j, "/etc/bao/tls"));
}

CAF_TEST(token auth mounts the Secret and says where) {
  auto r = restore_fixture();
  r.spec.jwt_auth_role.clear();
  r.spec.token_secret_ref = model::local_object_reference{"tok"};
  auto c = cluster_fixture();
  c.spec.tls.enabled = true;
  c.status.blue_green = model::blue_green_status{"Idle", "rev-2", ""};
  auto j = build_restore_job(r, c, 1, {});
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_AUTH_METHOD"), "token");
  CAF_CHECK_EQUAL(env_of(j, "BACKUP_TOKEN_PATH"), "/etc/bao/restore/token/token");
  CAF_CHECK(mounted(j, "/etc/bao/restore/token"));
  CAF_CHECK(mounted(j, "/etc/bao/tls"));
  CAF_CHECK_EQUAL(env_of(j, "STATEFULSET_NAME"), "vault-rev-2");
  // No Secret value is ever copied into the Job.
  for (const auto& e : j.spec.template_.spec.containers[0].env)
    CAF_CHECK(e.name.find("SECRET") == std::string::npos);
}

namespace {

/// By value: CAF_CHECK_EQUAL binds references, which would dangle on a temporary Job.
std::string image_of(const model::job& j) {
  return j.spec.template_.spec.containers.at(0).image;
}

} // namespace

CAF_TEST(the image comes from the restore then the cluster backup then the default) {
  auto r = restore_fixture();
  auto c = cluster_fixture();
  job_settings s;
  s.executor_image = "default:1";
  CAF_CHECK_EQUAL(image_of(build_restore_job(r, c, 1, s)), "default:1");
  c.spec.backup = model::backup_schedule{};
  c.spec.backup->image = "cluster:2";
  CAF_CHECK_EQUAL(image_of(build_restore_job(r, c, 1, s)), "cluster:2");
  r.spec.image = "restore:3";
  CAF_CHECK_EQUAL(image_of(build_restore_job(r, c, 1, s)), "restore:3");
  // The OIDC default role when neither a role nor a token is given.
  r.spec.jwt_auth_role.clear();
  auto role = env_of(build_restore_job(r, c, 1, s), "BACKUP_JWT_AUTH_ROLE");
  CAF_CHECK_EQUAL(role, "openbao-operator-restore");
}

// Issue 16 finding 6: label values carrying names are cut as the Job name is (the full
// names in annotations), so a long restore or cluster name never gets the Job refused.
CAF_TEST(long names give valid label values and are found again) {
  auto r = restore_fixture();
  r.metadata.name = std::string(200, 'r');
  auto c = cluster_fixture();
  c.metadata.name = std::string(240, 'c');
  auto j = build_restore_job(r, c, 1, {});
  auto sa = build_service_account(c);
  CAF_CHECK(unacceptable(j, sa).empty());
  CAF_CHECK_EQUAL(j.metadata.labels.at(label_restore), restore_label_value(r.metadata.name));
  CAF_CHECK_EQUAL(j.metadata.labels.at(label_restore).size(), 63u);
  CAF_CHECK_EQUAL(j.metadata.labels.at(label_cluster).size(), 63u);
  CAF_CHECK_EQUAL(j.metadata.annotations.at(annotation_restore_name), r.metadata.name);
  CAF_CHECK_EQUAL(j.metadata.annotations.at(annotation_cluster_name), c.metadata.name);
  // The same cut as the Job name's: the first characters, then "-" and a hash.
  CAF_CHECK_EQUAL(j.metadata.labels.at(label_restore), model::cut_name(r.metadata.name, 63));
  CAF_CHECK_EQUAL(j.metadata.name, model::cut_name("restore-" + r.metadata.name, 63));
  CAF_CHECK_EQUAL(sa.metadata.name.size(), 253u);
  CAF_CHECK_EQUAL(j.spec.template_.spec.service_account_name, sa.metadata.name);
  CAF_CHECK(is_our_job(j, r));
  // Short names are unchanged.
  auto short_job = build_restore_job(restore_fixture(), cluster_fixture(), 1, {});
  CAF_CHECK_EQUAL(short_job.metadata.labels.at(label_restore), "restore-1");
}

CAF_TEST(unacceptable names what the API server would refuse) {
  auto r = restore_fixture();
  auto c = cluster_fixture();
  auto j = build_restore_job(r, c, 1, {});
  auto sa = build_service_account(c);
  CAF_CHECK(unacceptable(j, sa).empty());
  auto bad = j;
  bad.metadata.labels[label_restore] = std::string(64, 'x');
  auto problems = unacceptable(bad, sa);
  CAF_REQUIRE_EQUAL(problems.size(), 1u);
  CAF_CHECK_EQUAL(problems[0], "Job restore-restore-1: metadata.labels: Invalid value: \""
                                 + std::string(64, 'x')
                                 + "\": must be no more than 63 characters");
  bad = j;
  bad.spec.template_.labels["bad key"] = "v";
  CAF_CHECK_EQUAL(unacceptable(bad, sa).size(), 1u);
  bad = j;
  bad.metadata.name = "restore-x-";
  CAF_CHECK_EQUAL(unacceptable(bad, sa).size(), 2u); // not a subdomain, nor a label value
  bad.metadata.name = "Restore-X";
  CAF_CHECK_EQUAL(unacceptable(bad, sa).size(), 1u); // a label value, not a subdomain
  auto bad_sa = sa;
  bad_sa.metadata.name = "x_y";
  CAF_CHECK_EQUAL(unacceptable(j, bad_sa).size(), 1u);
}

CAF_TEST(a restore Job is created suspended and only a suspended one of a gone restore is abandoned) {
  auto r = restore_fixture();
  auto c = cluster_fixture();
  auto j = build_restore_job(r, c, 7, {});
  CAF_CHECK(j.spec.suspend == std::optional<bool>{true});
  CAF_CHECK(is_abandoned_suspended_job(j, r.metadata.uid));
  CAF_CHECK(!is_abandoned_suspended_job(j, "another-uid")); // its owner may still exist
  CAF_CHECK(!is_abandoned_suspended_job(j, ""));
  auto started = j;
  started.spec.suspend = false; // it may have run: the garbage collector's, by owner
  CAF_CHECK(!is_abandoned_suspended_job(started, r.metadata.uid));
  auto foreign = j;
  foreign.metadata.labels[label_managed_by] = "openbao-operator";
  CAF_CHECK(!is_abandoned_suspended_job(foreign, r.metadata.uid));
  auto other_component = j;
  other_component.metadata.labels[label_component] = "backup";
  CAF_CHECK(!is_abandoned_suspended_job(other_component, r.metadata.uid));
}
