// Reading is lenient, judging is strict (DESIGN §2): unknown spec fields are noted, not
// fatal; upstream's newer fields decode; a list with an item that does not decode keeps the
// others and names the bad one's fields (issue 16, finding 5).
#define CAF_SUITE lenient_decode
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "model/codec.hpp"
#include "model/restore_validation.hpp"
#include "model/undecodable.hpp"

using namespace baorestore::model;

namespace {

std::string restore_json(const std::string& name, const std::string& spec_extra,
                         const std::string& source_extra = "") {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",
    "metadata":{"name":")" + name + R"(","namespace":"tenant-a","uid":"uid-)" + name
         + R"(","resourceVersion":"7","generation":1},
    "spec":{"cluster":"vault","source":{"target":{"bucket":"b"},"key":"k.snap")"
         + source_extra + "}" + spec_extra + R"(},
    "status":{"phase":"Validating"}})";
}

bool names(const field_errors& errors, const std::string& path, const std::string& part) {
  return std::any_of(errors.begin(), errors.end(), [&](const field_error& e) {
    return e.path == path && e.message.find(part) != std::string::npos;
  });
}

} // namespace

CAF_TEST(a lenient read notes unknown spec fields and judging refuses them) {
  auto d = decode_openbao_restore(
    restore_json("r", R"(,"overideOperationLock":true)", R"(,"regoin":"x")"));
  CAF_REQUIRE(d);
  std::vector<std::string> expected{"spec.source.regoin", "spec.overideOperationLock"};
  CAF_CHECK_EQUAL(d.value->spec.unknown_fields, expected);
  auto errors = validate_restore_spec(d.value->spec);
  CAF_CHECK(names(errors, "spec.overideOperationLock", "unknown field"));
  CAF_CHECK(names(errors, "spec.source.regoin", "unknown field"));
  // Unknown fields outside the spec are nobody's business.
  auto outside = decode_openbao_restore(R"({"metadata":{"name":"r","x":1},"extra":1,
    "spec":{"cluster":"c","source":{"target":{"bucket":"b"},"key":"k"}},"status":{"y":2}})");
  CAF_REQUIRE(outside);
  CAF_CHECK(outside.value->spec.unknown_fields.empty());
}

CAF_TEST(upstream newer source fields decode and round trip) {
  auto d = decode_openbao_restore(restore_json(
    "r", "", R"(,"expectedDigest":"sha256:abc","expectedSize":1234,)"
             R"("expectedClusterID":"cid-1","expectedVersion":"2.4.1")"));
  CAF_REQUIRE(d);
  const auto& s = d.value->spec.source;
  CAF_CHECK_EQUAL(s.expected_digest, "sha256:abc");
  CAF_CHECK(s.expected_size == std::optional<std::int64_t>{1234});
  CAF_CHECK_EQUAL(s.expected_cluster_id, "cid-1");
  CAF_CHECK_EQUAL(s.expected_version, "2.4.1");
  CAF_CHECK(d.value->spec.unknown_fields.empty());
  CAF_CHECK(validate_restore_spec(d.value->spec).empty());
  decode_options strict;
  strict.strict = true;
  auto again = decode_openbao_restore(to_json(*d.value), strict);
  CAF_REQUIRE(again);
  CAF_CHECK(*again.value == *d.value);
}

CAF_TEST(restore into a new cluster and workload identity decode and are not supported) {
  auto d = decode_openbao_restore(restore_json(
    "r", R"(,"clusterTemplate":{"spec":{"replicas":3}},"targetLifecycle":"Retain",)"
         R"("cleanupAfterSeconds":60,"workloadIdentity":{"aws":{"roleArn":"x"}})"));
  CAF_REQUIRE(d);
  const auto& spec = d.value->spec;
  CAF_CHECK(spec.cluster_template == std::optional<std::string>{R"({"spec":{"replicas":3}})"});
  CAF_CHECK_EQUAL(spec.target_lifecycle, "Retain");
  CAF_CHECK(spec.cleanup_after_seconds == std::optional<std::int64_t>{60});
  CAF_CHECK(spec.unknown_fields.empty());
  auto unsupported = unsupported_restore_features(spec);
  CAF_CHECK(names(unsupported, "spec.clusterTemplate", "not supported"));
  CAF_CHECK(names(unsupported, "spec.targetLifecycle", "not supported"));
  CAF_CHECK(names(unsupported, "spec.cleanupAfterSeconds", "not supported"));
  CAF_CHECK(names(unsupported, "spec.workloadIdentity", "not supported"));
  decode_options strict;
  strict.strict = true;
  auto again = decode_openbao_restore(to_json(*d.value), strict);
  CAF_REQUIRE(again);
  CAF_CHECK(*again.value == *d.value);
  // A template that is not an object is a shape error, named.
  auto bad = decode_openbao_restore(restore_json("r", R"(,"clusterTemplate":"yes")"));
  CAF_CHECK(!bad);
  CAF_CHECK(names(bad.errors, "spec.clusterTemplate", "expected object"));
}

CAF_TEST(a list keeps the items that decode and describes the one that does not) {
  auto list = R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestoreList",
    "metadata":{"resourceVersion":"9"},"items":[)"
              + restore_json("good-1", "") + "," + restore_json("bad", R"(,"force":"yes")")
              + "," + restore_json("good-2", "") + "]}";
  // The strict list decoder fails the whole list on one bad item.
  CAF_CHECK(!decode_openbao_restore_list(list));
  auto d = decode_openbao_restore_list_lenient(list);
  CAF_REQUIRE(d);
  CAF_REQUIRE_EQUAL(d.value->list.items.size(), 2u);
  CAF_CHECK_EQUAL(d.value->list.items[0].metadata.name, "good-1");
  CAF_CHECK_EQUAL(d.value->list.items[1].metadata.name, "good-2");
  CAF_CHECK_EQUAL(d.value->list.metadata.resource_version, "9");
  CAF_REQUIRE_EQUAL(d.value->skipped.size(), 1u);
  const auto& bad = d.value->skipped[0];
  CAF_CHECK_EQUAL(bad.metadata.name, "bad");
  CAF_CHECK_EQUAL(bad.metadata.namespace_, "tenant-a");
  CAF_CHECK_EQUAL(bad.metadata.uid, "uid-bad");
  CAF_CHECK_EQUAL(bad.metadata.resource_version, "7");
  CAF_CHECK_EQUAL(bad.phase, "Validating");
  CAF_CHECK(names(bad.errors, "spec.force", "expected boolean, got string"));
  // A list that is not one still fails.
  CAF_CHECK(!decode_openbao_restore_list_lenient(R"({"items":3})"));
  CAF_CHECK(!decode_openbao_restore_list_lenient("not json"));
}

CAF_TEST(an object whose metadata does not decode is described as far as it reads) {
  auto d = describe_undecodable(R"({"metadata":{"name":5},"status":{"phase":"Running"}})",
                                {{"metadata.name", "expected string, got integer"}});
  CAF_CHECK(d.metadata.name.empty());
  CAF_CHECK_EQUAL(d.errors.size(), 1u);
  auto s = describe_undecodable(R"({"metadata":{"name":"x","resourceVersion":"3"},
    "status":{"phase":7}})", {});
  CAF_CHECK_EQUAL(s.metadata.name, "x");
  CAF_CHECK_EQUAL(s.metadata.resource_version, "3");
  CAF_CHECK_EQUAL(s.phase, "");
}
