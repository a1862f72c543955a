#define CAF_SUITE model.metadata_validation
#include "caf/test/unit_test.hpp"

// Label and annotation rules as kube-apiserver 1.32 words them (apimachinery
// pkg/util/validation and pkg/apis/meta/v1/validation), and the one name cut that keeps
// generated names and label values within them.

#include <map>
#include <string>
#include <vector>

#include "model/metadata_validation.hpp"
#include "model/names.hpp"

using namespace baorestore::model;

namespace {

const std::string value_regex =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
  "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
  " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const std::string name_regex =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
  "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
  "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const std::string prefix_regex =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
  "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
  "'example.com', regex used for validation is "
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

struct value_case {
  std::string value;
  std::vector<std::string> errors;
};

struct key_case {
  std::string key;
  std::vector<std::string> errors;
};

} // namespace

CAF_TEST(label values) {
  const std::string& regex = value_regex;
  const value_case cases[] = {
    {"", {}},
    {"a", {}},
    {"vault", {}},
    {"My_Value.1-x", {}},
    {std::string(63, 'a'), {}},
    {std::string(64, 'a'), {"must be no more than 63 characters"}},
    {std::string(200, 'a'), {"must be no more than 63 characters"}},
    {"-a", {regex}},
    {"a-", {regex}},
    {"a b", {regex}},
    {"a/b", {regex}},
    {"_", {regex}},
    {std::string(63, 'a') + "-", {"must be no more than 63 characters", regex}},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("value \"" << c.value << "\"");
    CAF_CHECK_EQUAL(label_value_errors(c.value), c.errors);
  }
}

CAF_TEST(label keys are qualified names) {
  const std::string& name = name_regex;
  const std::string& prefix = prefix_regex;
  const key_case cases[] = {
    {"app", {}},
    {"openbao.org/restore", {}},
    {"app.kubernetes.io/managed-by", {}},
    {"A_b.c-1", {}},
    {std::string(63, 'k'), {}},
    {std::string(64, 'k'), {"name part must be no more than 63 characters"}},
    {"", {"name part must be non-empty", name}},
    {"/x", {"prefix part must be non-empty"}},
    {"x/", {"name part must be non-empty", name}},
    {"Example.org/x", {prefix}},
    {std::string(254, 'p') + "/x", {"prefix part must be no more than 253 characters"}},
    {"-x", {name}},
    {"a/b/c",
     {"a qualified name " + name_regex.substr(std::string{"name part "}.size())
      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("key \"" << c.key << "\"");
    CAF_CHECK_EQUAL(qualified_name_errors(c.key), c.errors);
  }
}

CAF_TEST(validate_labels names the field and the offending key or value) {
  std::map<std::string, std::string> labels{{"openbao.org/restore", std::string(70, 'r')},
                                            {"ok", "fine"},
                                            {"bad key", "v"}};
  auto vs = validate_labels(labels, "metadata.labels");
  CAF_REQUIRE_EQUAL(vs.size(), 2u);
  // Key order: "bad key" before "openbao.org/restore".
  CAF_CHECK_EQUAL(vs[0].reason, "FieldValueInvalid");
  CAF_CHECK_EQUAL(vs[0].field, "metadata.labels");
  CAF_CHECK_EQUAL(vs[0].message, "Invalid value: \"bad key\": " + name_regex);
  CAF_CHECK_EQUAL(vs[1].message, "Invalid value: \"" + std::string(70, 'r')
                                   + "\": must be no more than 63 characters");
  CAF_CHECK_EQUAL(to_string(vs[1]), "metadata.labels: " + vs[1].message);
  CAF_CHECK(validate_labels({{"a", "b"}}, "metadata.labels").empty());
}

CAF_TEST(annotations keys case-insensitive and size bounded) {
  CAF_CHECK(validate_annotations({{"Openbao.ORG/Restore-Name", std::string(1000, 'x')}},
                                 "metadata.annotations")
              .empty());
  auto bad = validate_annotations({{"a b", "x"}}, "metadata.annotations");
  CAF_REQUIRE_EQUAL(bad.size(), 1u);
  CAF_CHECK_EQUAL(bad[0].field, "metadata.annotations");
  CAF_CHECK(bad[0].message.find("Invalid value: \"a b\": name part must consist") == 0);
  std::map<std::string, std::string> big{{"a", std::string(annotations_size_limit - 1, 'x')}};
  CAF_CHECK(validate_annotations(big, "metadata.annotations").empty()); // exactly the limit
  big["b"] = "y";
  auto too = validate_annotations(big, "metadata.annotations");
  CAF_REQUIRE_EQUAL(too.size(), 1u);
  CAF_CHECK_EQUAL(too[0].reason, "FieldValueTooLong");
  CAF_CHECK_EQUAL(to_string(too[0]),
                  "metadata.annotations: Too long: may not be more than 262144 bytes");
}

CAF_TEST(cut_name keeps short names and cuts long ones with a stable hash) {
  CAF_CHECK_EQUAL(cut_name("restore-a", 63), "restore-a");
  CAF_CHECK_EQUAL(cut_name(std::string(63, 'a'), 63), std::string(63, 'a'));
  auto long1 = "restore-" + std::string(200, 'b');
  auto cut1 = cut_name(long1, 63);
  CAF_CHECK_EQUAL(cut1.size(), 63u);
  CAF_CHECK_EQUAL(cut1.substr(0, 54), long1.substr(0, 54));
  CAF_CHECK_EQUAL(cut1, cut_name(long1, 63)); // deterministic
  // Names that share their first 54 characters still differ.
  CAF_CHECK_NOT_EQUAL(cut1, cut_name(long1 + "c", 63));
  // No '-', '.' or '_' before the hash, so the cut stays a DNS label and a label value.
  auto dashy = std::string(53, 'a') + "-.-" + std::string(20, 'z');
  auto cut2 = cut_name(dashy, 63);
  CAF_CHECK_EQUAL(cut2.substr(0, 54), std::string(53, 'a') + "-");
  CAF_CHECK_EQUAL(cut2.size(), 62u);
  CAF_CHECK(is_dns1123_label(cut2));
  CAF_CHECK(label_value_errors(cut2).empty());
  CAF_CHECK(label_value_errors(name_label_value(std::string(253, 'x'))).empty());
  // A pinned value: the cut must not change across builds (existing Jobs are found by it).
  CAF_CHECK_EQUAL(cut_name("restore-" + std::string(60, 'n'), 63),
                  "restore-" + std::string(46, 'n') + "-d2d572dc");
  auto sa = cut_name(std::string(250, 'c') + "-restore-serviceaccount", 253);
  CAF_CHECK_EQUAL(sa.size(), 253u);
  CAF_CHECK(is_dns1123_subdomain(sa));
}
