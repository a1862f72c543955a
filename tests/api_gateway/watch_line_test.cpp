#define CAF_SUITE gateway.watch_line
#include "caf/test/unit_test.hpp"

// Watch stream lines: every event type, the object handed over intact, and every
// way a line can fail to be an event.

#include <string>

#include <boost/json.hpp>

#include "actors/api_gateway/watch_line.hpp"

using namespace baorestore::gateway;

namespace {

watch_line must_parse(const std::string& line) {
  std::string error;
  auto parsed = parse_watch_line(line, &error);
  if (!parsed)
    CAF_FAIL("not parsed: " << line << ": " << error);
  return *parsed;
}

std::string error_of(const std::string& line) {
  std::string error;
  auto parsed = parse_watch_line(line, &error);
  CAF_CHECK(!parsed);
  return error;
}

} // namespace

CAF_TEST(every event type) {
  struct row {
    const char* type;
    watch_line_type expected;
  };
  for (auto [type, expected] : {row{"ADDED", watch_line_type::added},
                                row{"MODIFIED", watch_line_type::modified},
                                row{"DELETED", watch_line_type::deleted},
                                row{"BOOKMARK", watch_line_type::bookmark},
                                row{"ERROR", watch_line_type::error}}) {
    auto line = must_parse(std::string{R"({"type":")"} + type + R"(","object":{"a":1}})");
    CAF_CHECK(line.type == expected);
  }
}

CAF_TEST(the object is handed over intact in either field order) {
  auto obj = std::string{R"({"metadata":{"name":"x","resourceVersion":"7"},"s":"\u00e9 \"q\""})"};
  auto a = must_parse(R"({"type":"MODIFIED","object":)" + obj + "}");
  CAF_CHECK(boost::json::parse(a.object_json) == boost::json::parse(obj));
  auto b = must_parse(R"({"object":)" + obj + R"(,"type":"DELETED"})");
  CAF_CHECK(boost::json::parse(b.object_json) == boost::json::parse(obj));
  CAF_CHECK(b.type == watch_line_type::deleted);
}

CAF_TEST(lines that are not events) {
  CAF_CHECK_EQUAL(error_of("{not json"), "watch event is not JSON");
  CAF_CHECK_EQUAL(error_of("[1,2]"), "watch event is not a JSON object");
  CAF_CHECK_EQUAL(error_of(R"({"object":{}})"), "watch event without a type");
  CAF_CHECK_EQUAL(error_of(R"({"type":"ADDED"})"), "watch event without an object");
  CAF_CHECK_EQUAL(error_of(R"({"type":"ADDED","object":[1]})"),
                  "watch event object is not a JSON object");
  CAF_CHECK_EQUAL(error_of(R"({"type":"RENAMED","object":{}})"),
                  "unknown watch event type \"RENAMED\"");
  CAF_CHECK_EQUAL(error_of(R"({"type":7,"object":{}})"), "watch event type is not a string");
  CAF_CHECK(!error_of(R"({"type":"ADDED","object":{}} {})").empty());
  CAF_CHECK(!error_of(R"({"type":"ADDED","object":{"a":)").empty());
  CAF_CHECK(!error_of("").empty());
}
