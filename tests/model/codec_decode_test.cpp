// Decoding real-shaped documents: values, CRD defaults, and path-specific errors.
#define CAF_SUITE codec_decode
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "model/codec.hpp"

using namespace baorestore::model;

namespace {

const char* full_restore = R"({
  "apiVersion": "openbao.org/v1alpha1", "kind": "OpenBaoRestore",
  "metadata": {"name": "restore-1", "namespace": "tenant-a", "uid": "u-1",
               "resourceVersion": "42", "generation": 1,
               "labels": {"app.kubernetes.io/name": "x"},
               "finalizers": ["openbao.org/openbaorestore-finalizer"],
               "creationTimestamp": "2026-11-25T08:00:00Z",
               "managedFields": [{"manager": "kubectl"}]},
  "spec": {"cluster": "vault",
           "source": {"target": {"endpoint": "http://127.0.0.1:4568", "bucket": "b",
                                 "credentialsSecretRef": {"name": "s3-credentials"},
                                 "usePathStyle": true},
                      "key": "clusters/vault/a.snap"},
           "tokenSecretRef": {"name": "restore-token"},
           "force": true, "overrideOperationLock": true},
  "status": {"phase": "Running", "startTime": "2026-11-25T08:00:05Z",
             "snapshotSize": 1234,
             "conditions": [{"type": "RestoreComplete", "status": "False",
                             "reason": "InProgress", "message": "",
                             "lastTransitionTime": "2026-11-25T08:00:05Z"}]}
})";

bool has_error(const field_errors& errors, const std::string& path,
               const std::string& message_part) {
  return std::any_of(errors.begin(), errors.end(), [&](const field_error& e) {
    return e.path == path && e.message.find(message_part) != std::string::npos;
  });
}

std::string dump(const field_errors& errors) {
  std::string s;
  for (const auto& e : errors)
    s += to_string(e) + "; ";
  return s;
}

decode_options strict_options() {
  decode_options o;
  o.strict = true;
  return o;
}

} // namespace

CAF_TEST(a full restore decodes with every field) {
  auto r = decode_openbao_restore(full_restore);
  CAF_REQUIRE_EQUAL(dump(r.errors), "");
  const auto& x = *r.value;
  CAF_CHECK_EQUAL(x.metadata.name, "restore-1");
  CAF_CHECK_EQUAL(x.metadata.namespace_, "tenant-a");
  CAF_CHECK_EQUAL(x.metadata.generation, 1);
  CAF_CHECK_EQUAL(x.metadata.labels.at("app.kubernetes.io/name"), "x");
  CAF_CHECK_EQUAL(x.metadata.finalizers.size(), 1u);
  CAF_CHECK_EQUAL(format_rfc3339(*x.metadata.creation_timestamp), "2026-11-25T08:00:00Z");
  CAF_CHECK_EQUAL(x.spec.cluster, "vault");
  CAF_CHECK_EQUAL(x.spec.source.key, "clusters/vault/a.snap");
  CAF_CHECK_EQUAL(x.spec.source.target.credentials_secret_ref->name, "s3-credentials");
  CAF_CHECK(x.spec.source.target.use_path_style);
  CAF_CHECK_EQUAL(x.spec.token_secret_ref->name, "restore-token");
  CAF_CHECK(x.spec.force);
  CAF_CHECK(x.spec.override_operation_lock);
  CAF_CHECK(!x.spec.image.has_value());
  CAF_CHECK(x.status.phase == restore_phase::running);
  CAF_CHECK_EQUAL(x.status.snapshot_size, 1234);
  CAF_REQUIRE_EQUAL(x.status.conditions.size(), 1u);
  CAF_CHECK_EQUAL(x.status.conditions[0].reason, "InProgress");
}

CAF_TEST(absent target fields take the CRD defaults) {
  auto r = decode_openbao_restore(full_restore);
  CAF_REQUIRE(r);
  const auto& t = r.value->spec.source.target;
  CAF_CHECK_EQUAL(t.provider, "s3");
  CAF_CHECK_EQUAL(t.region, "us-east-1");
  CAF_CHECK_EQUAL(t.part_size, 10485760);
  CAF_CHECK_EQUAL(t.concurrency, 3);
  CAF_CHECK(!t.insecure_skip_verify);
}

