#include "model/restore_validation.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "model/names.hpp"

namespace baorestore::model {

namespace {

constexpr std::size_t max_key_bytes = 1024; // S3's limit on an object key

const char* const subdomain_rule =
  "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and "
  "ending with a letter or digit, at most 253 characters";

std::string quoted(std::string_view s) {
  // Built by appending: `"\"" + std::string(s)` trips GCC 12's -Wrestrict false positive at -O3.
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == ' ';
  });
}

// A referenced Secret: a plain name in the restore's namespace, never one of the target
// cluster's own system Secrets (a restore must not be pointed at the root token).
void check_secret_ref(const local_object_reference& ref, const std::string& path,
                      const std::string& cluster, field_errors& out) {
  const auto name_path = path + ".name";
  if (ref.name.empty()) {
    out.push_back({name_path, "required"});
    return;
  }
  if (ref.name.find('/') != std::string::npos) {
    out.push_back({name_path, "invalid value " + quoted(ref.name)
                                + ": must be the name of a Secret in the restore's namespace, "
                                  "not a namespace/name path"});
    return;
  }
  if (!is_dns1123_subdomain(ref.name)) {
    out.push_back({name_path, "invalid value " + quoted(ref.name) + ": " + subdomain_rule});
    return;
  }
  static constexpr std::array<const char*, 4> system_suffixes{"-root-token", "-unseal-key",
                                                              "-tls-ca", "-tls-server"};
  for (const char* suffix : system_suffixes)
    if (!cluster.empty() && ref.name == cluster + suffix)
      out.push_back({name_path, "forbidden: " + quoted(ref.name)
                                  + " is a system Secret of cluster " + quoted(cluster)});
}

bool is_http_url(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://"})
    if (s.substr(0, scheme.size()) == scheme) {
      auto rest = s.substr(scheme.size());
      auto host = rest.substr(0, rest.find_first_of("/?#"));
      return !host.empty() && !has_control_or_space(s);
    }
  return false;
}

void check_target(const backup_target& t, const std::string& path, const std::string& cluster,
                  field_errors& out) {
  if (t.provider != provider_s3 && t.provider != provider_gcs && t.provider != provider_azure)
    out.push_back({path + ".provider", "unsupported value " + quoted(t.provider)
                                         + ": supported values: \"s3\", \"gcs\", \"azure\""});
  if (t.bucket.empty())
    out.push_back({path + ".bucket", "required"});
  if (!t.endpoint.empty() && !is_http_url(t.endpoint))
    out.push_back({path + ".endpoint", "invalid value " + quoted(t.endpoint)
                                         + ": must be an http:// or https:// URL with a host"});
  if (t.part_size < min_part_size)
    out.push_back({path + ".partSize", "invalid value " + std::to_string(t.part_size)
                                         + ": must be greater than or equal to "
                                         + std::to_string(min_part_size)});
  if (t.concurrency < 1 || t.concurrency > 10)
    out.push_back({path + ".concurrency", "invalid value " + std::to_string(t.concurrency)
                                            + ": must be between 1 and 10"});
  if (t.provider == provider_azure && (!t.azure || t.azure->storage_account.empty()))
    out.push_back({path + ".azure.storageAccount", "required when provider is \"azure\""});
  if (t.credentials_secret_ref)
    check_secret_ref(*t.credentials_secret_ref, path + ".credentialsSecretRef", cluster, out);
}

} // namespace

field_errors validate_restore_spec(const openbao_restore_spec& spec) {
  field_errors out;
  if (spec.cluster.empty())
    out.push_back({"spec.cluster", "required"});
  else if (!is_dns1123_subdomain(spec.cluster))
    out.push_back({"spec.cluster", "invalid value " + quoted(spec.cluster) + ": "
                                     + subdomain_rule});

  const auto& key = spec.source.key;
  if (key.empty())
    out.push_back({"spec.source.key", "required"});
  else if (key.size() > max_key_bytes)
    out.push_back({"spec.source.key", "too long: " + std::to_string(key.size())
                                        + " bytes, at most 1024"});
  else if (has_control_or_space(key))
    out.push_back({"spec.source.key", "invalid value: must not contain spaces or control "
                                      "characters"});
  check_target(spec.source.target, "spec.source.target", spec.cluster, out);

  if (spec.token_secret_ref)
    check_secret_ref(*spec.token_secret_ref, "spec.tokenSecretRef", spec.cluster, out);
  if (spec.image && spec.image->empty())
    out.push_back({"spec.image", "must not be empty when set"});
  else if (spec.image && has_control_or_space(*spec.image))
    out.push_back({"spec.image", "invalid value " + quoted(*spec.image)
                                   + ": must not contain spaces or control characters"});
  if (has_control_or_space(spec.jwt_auth_role))
    out.push_back({"spec.jwtAuthRole", "invalid value " + quoted(spec.jwt_auth_role)
                                         + ": must not contain spaces or control characters"});
  // Upstream's wording: a break-glass override is only valid together with force.
  if (spec.override_operation_lock && !spec.force)
    out.push_back({"spec.overrideOperationLock", "overrideOperationLock requires force: true"});
  if (spec.source.expected_size && *spec.source.expected_size < 0)
    out.push_back({"spec.source.expectedSize",
                   "invalid value " + std::to_string(*spec.source.expected_size)
                     + ": must be greater than or equal to 0"});
  // Reading was lenient; judging is strict: a field we do not know may be a typo of one
  // that matters ("overideOperationLock"), so the restore must not go ahead without it.
  for (const auto& path : spec.unknown_fields)
    out.push_back({path, "unknown field"});
  return out;
}

field_errors unsupported_restore_features(const openbao_restore_spec& spec) {
  field_errors out;
  const char* const new_cluster = "restore into a new cluster is not supported";
  if (spec.cluster_template)
    out.push_back({"spec.clusterTemplate", new_cluster});
  if (!spec.target_lifecycle.empty())
    out.push_back({"spec.targetLifecycle", new_cluster});
  if (spec.cleanup_after_seconds)
    out.push_back({"spec.cleanupAfterSeconds", new_cluster});
  if (spec.workload_identity)
    out.push_back({"spec.workloadIdentity", "workload identity is not supported"});
  return out;
}

field_errors validate_restore(const openbao_restore& restore) {
  field_errors out;
  const auto& meta = restore.metadata;
  if (meta.name.empty())
    out.push_back({"metadata.name", "required"});
  else if (!is_dns1123_subdomain(meta.name))
    out.push_back({"metadata.name", "invalid value " + quoted(meta.name) + ": "
                                      + subdomain_rule});
  if (!meta.namespace_.empty() && !is_dns1123_label(meta.namespace_))
    out.push_back({"metadata.namespace",
                   "invalid value " + quoted(meta.namespace_)
                     + ": must be a DNS-1123 label (lowercase letters, digits and '-', at "
                       "most 63 characters)"});
  auto spec_errors = validate_restore_spec(restore.spec);
  out.insert(out.end(), spec_errors.begin(), spec_errors.end());
  return out;
}

} // namespace baorestore::model
