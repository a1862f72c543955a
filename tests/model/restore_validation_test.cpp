// validate_restore_spec / validate_restore: one case per rule, then every error at once.
#define CAF_SUITE restore_validation
#include "caf/test/unit_test.hpp"

#include <functional>

#include "model/names.hpp"
#include "model/restore_validation.hpp"

using namespace baorestore::model;

namespace {

openbao_restore valid_restore() {
  openbao_restore r;
  r.metadata.name = "restore-1";
  r.metadata.namespace_ = "tenant-a";
  r.spec.cluster = "vault";
  r.spec.source.key = "clusters/vault/2026-11-24T030000Z.snap";
  r.spec.source.target.bucket = "openbao-backups";
  r.spec.source.target.endpoint = "http://127.0.0.1:4568";
  r.spec.source.target.credentials_secret_ref = local_object_reference{"s3-credentials"};
  r.spec.token_secret_ref = local_object_reference{"restore-token"};
  return r;
}

struct rule_case {
  const char* name;
  std::function<void(openbao_restore&)> mutate;
  const char* path;
  const char* message_part;
};

std::string dump(const field_errors& errors) {
  std::string s;
  for (const auto& e : errors)
    s += to_string(e) + "\n";
  return s;
}

} // namespace

CAF_TEST(the valid restore has no errors) {
  CAF_CHECK_EQUAL(dump(validate_restore(valid_restore())), "");
  auto forced = valid_restore();
  forced.spec.force = true;
  forced.spec.override_operation_lock = true;
  CAF_CHECK_EQUAL(dump(validate_restore(forced)), "");
  auto azure = valid_restore();
  azure.spec.source.target.provider = "azure";
  azure.spec.source.target.azure = azure_target{"account", ""};
  CAF_CHECK_EQUAL(dump(validate_restore(azure)), "");
}

CAF_TEST(one case per rule) {
  std::vector<rule_case> cases{
    {"cluster empty", [](auto& r) { r.spec.cluster.clear(); }, "spec.cluster", "required"},
    {"cluster not a name", [](auto& r) { r.spec.cluster = "Vault_1"; }, "spec.cluster",
     "DNS-1123 subdomain"},
    {"key empty", [](auto& r) { r.spec.source.key.clear(); }, "spec.source.key", "required"},
    {"key too long", [](auto& r) { r.spec.source.key = std::string(1025, 'k'); },
     "spec.source.key", "too long"},
    {"key with newline", [](auto& r) { r.spec.source.key = "a\nb"; }, "spec.source.key",
     "control characters"},
    {"provider unknown", [](auto& r) { r.spec.source.target.provider = "ftp"; },
     "spec.source.target.provider", "unsupported value \"ftp\""},
    {"bucket empty", [](auto& r) { r.spec.source.target.bucket.clear(); },
     "spec.source.target.bucket", "required"},
    {"endpoint not a url", [](auto& r) { r.spec.source.target.endpoint = "s3.local:9000"; },
     "spec.source.target.endpoint", "http:// or https://"},
    {"endpoint without host", [](auto& r) { r.spec.source.target.endpoint = "https:///x"; },
     "spec.source.target.endpoint", "http:// or https://"},
    {"part size too small", [](auto& r) { r.spec.source.target.part_size = 1024; },
     "spec.source.target.partSize", "greater than or equal to 5242880"},
    {"concurrency zero", [](auto& r) { r.spec.source.target.concurrency = 0; },
     "spec.source.target.concurrency", "between 1 and 10"},
    {"concurrency eleven", [](auto& r) { r.spec.source.target.concurrency = 11; },
     "spec.source.target.concurrency", "between 1 and 10"},
    {"azure without account", [](auto& r) { r.spec.source.target.provider = "azure"; },
     "spec.source.target.azure.storageAccount", "required when provider is \"azure\""},
    {"credentials ref empty",
     [](auto& r) { r.spec.source.target.credentials_secret_ref->name.clear(); },
     "spec.source.target.credentialsSecretRef.name", "required"},
    {"credentials ref in another namespace",
     [](auto& r) { r.spec.source.target.credentials_secret_ref->name = "other/creds"; },
     "spec.source.target.credentialsSecretRef.name", "not a namespace/name path"},
    {"token ref not a name", [](auto& r) { r.spec.token_secret_ref->name = "Token!"; },
     "spec.tokenSecretRef.name", "DNS-1123 subdomain"},
    {"token ref is the root token",
     [](auto& r) { r.spec.token_secret_ref->name = "vault-root-token"; },
     "spec.tokenSecretRef.name", "system Secret of cluster \"vault\""},
    {"credentials ref is the unseal key",
     [](auto& r) { r.spec.source.target.credentials_secret_ref->name = "vault-unseal-key"; },
     "spec.source.target.credentialsSecretRef.name", "system Secret"},
    {"token ref is the tls ca", [](auto& r) { r.spec.token_secret_ref->name = "vault-tls-ca"; },
     "spec.tokenSecretRef.name", "system Secret"},
    {"token ref is the tls server cert",
     [](auto& r) { r.spec.token_secret_ref->name = "vault-tls-server"; },
     "spec.tokenSecretRef.name", "system Secret"},
    {"image set but empty", [](auto& r) { r.spec.image = ""; }, "spec.image",
     "must not be empty"},
    {"image with a space", [](auto& r) { r.spec.image = "img latest"; }, "spec.image",
     "spaces"},
    {"jwt role with a space", [](auto& r) { r.spec.jwt_auth_role = "a role"; },
     "spec.jwtAuthRole", "spaces"},
    {"override without force", [](auto& r) { r.spec.override_operation_lock = true; },
     "spec.overrideOperationLock", "overrideOperationLock requires force: true"},
    {"name empty", [](auto& r) { r.metadata.name.clear(); }, "metadata.name", "required"},
    {"name not a subdomain", [](auto& r) { r.metadata.name = "Restore 1"; }, "metadata.name",
     "DNS-1123 subdomain"},
    {"namespace not a label", [](auto& r) { r.metadata.namespace_ = "tenant.a"; },
     "metadata.namespace", "DNS-1123 label"},
  };
  for (const auto& c : cases) {
    auto r = valid_restore();
    c.mutate(r);
    auto errors = validate_restore(r);
    CAF_MESSAGE(c.name << ": " << dump(errors));
    CAF_REQUIRE_EQUAL(errors.size(), 1u);
    CAF_CHECK_EQUAL(errors[0].path, c.path);
    CAF_CHECK(errors[0].message.find(c.message_part) != std::string::npos);
  }
}