CAF_TEST(missing required fields are named by path) {
  auto r = decode_openbao_restore(R"({"spec": {"source": {"target": {}}}})");
  CAF_CHECK(!r);
  CAF_CHECK(has_error(r.errors, "spec.cluster", "required"));
  CAF_CHECK(has_error(r.errors, "spec.source.key", "required"));
  CAF_CHECK(has_error(r.errors, "spec.source.target.bucket", "required"));
  CAF_CHECK_EQUAL(r.errors.size(), 3u);
  auto no_spec = decode_openbao_restore(R"({"metadata": {"name": "x"}})");
  CAF_CHECK(has_error(no_spec.errors, "spec", "required"));
  auto null_key = decode_openbao_restore(
    R"({"spec": {"cluster": "c", "source": {"target": {"bucket": "b"}, "key": null}}})");
  CAF_CHECK(has_error(null_key.errors, "spec.source.key", "required"));
}

CAF_TEST(wrong types are named by path and expected type) {
  auto r = decode_openbao_restore(
    R"({"metadata": {"labels": {"a": 1}, "generation": "one"},
        "spec": {"cluster": 7, "force": "yes",
                 "source": {"target": {"bucket": "b", "partSize": 1.5,
                                       "concurrency": 99999999999}, "key": ["k"]}},
        "status": {"conditions": [{"type": "A", "status": "True"}, 3],
                   "startTime": "yesterday"}})");
  CAF_CHECK(!r);
  CAF_CHECK(has_error(r.errors, "metadata.labels[a]", "expected string, got integer"));
  CAF_CHECK(has_error(r.errors, "metadata.generation", "expected integer, got string"));
  CAF_CHECK(has_error(r.errors, "spec.cluster", "expected string, got integer"));
  CAF_CHECK(has_error(r.errors, "spec.force", "expected boolean, got string"));
  CAF_CHECK(has_error(r.errors, "spec.source.target.partSize", "expected integer, got number"));
  CAF_CHECK(has_error(r.errors, "spec.source.target.concurrency", "out of range"));
  CAF_CHECK(has_error(r.errors, "spec.source.key", "expected string, got array"));
  CAF_CHECK(has_error(r.errors, "status.conditions[1]", "expected object, got integer"));
  CAF_CHECK(has_error(r.errors, "status.startTime", "RFC 3339"));
  CAF_MESSAGE(dump(r.errors));
}

CAF_TEST(unknown fields are ignored unless strict and strict covers the spec only) {
  const char* doc = R"({"metadata": {"name": "r", "whatever": 1}, "extra": true,
    "spec": {"cluster": "c", "overideOperationLock": true,
             "source": {"target": {"bucket": "b", "regoin": "x"}, "key": "k"}},
    "status": {"futureField": 1}})";
  CAF_CHECK(decode_openbao_restore(doc));
  auto strict = decode_openbao_restore(doc, strict_options());
  CAF_CHECK(!strict);
  CAF_CHECK(has_error(strict.errors, "spec.overideOperationLock", "unknown field"));
  CAF_CHECK(has_error(strict.errors, "spec.source.target.regoin", "unknown field"));
  CAF_CHECK_EQUAL(strict.errors.size(), 2u);
}

CAF_TEST(strict decoding reports duplicate keys) {
  auto r = decode_openbao_restore(
    R"({"spec": {"cluster": "a", "cluster": "b",
                 "source": {"target": {"bucket": "b"}, "key": "k"}}})",
    strict_options());
  CAF_CHECK(has_error(r.errors, "spec.cluster", "duplicate field"));
}

