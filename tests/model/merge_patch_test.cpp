// RFC 7386 §3's examples, each as a case.
#define CAF_SUITE merge_patch
#include "caf/test/unit_test.hpp"

#include <boost/json.hpp>

#include "model/merge_patch.hpp"

using baorestore::model::apply_merge_patch;

namespace {

std::string patched(const char* target, const char* patch) {
  auto t = boost::json::parse(target);
  apply_merge_patch(t, boost::json::parse(patch));
  return boost::json::serialize(t);
}

} // namespace

CAF_TEST(rfc 7386 examples) {
  struct {
    const char* target;
    const char* patch;
    const char* result;
  } cases[] = {
    {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
    {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
    {R"({"a":"b"})", R"({"a":null})", R"({})"},
    {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
    {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
    {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
    {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
    {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
    {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
    {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
    {R"({"a":"foo"})", R"(null)", R"(null)"},
    {R"({"a":"foo"})", R"("bar")", R"("bar")"},
    {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
    {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
    {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.target << " + " << c.patch);
    CAF_CHECK_EQUAL(patched(c.target, c.patch), c.result);
  }
}

CAF_TEST(a lock write and its release) {
  const char* cluster = R"({"spec":{"version":"2.4.0"},"status":{"initialized":true}})";
  auto locked = patched(cluster, R"({"status":{"operationLock":{"holder":"h","fence":1}}})");
  CAF_CHECK_EQUAL(locked, R"({"spec":{"version":"2.4.0"},"status":{"initialized":true,)"
                          R"("operationLock":{"holder":"h","fence":1}}})");
  CAF_CHECK_EQUAL(patched(locked.c_str(), R"({"status":{"operationLock":null}})"), cluster);
}
