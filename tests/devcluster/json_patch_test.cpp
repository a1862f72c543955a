#define CAF_SUITE devcluster.json_patch
#include "caf/test/unit_test.hpp"

#include "devcluster/json_patch.hpp"
#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

CAF_TEST(json pointers) {
  struct case_ {
    const char* text;
    std::optional<std::vector<std::string>> tokens;
  } cases[] = {
    {"", std::vector<std::string>{}},
    {"/", std::vector<std::string>{""}},
    {"/a/b", std::vector<std::string>{"a", "b"}},
    {"/a~1b/c~0d", std::vector<std::string>{"a/b", "c~d"}},
    {"/~01", std::vector<std::string>{"~1"}},
    {"/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
     std::vector<std::string>{"metadata", "annotations",
                              "kubectl.kubernetes.io/last-applied-configuration"}},
    {"a", std::nullopt},
    {"/a~", std::nullopt},
    {"/a~2", std::nullopt},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.text);
    CAF_CHECK(dc::parse_json_pointer(c.text) == c.tokens);
  }
}

CAF_TEST(json patch operations) {
  struct case_ {
    const char* doc;
    const char* patch;
    const char* expect; // the document after, or "!malformed" / "!failed"
  } cases[] = {
    // RFC 6902 appendix A, in spirit
    {R"({"a":1})", R"([{"op":"add","path":"/b","value":2}])", R"({"a":1,"b":2})"},
    {R"({"a":[1,3]})", R"([{"op":"add","path":"/a/1","value":2}])", R"({"a":[1,2,3]})"},
    {R"({"a":[1]})", R"([{"op":"add","path":"/a/-","value":2}])", R"({"a":[1,2]})"},
    {R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":2}])", "!failed"},
    {R"({"a":[1]})", R"([{"op":"add","path":"/a/01","value":2}])", "!failed"},
    {R"({"a":1})", R"([{"op":"add","path":"/x/y","value":2}])", "!failed"},
    {R"({"a":1})", R"([{"op":"add","path":"","value":{"z":0}}])", R"({"z":0})"},
    {R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"}])", R"({"b":2})"},
    {R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/1"}])", R"({"a":[1,3]})"},
    {R"({"a":1})", R"([{"op":"remove","path":"/b"}])", "!failed"},
    {R"({"a":1})", R"([{"op":"replace","path":"/a","value":[true]}])", R"({"a":[true]})"},
    {R"({"a":1})", R"([{"op":"replace","path":"/b","value":1}])", "!failed"},
    {R"({"a":{"b":1}})", R"([{"op":"move","from":"/a/b","path":"/c"}])", R"({"a":{},"c":1})"},
    {R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])", "!failed"},
    {R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])",
     R"({"a":{"b":1},"c":{"b":1}})"},
    {R"({"a":[1,2]})", R"([{"op":"test","path":"/a","value":[1,2]}])", R"({"a":[1,2]})"},
    {R"({"a":[1,2]})", R"([{"op":"test","path":"/a","value":[2,1]}])", "!failed"},
    {R"({"a/b":1,"m~n":2})", R"([{"op":"remove","path":"/a~1b"},{"op":"replace","path":"/m~0n","value":3}])",
     R"({"m~n":3})"},
    // all or nothing: the second operation fails, the first is not kept
    {R"({"a":1})", R"([{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":0}])",
     "!failed"},
    // malformed
    {R"({"a":1})", R"({"op":"add"})", "!malformed"},
    {R"({"a":1})", R"([{"path":"/a"}])", "!malformed"},
    {R"({"a":1})", R"([{"op":"add","path":"/a"}])", "!malformed"},
    {R"({"a":1})", R"([{"op":"jump","path":"/a"}])", "!malformed"},
    {R"({"a":1})", R"([{"op":"move","path":"/a"}])", "!malformed"},
    {R"({"a":1})", R"([{"op":"remove","path":"a"}])", "!malformed"},
    {R"({"a":1})", R"([1])", "!malformed"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.patch);
    auto doc = val(c.doc);
    auto before = doc;
    auto out = dc::apply_json_patch(doc, val(c.patch));
    std::string expect = c.expect;
    if (expect == "!malformed" || expect == "!failed") {
      CAF_CHECK(out.code == (expect == "!failed" ? dc::json_patch_errc::failed
                                                 : dc::json_patch_errc::malformed));
      CAF_CHECK(!out.message.empty());
      CAF_CHECK(doc == before);
    } else {
      CAF_CHECK(out.code == dc::json_patch_errc::ok);
      CAF_CHECK_EQUAL(json::serialize(doc), json::serialize(val(c.expect)));
    }
  }
}
