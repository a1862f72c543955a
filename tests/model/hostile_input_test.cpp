// Hostile input: nothing crashes, hangs or is accepted half-way; every error is clear.
// Runs under ASan/UBSan in the test build.
#define CAF_SUITE hostile_input
#include "caf/test/unit_test.hpp"

#include <functional>
#include <random>

#include <boost/json.hpp>

#include "model/codec.hpp"

using namespace baorestore::model;

namespace {

// A restore with every field set, as JSON text, to mutate.
std::string full_restore_json() {
  openbao_restore r;
  r.metadata.name = "restore-1";
  r.metadata.namespace_ = "tenant-a";
  r.metadata.labels = {{"team", "a"}};
  r.metadata.annotations = {{"note", "x"}};
  r.metadata.finalizers = {restore_finalizer};
  r.metadata.owner_references = {{"v1", "Namespace", "n", "u", true, true}};
  r.metadata.creation_timestamp = timestamp{std::chrono::seconds{1'700'000'000}};
  r.metadata.generation = 2;
  r.spec.cluster = "vault";
  r.spec.source.key = "k";
  r.spec.source.target.bucket = "b";
  r.spec.source.target.endpoint = "http://127.0.0.1:4568";
  r.spec.source.target.credentials_secret_ref = local_object_reference{"creds"};
  r.spec.source.target.gcs = gcs_target{"p"};
  r.spec.source.target.azure = azure_target{"acct", "c"};
  r.spec.source.target.use_path_style = true;
  r.spec.source.target.insecure_skip_verify = true;
  r.spec.source.target.role_arn = "arn";
  r.spec.source.target.path_prefix = "p/";
  r.spec.token_secret_ref = local_object_reference{"tok"};
  r.spec.jwt_auth_role = "role";
  r.spec.image = "img";
  r.spec.force = true;
  r.spec.override_operation_lock = true;
  r.status.phase = restore_phase::failed;
  r.status.message = "m";
  r.status.snapshot_key = "k";
  r.status.snapshot_size = 5;
  r.status.observed_generation = 2;
  r.status.start_time = r.metadata.creation_timestamp;
  r.status.completion_time = r.metadata.creation_timestamp;
  r.status.conditions = {{"RestoreComplete", "False", "Failed", "x", 2,
                          r.metadata.creation_timestamp}};
  return to_json(r);
}

// A value of a different JSON type than `v`.
boost::json::value wrong_type_for(const boost::json::value& v) {
  if (v.is_string())
    return 42;
  if (v.is_object())
    return boost::json::array{1};
  if (v.is_array())
    return boost::json::object{{"a", 1}};
  return "x";
}

// Calls visit(path, value) for every value below `v`, paths as the decoder names them.
void walk(boost::json::value& v, const std::string& path,
          const std::function<void(const std::string&, boost::json::value&)>& visit) {
  if (v.is_object()) {
    bool is_map = path.size() >= 6
                  && (path.ends_with("labels") || path.ends_with("annotations"));
    for (auto& [k, child] : v.as_object()) {
      std::string key(k);
      auto child_path = is_map ? path + "[" + key + "]"
                               : (path.empty() ? key : path + "." + key);
      visit(child_path, child);
      walk(child, child_path, visit);
    }
  } else if (v.is_array()) {
    auto& a = v.as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto child_path = path + "[" + std::to_string(i) + "]";
      visit(child_path, a[i]);
      walk(a[i], child_path, visit);
    }
  }
}

bool names_path(const field_errors& errors, const std::string& path) {
  for (const auto& e : errors)
    if (e.path == path)
      return true;
  return false;
}

} // namespace

CAF_TEST(every truncation is an error) {
  auto text = full_restore_json();
  CAF_REQUIRE(decode_openbao_restore(text));
  for (std::size_t n = 0; n < text.size(); ++n) {
    auto r = decode_openbao_restore(std::string_view(text).substr(0, n));
    if (r) {
      CAF_FAIL("a truncation to " << n << " bytes decoded");
    }
    CAF_CHECK(!r.errors.empty());
  }
}

CAF_TEST(a wrong type at any path is reported at that path) {
  auto original = boost::json::parse(full_restore_json());
  std::size_t mutated = 0;
  walk(original, "", [&](const std::string& path, boost::json::value& slot) {
    if (path == "apiVersion" || path == "kind")
      return;
    auto saved = slot;
    slot = wrong_type_for(saved);
    auto r = decode_openbao_restore(boost::json::serialize(original));
    if (r || !names_path(r.errors, path))
      CAF_FAIL("wrong type at " << path << " not reported there");
    slot = saved;
    ++mutated;
  });
  CAF_MESSAGE(mutated << " paths mutated");
  CAF_CHECK_GREATER(mutated, 50u);
}

CAF_TEST(huge strings decode within the cap and documents over it are refused) {
  std::string big(2 * 1024 * 1024, 'a');
  auto doc = R"({"spec":{"cluster":")" + big
             + R"(","source":{"target":{"bucket":"b"},"key":"k"}}})";
  auto r = decode_openbao_restore(doc);
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r.value->spec.cluster.size(), big.size());
  std::string huge(4 * 1024 * 1024, ' ');
  huge = "{\"x\":\"" + huge + "\"}";
  auto refused = decode_openbao_restore(huge);
  CAF_CHECK(!refused);
  CAF_REQUIRE_EQUAL(refused.errors.size(), 1u);
  CAF_CHECK(refused.errors[0].message.find("exceeds the limit") != std::string::npos);
  decode_options wide;
  wide.limits.max_bytes = 8 * 1024 * 1024;
  CAF_CHECK(decode_object_head(huge, wide));
}

