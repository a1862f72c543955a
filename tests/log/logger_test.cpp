#define CAF_SUITE log.logger
#include "caf/test/unit_test.hpp"

// The operator's log lines: one JSON object per line with time, level, msg and the context
// keys that apply; levels filter; escaping survives quotes, newlines, controls and broken
// UTF-8; lines from many threads never interleave.

#include <sstream>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "log/logger.hpp"

using namespace baorestore;
namespace json = boost::json;

namespace {

// 2026-11-25T15:03:28.123Z
std::chrono::system_clock::time_point fixed_time() {
  using namespace std::chrono;
  return system_clock::time_point{seconds{1795705408 - 86400} + milliseconds{123}};
}

log::logger make(std::ostream& out, log::level min = log::level::info,
                 log::format f = log::format::json) {
  return log::logger{out, min, f, [] { return fixed_time(); }};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

} // namespace

CAF_TEST(time is RFC 3339 UTC with milliseconds) {
  CAF_CHECK_EQUAL(log::format_time(fixed_time()), "2026-11-25T15:03:28.123Z");
  CAF_CHECK_EQUAL(log::format_time(std::chrono::system_clock::time_point{}),
                  "1970-01-01T00:00:00.000Z");
}

CAF_TEST(a record is one JSON object with time level msg and its keys) {
  std::ostringstream out;
  make(out).info("restore step", {{"namespace", "tenant-a"}, {"name", "r1"}, {"phase", "Running"},
                                  {"cluster", ""}});
  auto lines = lines_of(out.str());
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK_EQUAL(lines[0], R"({"time":"2026-11-25T15:03:28.123Z","level":"info",)"
                            R"("msg":"restore step","namespace":"tenant-a","name":"r1",)"
                            R"("phase":"Running"})");
}

CAF_TEST(levels below the minimum are dropped) {
  std::ostringstream out;
  auto lg = make(out, log::level::warn);
  lg.debug("d");
  lg.info("i");
  lg.warn("w");
  lg.error("e");
  auto lines = lines_of(out.str());
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  // Parsed into locals: CAF_CHECK_EQUAL binds references, which would dangle on temporaries.
  auto first = json::parse(lines[0]);
  auto second = json::parse(lines[1]);
  CAF_CHECK(first.at("level").as_string() == "warn");
  CAF_CHECK(second.at("level").as_string() == "error");
  CAF_CHECK(!lg.enabled(log::level::info));
  std::ostringstream all;
  make(all, log::level::debug).debug("d");
  CAF_CHECK_EQUAL(lines_of(all.str()).size(), 1u);
}

CAF_TEST(levels and formats parse from their names) {
  CAF_CHECK(log::parse_level("debug") == log::level::debug);
  CAF_CHECK(log::parse_level("error") == log::level::error);
  CAF_CHECK(!log::parse_level("loud"));
  CAF_CHECK(log::parse_format("text") == log::format::text);
  CAF_CHECK(!log::parse_format("xml"));
}

CAF_TEST(hostile text stays one valid JSON line) {
  std::ostringstream out;
  std::string nasty = "quote \" backslash \\ newline \n tab \t nul ";
  nasty += '\0';
  nasty += " bell \x07 broken \xC3\x28 overlong \xC0\xAF surrogate \xED\xA0\x80 end \xF0\x9F";
  make(out).error(nasty, {{"name", nasty}});
  auto lines = lines_of(out.str());
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  auto v = json::parse(lines[0]); // throws on invalid JSON
  std::string msg{v.at("msg").as_string()};
  CAF_CHECK(msg.find("quote \" backslash \\ newline \n tab") == 0);
  CAF_CHECK(msg.find("\xEF\xBF\xBD") != std::string::npos); // U+FFFD for the broken bytes
  CAF_CHECK(msg.find('\xC0') == std::string::npos);
  CAF_CHECK(v.at("name").as_string() == v.at("msg").as_string());
}

CAF_TEST(text format is one readable line) {
  std::ostringstream out;
  make(out, log::level::info, log::format::text)
    .warn("watch failed\nagain", {{"namespace", "tenant-a"}, {"reason", "two words"}});
  CAF_CHECK_EQUAL(out.str(), "2026-11-25T15:03:28.123Z WARN  watch failed again "
                             "namespace=tenant-a reason=\"two words\"\n");
}

CAF_TEST(lines from many threads never interleave) {
  std::ostringstream out;
  auto lg = make(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&lg, t] {
      std::string long_name(500, static_cast<char>('a' + t));
      for (int i = 0; i < 200; ++i)
        lg.info("concurrent", {{"name", long_name}});
    });
  for (auto& t : threads)
    t.join();
  auto lines = lines_of(out.str());
  CAF_REQUIRE_EQUAL(lines.size(), 800u);
  for (const auto& line : lines) {
    auto v = json::parse(line);
    auto name = v.at("name").as_string();
    CAF_CHECK_EQUAL(name.size(), 500u);
    CAF_CHECK_EQUAL(std::string(name.size(), name[0]), std::string{name});
  }
}