CAF_TEST(a system secret name is only forbidden for the target cluster) {
  auto r = valid_restore();
  r.spec.token_secret_ref->name = "other-root-token";
  CAF_CHECK(validate_restore(r).empty());
}

CAF_TEST(every error at once) {
  openbao_restore r;
  r.metadata.name = "Bad Name";
  r.spec.source.target.provider = "ftp";
  r.spec.source.target.endpoint = "nowhere";
  r.spec.source.target.part_size = 0;
  r.spec.source.target.concurrency = 99;
  r.spec.source.target.credentials_secret_ref = local_object_reference{"ns/creds"};
  r.spec.token_secret_ref = local_object_reference{""};
  r.spec.image = "";
  r.spec.override_operation_lock = true;
  auto errors = validate_restore(r);
  CAF_MESSAGE(dump(errors));
  std::vector<std::string> paths;
  for (const auto& e : errors)
    paths.push_back(e.path);
  std::vector<std::string> expected{"metadata.name",
                                    "spec.cluster",
                                    "spec.source.key",
                                    "spec.source.target.provider",
                                    "spec.source.target.bucket",
                                    "spec.source.target.endpoint",
                                    "spec.source.target.partSize",
                                    "spec.source.target.concurrency",
                                    "spec.source.target.credentialsSecretRef.name",
                                    "spec.tokenSecretRef.name",
                                    "spec.image",
                                    "spec.overrideOperationLock"};
  CAF_CHECK_EQUAL(paths, expected);
}

CAF_TEST(dns names) {
  CAF_CHECK(is_dns1123_label("a"));
  CAF_CHECK(is_dns1123_label("tenant-a"));
  CAF_CHECK(is_dns1123_label(std::string(63, 'a')));
  CAF_CHECK(!is_dns1123_label(std::string(64, 'a')));
  CAF_CHECK(!is_dns1123_label(""));
  CAF_CHECK(!is_dns1123_label("-a"));
  CAF_CHECK(!is_dns1123_label("a-"));
  CAF_CHECK(!is_dns1123_label("A"));
  CAF_CHECK(!is_dns1123_label("a.b"));
  CAF_CHECK(is_dns1123_subdomain("a.b-c.d"));
  CAF_CHECK(is_dns1123_subdomain(std::string(253, 'a')));
  CAF_CHECK(!is_dns1123_subdomain(std::string(254, 'a')));
  CAF_CHECK(!is_dns1123_subdomain("a..b"));
  CAF_CHECK(!is_dns1123_subdomain(".a"));
  CAF_CHECK(!is_dns1123_subdomain("a."));
  CAF_CHECK(!is_dns1123_subdomain("a_b"));
  CAF_CHECK(!is_dns1123_subdomain("a/b"));
}