CAF_TEST(the wrong kind or an unknown phase is an error) {
  auto kind = decode_openbao_restore(
    R"({"apiVersion": "v1", "kind": "Secret",
        "spec": {"cluster": "c", "source": {"target": {"bucket": "b"}, "key": "k"}}})");
  CAF_CHECK(has_error(kind.errors, "apiVersion", "expected \"openbao.org/v1alpha1\""));
  CAF_CHECK(has_error(kind.errors, "kind", "expected \"OpenBaoRestore\""));
  auto phase = decode_openbao_restore(
    R"({"spec": {"cluster": "c", "source": {"target": {"bucket": "b"}, "key": "k"}},
        "status": {"phase": "Sleeping"}})");
  CAF_CHECK(has_error(phase.errors, "status.phase", "unsupported value \"Sleeping\""));
}

CAF_TEST(lists decode items and name the failing item) {
  auto r = decode_openbao_restore_list(
    R"({"kind": "OpenBaoRestoreList", "metadata": {"resourceVersion": "99", "continue": "t"},
        "items": [{"spec": {"cluster": "c", "source": {"target": {"bucket": "b"}, "key": "k"}}},
                  {"spec": {"source": {"target": {"bucket": "b"}, "key": "k"}}}]})");
  CAF_CHECK(has_error(r.errors, "items[1].spec.cluster", "required"));
  auto ok = decode_openbao_restore_list(
    R"({"metadata": {"resourceVersion": "99"}, "items": []})");
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok.value->metadata.resource_version, "99");
  CAF_CHECK(ok.value->items.empty());
}

CAF_TEST(cluster with lock and fence) {
  auto r = decode_openbao_cluster(R"({
    "apiVersion": "openbao.org/v1alpha1", "kind": "OpenBaoCluster",
    "metadata": {"name": "vault", "namespace": "tenant-a", "resourceVersion": "7"},
    "spec": {"version": "2.4.0", "replicas": 3, "tls": {"enabled": true},
             "backup": {"schedule": "0 3 * * *", "image": "img",
                        "target": {"bucket": "b"}},
             "selfInit": {"enabled": true, "oidc": {"enabled": true}},
             "storage": {"size": "10Gi"}},
    "status": {"initialized": true, "blueGreen": {"blueRevision": "abc"},
               "operationLock": {"operation": "Backup", "holder": "openbaocluster/backup",
                                 "acquiredAt": "2026-11-25T08:00:00Z", "fence": 12},
               "conditions": [{"type": "Upgrading", "status": "False"}]}})");
  CAF_REQUIRE_EQUAL(dump(r.errors), "");
  const auto& c = *r.value;
  CAF_CHECK(c.spec.tls.enabled);
  CAF_CHECK_EQUAL(c.spec.backup->image, "img");
  CAF_CHECK(c.spec.self_init->oidc->enabled);
  CAF_CHECK(c.status.initialized);
  CAF_CHECK_EQUAL(c.status.blue_green->blue_revision, "abc");
  CAF_REQUIRE(c.status.lock.has_value());
  CAF_CHECK(c.status.lock->operation == cluster_operation::backup);
  CAF_CHECK_EQUAL(c.status.lock->holder, "openbaocluster/backup");
  CAF_CHECK_EQUAL(*c.status.lock->fence, 12);
}

CAF_TEST(a lock without fence decodes and a bad operation does not) {
  auto r = decode_openbao_cluster(R"({"spec": {"version": "2.4.0"},
    "status": {"operationLock": {"operation": "Upgrade", "holder": "openbaocluster/upgrade"}}})");
  CAF_REQUIRE(r);
  CAF_CHECK(!r.value->status.lock->fence.has_value());
  auto bad = decode_openbao_cluster(R"({"spec": {"version": "2.4.0"},
    "status": {"operationLock": {"operation": "Defrag", "holder": "x"}}})");
  CAF_CHECK(has_error(bad.errors, "status.operationLock.operation", "unsupported value"));
}