CAF_TEST(deep nesting is refused) {
  for (std::size_t depth : {65u, 1000u, 10000u}) {
    std::string doc = "{\"spec\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
    auto r = decode_openbao_restore(doc);
    CAF_CHECK(!r);
    CAF_REQUIRE_EQUAL(r.errors.size(), 1u);
    CAF_CHECK(r.errors[0].message.find("nesting deeper than 64") != std::string::npos);
    std::string objects;
    for (std::size_t i = 0; i < depth; ++i)
      objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    CAF_CHECK(!decode_openbao_cluster(objects));
  }
}

CAF_TEST(invalid utf8 empty input and junk are errors) {
  std::string bad_utf8 = "{\"spec\":{\"cluster\":\"\xff\xfe\","
                         "\"source\":{\"target\":{\"bucket\":\"b\"},\"key\":\"k\"}}}";
  auto r = decode_openbao_restore(bad_utf8);
  CAF_CHECK(!r);
  CAF_CHECK(r.errors.at(0).message.find("UTF-8") != std::string::npos);
  // Keep results in variables: CAF's check macros hold references past the full expression.
  auto empty = decode_openbao_restore("");
  CAF_CHECK_EQUAL(empty.errors.at(0).message, "empty document");
  for (const char* junk : {" ", "null", "[]", "\"x\"", "42", "{", "}", "{\"a\" 1}", "{}{}",
                           "{\"spec\":{}}\x00"})
    CAF_CHECK(!decode_openbao_restore(junk));
  CAF_CHECK(!decode_openbao_restore(std::string("{\"a\":\"\0\"}", 10)));
  auto array_root = decode_openbao_restore("[1,2]");
  CAF_CHECK_EQUAL(array_root.errors.at(0).message, "expected object, got array");
}

CAF_TEST(random mutations never crash) {
  auto text = full_restore_json();
  std::mt19937 rng(20261125);
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    auto s = text;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
      s[rng() % s.size()] = static_cast<char>(rng() % 256);
    auto r = decode_openbao_restore(s);
    // Either a value or errors, never both and never neither.
    CAF_CHECK_NOT_EQUAL(r.value.has_value(), !r.errors.empty());
    accepted += r ? 1 : 0;
  }
  CAF_MESSAGE(accepted << " of 20000 mutations still decoded");
}
