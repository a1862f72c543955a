#include "actors/restore_request/restore_job.hpp"

#include "model/metadata_validation.hpp"
#include "model/names.hpp"

namespace baorestore::restore {

namespace {

// A Job's name is at most 63 characters, not 253: its pods carry it as a label value.
constexpr std::size_t max_job_name = 63;
constexpr std::size_t max_object_name = 253;

void env(model::container& c, std::string name, std::string value) {
  c.env.push_back({std::move(name), std::move(value)});
}

std::string active_statefulset(const model::openbao_cluster& c) {
  const auto& bg = c.status.blue_green;
  if (bg && !bg->blue_revision.empty())
    return c.metadata.name + "-" + bg->blue_revision;
  return c.metadata.name;
}

/// Where the snapshot is, in both of the executor's names (BACKUP_* and RESTORE_*).
void storage_env(model::container& c, const model::openbao_restore& r) {
  const auto& t = r.spec.source.target;
  env(c, "BACKUP_PROVIDER", t.provider);
  env(c, "BACKUP_ENDPOINT", t.endpoint);
  env(c, "BACKUP_BUCKET", t.bucket);
  env(c, "RESTORE_KEY", r.spec.source.key);
  env(c, "RESTORE_BUCKET", t.bucket);
  env(c, "RESTORE_ENDPOINT", t.endpoint);
  env(c, "BACKUP_REGION", t.region);
  env(c, "RESTORE_REGION", t.region);
  env(c, "BACKUP_USE_PATH_STYLE", t.use_path_style ? "true" : "false");
  env(c, "RESTORE_USE_PATH_STYLE", t.use_path_style ? "true" : "false");
  if (t.insecure_skip_verify)
    env(c, "BACKUP_INSECURE_SKIP_VERIFY", "true");
  if (t.gcs)
    env(c, "BACKUP_GCS_PROJECT", t.gcs->project);
  if (t.azure) {
    env(c, "BACKUP_AZURE_STORAGE_ACCOUNT", t.azure->storage_account);
    env(c, "BACKUP_AZURE_CONTAINER", t.azure->container);
  }
}

std::string auth_role(const model::openbao_restore& r) {
  return r.spec.jwt_auth_role.empty() && !r.spec.token_secret_ref
           ? model::default_oidc_restore_role
           : r.spec.jwt_auth_role;
}

model::volume secret_volume(std::string name, std::string secret) {
  model::volume v;
  v.name = std::move(name);
  v.secret = model::secret_volume_source{std::move(secret), 0400};
  return v;
}

void mount(model::pod_spec& p, model::volume v, std::string path) {
  p.containers.front().volume_mounts.push_back({v.name, std::move(path), true});
  p.volumes.push_back(std::move(v));
}

/// Secrets reach the pod by reference only (mounted), never copied into the Job.
void auth_and_mounts(model::pod_spec& p, const model::openbao_restore& r,
                     const model::openbao_cluster& c, const job_settings& s) {
  auto& ctr = p.containers.front();
  if (r.spec.token_secret_ref && r.spec.jwt_auth_role.empty()) {
    env(ctr, "BACKUP_AUTH_METHOD", "token");
    env(ctr, "BACKUP_TOKEN_PATH", "/etc/bao/restore/token/token");
    mount(p, secret_volume("restore-token", r.spec.token_secret_ref->name),
          "/etc/bao/restore/token");
  } else {
    env(ctr, "BACKUP_AUTH_METHOD", "jwt");
    env(ctr, "BACKUP_JWT_AUTH_ROLE", auth_role(r));
  }
  if (const auto& ref = r.spec.source.target.credentials_secret_ref)
    mount(p, secret_volume("backup-credentials", ref->name), "/etc/bao/backup/credentials");
  model::volume token;
  token.name = "openbao-token";
  token.projected = model::projected_volume_source{{{s.token_audience, 3600, "openbao-token"}}, 0400};
  mount(p, std::move(token), "/var/run/secrets/tokens");
  if (c.spec.tls.enabled)
    mount(p, secret_volume("tls-ca", c.metadata.name + "-tls-ca"), "/etc/bao/tls");
  model::volume tmp;
  tmp.name = "tmp";
  tmp.empty_dir = model::empty_dir_volume_source{};
  ctr.volume_mounts.push_back({"tmp", "/tmp", false});
  p.volumes.push_back(std::move(tmp));
}

model::container executor(const model::openbao_restore& r, const model::openbao_cluster& c,
                          const job_settings& s) {
  model::container ctr;
  ctr.name = "restore";
  ctr.image = r.spec.image ? *r.spec.image
              : c.spec.backup && !c.spec.backup->image.empty() ? c.spec.backup->image
                                                               : s.executor_image;
  ctr.image_pull_policy = "IfNotPresent";
  env(ctr, "EXECUTOR_MODE", "restore");
  env(ctr, "CLUSTER_NAME", c.metadata.name);
  env(ctr, "CLUSTER_NAMESPACE", c.metadata.namespace_);
  env(ctr, "CLUSTER_REPLICAS", std::to_string(c.spec.replicas));
  env(ctr, "STATEFULSET_NAME", active_statefulset(c));
  storage_env(ctr, r);
  model::container_security_context sc;
  sc.allow_privilege_escalation = false;
  sc.read_only_root_filesystem = true;
  sc.run_as_non_root = true;
  sc.privileged = false;
  sc.caps = model::capabilities{{}, {"ALL"}};
  ctr.security_context = sc;
  return ctr;
}

} // namespace

std::string restore_job_name(const std::string& restore_name) {
  return model::cut_name("restore-" + restore_name, max_job_name);
}

std::string restore_service_account_name(const std::string& cluster_name) {
  return model::cut_name(cluster_name + "-restore-serviceaccount", max_object_name);
}

std::string restore_label_value(const std::string& restore_name) {
  return model::name_label_value(restore_name);
}

model::service_account build_service_account(const model::openbao_cluster& c) {
  model::service_account sa;
  sa.metadata.name = restore_service_account_name(c.metadata.name);
  sa.metadata.namespace_ = c.metadata.namespace_;
  sa.metadata.labels[label_managed_by] = managed_by;
  sa.metadata.owner_references.push_back(
    {model::openbao_api_version, model::cluster_kind, c.metadata.name, c.metadata.uid, false, false});
  return sa;
}

model::job build_restore_job(const model::openbao_restore& r, const model::openbao_cluster& c,
                             std::int64_t fence, const job_settings& s) {
  model::job j;
  j.metadata.name = restore_job_name(r.metadata.name);
  j.metadata.namespace_ = r.metadata.namespace_;
  // Label values are at most 63 characters: names are cut (the same cut as the Job name's),
  // and the full names live in annotations.
  std::map<std::string, std::string> labels{{label_managed_by, managed_by},
                                            {label_cluster, model::name_label_value(c.metadata.name)},
                                            {label_component, "restore"},
                                            {label_restore, restore_label_value(r.metadata.name)}};
  j.metadata.labels = labels;
  j.metadata.annotations[annotation_restore_uid] = r.metadata.uid;
  j.metadata.annotations[annotation_restore_name] = r.metadata.name;
  j.metadata.annotations[annotation_cluster_name] = c.metadata.name;
  j.metadata.annotations[annotation_fence] = std::to_string(fence);
  j.metadata.owner_references.push_back(
    {model::openbao_api_version, model::restore_kind, r.metadata.name, r.metadata.uid, true, true});
  j.spec.suspend = true;    // started only after a live read of the lock (DESIGN §4)
  j.spec.backoff_limit = 0; // a snapshot is never pushed twice by retry
  j.spec.active_deadline_seconds = s.active_deadline_seconds;
  auto& tpl = j.spec.template_;
  tpl.labels = labels;
  tpl.annotations = j.metadata.annotations;
  auto& pod = tpl.spec;
  pod.service_account_name = restore_service_account_name(c.metadata.name);
  pod.automount_service_account_token = false;
  pod.restart_policy = "Never";
  model::pod_security_context psc;
  psc.run_as_non_root = true;
  psc.seccomp_profile_type = "RuntimeDefault";
  pod.security_context = psc;
  pod.containers.push_back(executor(r, c, s));
  auth_and_mounts(pod, r, c, s);
  return j;
}

bool is_our_job(const model::job& j, const model::openbao_restore& r) {
  auto label = [&](const char* k) {
    auto i = j.metadata.labels.find(k);
    return i == j.metadata.labels.end() ? std::string{} : i->second;
  };
  if (label(label_managed_by) != managed_by
      || label(label_restore) != restore_label_value(r.metadata.name))
    return false;
  for (const auto& o : j.metadata.owner_references)
    if (o.kind == model::restore_kind && o.uid == r.metadata.uid)
      return true;
  return false;
}

namespace {

void add_violations(std::vector<std::string>& out, const std::string& what,
                    const std::vector<model::metadata_violation>& vs) {
  for (const auto& v : vs)
    out.push_back(what + ": " + model::to_string(v));
}

void add_name_errors(std::vector<std::string>& out, const std::string& what,
                     const std::string& field, const std::string& name,
                     std::vector<std::string> errs) {
  for (auto& e : errs)
    out.push_back(what + ": " + field + ": Invalid value: \"" + name + "\": " + e);
}

} // namespace

std::vector<std::string> unacceptable(const model::job& j, const model::service_account& sa) {
  std::vector<std::string> out;
  auto job = "Job " + j.metadata.name;
  add_name_errors(out, job, "metadata.name", j.metadata.name,
                  model::dns1123_subdomain_errors(j.metadata.name));
  add_name_errors(out, job, "metadata.name", j.metadata.name,
                  model::label_value_errors(j.metadata.name)); // its pods' job-name label
  add_violations(out, job, model::validate_labels(j.metadata.labels, "metadata.labels"));
  add_violations(out, job,
                 model::validate_annotations(j.metadata.annotations, "metadata.annotations"));
  const auto& tpl = j.spec.template_;
  add_violations(out, job, model::validate_labels(tpl.labels, "spec.template.metadata.labels"));
  add_violations(out, job, model::validate_annotations(tpl.annotations,
                                                       "spec.template.metadata.annotations"));
  add_name_errors(out, job, "spec.template.spec.serviceAccountName",
                  tpl.spec.service_account_name,
                  model::dns1123_subdomain_errors(tpl.spec.service_account_name));
  auto account = "ServiceAccount " + sa.metadata.name;
  add_name_errors(out, account, "metadata.name", sa.metadata.name,
                  model::dns1123_subdomain_errors(sa.metadata.name));
  add_violations(out, account, model::validate_labels(sa.metadata.labels, "metadata.labels"));
  return out;
}

bool is_abandoned_suspended_job(const model::job& j, const std::string& gone_uid) {
  auto label = [&](const char* k) {
    auto i = j.metadata.labels.find(k);
    return i == j.metadata.labels.end() ? std::string{} : i->second;
  };
  if (gone_uid.empty() || !j.spec.suspend.value_or(false) || label(label_managed_by) != managed_by
      || label(label_component) != "restore")
    return false;
  for (const auto& o : j.metadata.owner_references)
    if (o.kind == model::restore_kind && o.uid == gone_uid)
      return true;
  return false;
}

} // namespace baorestore::restore