CAF_TEST(job status conditions) {
  auto r = decode_job(R"({"apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "restore-restore-1"},
    "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
             "containers": [{"name": "restore", "image": "img",
                             "env": [{"name": "EXECUTOR_MODE", "value": "restore"}]}]}}},
    "status": {"failed": 1, "conditions": [{"type": "Failed", "status": "True",
               "reason": "DeadlineExceeded"}]}})");
  CAF_REQUIRE_EQUAL(dump(r.errors), "");
  CAF_CHECK_EQUAL(*r.value->spec.backoff_limit, 0);
  CAF_CHECK_EQUAL(r.value->spec.template_.spec.containers.at(0).env.at(0).value, "restore");
  CAF_CHECK_EQUAL(r.value->status.failed, 1);
  CAF_CHECK_EQUAL(r.value->status.conditions.at(0).reason, "DeadlineExceeded");
}

CAF_TEST(secret data is base64 and errors never show the value) {
  auto r = decode_secret(R"({"apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "t"}, "data": {"token": "czNjcjN0"},
    "stringData": {"region": "eu-west-1"}})");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r.value->data.at("token"), "s3cr3t");
  CAF_CHECK_EQUAL(r.value->data.at("region"), "eu-west-1");
  CAF_CHECK(r.value->has_key("token"));
  auto bad = decode_secret(R"({"data": {"token": "not-base64-s3cr3t!"}})");
  CAF_CHECK(!bad);
  CAF_CHECK(has_error(bad.errors, "data", "[token]: value is not valid base64"));
  CAF_CHECK(dump(bad.errors).find("s3cr3t") == std::string::npos);
}

CAF_TEST(an event as the API server returns it) {
  auto r = decode_event(R"({"apiVersion": "v1", "kind": "Event",
    "metadata": {"name": "restore-1.18a2b3c4d5e6f789", "namespace": "tenant-a",
                 "resourceVersion": "77", "uid": "e-1",
                 "creationTimestamp": "2026-11-25T08:00:01Z"},
    "involvedObject": {"apiVersion": "openbao.org/v1alpha1", "kind": "OpenBaoRestore",
                       "name": "restore-1", "namespace": "tenant-a", "uid": "u-1",
                       "resourceVersion": "42"},
    "reason": "LockOverridden", "message": "took the lock from openbaocluster/backup",
    "type": "Warning", "count": 2,
    "firstTimestamp": "2026-11-25T08:00:01Z", "lastTimestamp": "2026-11-25T08:00:09Z",
    "source": {"component": "baorestore", "host": "node-1"},
    "reportingComponent": "openbao.org/baorestore", "reportingInstance": "baorestore-0",
    "eventTime": null})");
  CAF_REQUIRE_EQUAL(dump(r.errors), "");
  const auto& e = *r.value;
  CAF_CHECK_EQUAL(e.metadata.namespace_, "tenant-a");
  CAF_CHECK_EQUAL(e.involved_object.kind, "OpenBaoRestore");
  CAF_CHECK_EQUAL(e.involved_object.uid, "u-1");
  CAF_CHECK_EQUAL(e.involved_object.resource_version, "42");
  CAF_CHECK(e.type == event_type::warning);
  CAF_CHECK_EQUAL(e.count, 2);
  CAF_CHECK_EQUAL(format_rfc3339(*e.last_timestamp), "2026-11-25T08:00:09Z");
  CAF_CHECK_EQUAL(e.source.component, "baorestore");
  CAF_CHECK_EQUAL(e.reporting_instance, "baorestore-0");
  CAF_CHECK(e.action.empty());
  auto text = to_json(e);
  CAF_CHECK(text.find(R"("type":"Warning")") != std::string::npos);
  CAF_CHECK(text.find("action") == std::string::npos);
  // An absent type is Normal; any other value, or no involvedObject, is an error.
  auto plain = decode_event(R"({"involvedObject": {"kind": "Job"}})");
  CAF_REQUIRE(plain);
  CAF_CHECK(plain.value->type == event_type::normal);
  auto bad = decode_event(R"({"type": "Info"})");
  CAF_CHECK(has_error(bad.errors, "type", "unsupported value \"Info\""));
  CAF_CHECK(has_error(bad.errors, "involvedObject", "required"));
  auto kind = decode_event(R"({"kind": "Secret", "involvedObject": {}})");
  CAF_CHECK(has_error(kind.errors, "kind", "expected \"Event\""));
}

