#define CAF_SUITE devcluster_api.strategic_merge
#include "caf/test/unit_test.hpp"

#include <boost/json.hpp>

#include "devcluster/api/strategic_merge.hpp"

namespace json = boost::json;
using baorestore::devcluster::api::apply_strategic_merge;

namespace {

json::value merged(std::string_view original, std::string_view patch) {
  auto r = apply_strategic_merge(json::parse(original), json::parse(patch));
  CAF_REQUIRE(r.error.empty());
  return r.value;
}

} // namespace

CAF_TEST(kubectl apply changing one env var keeps the container image and args) {
  // The patch kubectl 1.32 sent for exactly this change (KUBECTL.md §3).
  auto out = merged(
    R"({"spec":{"template":{"spec":{"containers":[{"name":"restore","image":"img:1","args":["a"],
        "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}}})",
    R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"restore"}],
        "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"}],
        "env":[{"name":"B","value":"3"}],"name":"restore"}]}}}})");
  auto expected = json::parse(
    R"({"spec":{"template":{"spec":{"containers":[{"name":"restore","image":"img:1","args":["a"],
        "env":[{"name":"A","value":"1"},{"name":"B","value":"3"}]}]}}}})");
  CAF_CHECK_EQUAL(json::serialize(out), json::serialize(expected));
}

CAF_TEST(directives) {
  // $patch: delete removes a keyed item; new keyed items are appended.
  auto out = merged(R"({"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]})",
                    R"({"env":[{"name":"A","$patch":"delete"},{"name":"C","value":"3"}]})");
  CAF_CHECK_EQUAL(json::serialize(out),
                  R"({"env":[{"name":"B","value":"2"},{"name":"C","value":"3"}]})");
  // $patch: replace replaces the object; null deletes a key.
  out = merged(R"({"a":{"x":1,"y":2},"b":1})", R"({"a":{"$patch":"replace","z":3},"b":null})");
  CAF_CHECK_EQUAL(json::serialize(out), R"({"a":{"z":3}})");
  // Finalizers are a merged primitive list; $deleteFromPrimitiveList removes values.
  out = merged(R"({"metadata":{"finalizers":["a","b"]}})",
               R"({"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}})");
  CAF_CHECK_EQUAL(json::serialize(out), R"({"metadata":{"finalizers":["b","c"]}})");
  // Lists without a merge key are replaced; $retainKeys drops unlisted keys.
  out = merged(R"({"args":["a","b"],"s":{"p":1,"q":2}})",
               R"({"args":["c"],"s":{"$retainKeys":["p"],"p":5}})");
  CAF_CHECK_EQUAL(json::serialize(out), R"({"args":["c"],"s":{"p":5}})");
  CAF_CHECK(!apply_strategic_merge(json::parse("{}"), json::parse("[]")).error.empty());
}