CAF_TEST(a service account with an owner and automount off) {
  auto r = decode_service_account(R"({"apiVersion": "v1", "kind": "ServiceAccount",
    "metadata": {"name": "restore-1", "namespace": "tenant-a",
                 "labels": {"app.kubernetes.io/managed-by": "baorestore"},
                 "ownerReferences": [{"apiVersion": "openbao.org/v1alpha1",
                                      "kind": "OpenBaoRestore", "name": "restore-1",
                                      "uid": "u-1", "controller": true}]},
    "automountServiceAccountToken": false, "secrets": [{"name": "x"}]})");
  CAF_REQUIRE_EQUAL(dump(r.errors), "");
  const auto& sa = *r.value;
  CAF_REQUIRE_EQUAL(sa.metadata.owner_references.size(), 1u);
  CAF_CHECK(sa.metadata.owner_references[0].controller);
  CAF_CHECK_EQUAL(sa.metadata.labels.at("app.kubernetes.io/managed-by"), "baorestore");
  CAF_CHECK(sa.automount_service_account_token == std::optional<bool>{false});
  CAF_CHECK(to_json(sa).find(R"("automountServiceAccountToken":false)") != std::string::npos);
  auto unset = decode_service_account(R"({"metadata": {"name": "a"}})");
  CAF_REQUIRE(unset);
  CAF_CHECK(!unset.value->automount_service_account_token.has_value());
  CAF_CHECK(to_json(*unset.value).find("automount") == std::string::npos);
  auto bad = decode_service_account(R"({"automountServiceAccountToken": "no"})");
  CAF_CHECK(has_error(bad.errors, "automountServiceAccountToken", "expected boolean"));
}

CAF_TEST(api status of a 404) {
  auto r = decode_api_status(R"({"kind":"Status","apiVersion":"v1","metadata":{},
    "status":"Failure","message":"openbaorestores.openbao.org \"nope\" not found",
    "reason":"NotFound","details":{"name":"nope","group":"openbao.org",
    "kind":"openbaorestores"},"code":404})");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r.value->code, 404);
  CAF_CHECK_EQUAL(r.value->reason, "NotFound");
  CAF_CHECK_EQUAL(r.value->details.kind, "openbaorestores");
}

CAF_TEST(encoding writes the wire names and omits empty fields) {
  auto r = decode_openbao_restore(full_restore);
  CAF_REQUIRE(r);
  auto text = to_json(*r.value);
  for (const char* key : {"\"apiVersion\":\"openbao.org/v1alpha1\"", "\"kind\":\"OpenBaoRestore\"",
                          "\"overrideOperationLock\":true", "\"credentialsSecretRef\":{\"name\":",
                          "\"creationTimestamp\":\"2026-11-25T08:00:00Z\"", "\"phase\":\"Running\""})
    CAF_CHECK(text.find(key) != std::string::npos);
  CAF_CHECK(text.find("jwtAuthRole") == std::string::npos);
  CAF_CHECK(text.find("null") == std::string::npos);
  openbao_restore bare;
  CAF_CHECK(to_json(bare).find("\"status\"") == std::string::npos);
}

CAF_TEST(object head) {
  auto r = decode_object_head(R"({"apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "tenant-a"}, "spec": {"finalizers": ["kubernetes"]}})");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r.value->kind, "Namespace");
  CAF_CHECK_EQUAL(r.value->metadata.name, "tenant-a");
}

CAF_TEST(explicit empty or zero defaulted fields survive a round trip) {
  // Found by the fuzzer: "region": "" was omitted on encode and came back as the default.
  auto r = decode_openbao_restore(R"({"spec": {"cluster": "c", "source": {"key": "k",
    "target": {"bucket": "b", "region": "", "provider": "", "partSize": 0, "concurrency": 0}}}})");
  CAF_REQUIRE(r);
  const auto& t = r.value->spec.source.target;
  CAF_CHECK_EQUAL(t.region, "");
  CAF_CHECK_EQUAL(t.part_size, 0);
  auto back = decode_openbao_restore(to_json(*r.value));
  CAF_REQUIRE(back);
  CAF_CHECK(*back.value == *r.value);
}
