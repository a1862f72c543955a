#include "log/logger.hpp"

#include <ctime>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "log/redact.hpp"
#include "log/utf8.hpp"

namespace baorestore::log {

namespace {

namespace json = boost::json;

// Whole lines, one at a time, across every logger of the process: loggers are cheap values
// made where they are needed, and they may share a stream.
std::mutex& line_mutex() {
  static std::mutex m;
  return m;
}

std::string safe_value(std::string_view key, std::string_view value) {
  if (is_secret_key(key))
    return std::string{redacted};
  return valid_utf8(redact(value));
}

std::string json_line(std::string_view time, level l, std::string_view msg, fields context) {
  json::object o;
  o["time"] = time;
  o["level"] = to_string(l);
  o["msg"] = valid_utf8(redact(msg));
  for (const auto& f : context)
    if (!f.value.empty() && !o.contains(f.key))
      o[f.key] = safe_value(f.key, f.value);
  return json::serialize(o);
}

// Plain text for a terminal: values with spaces, quotes or controls are JSON-quoted so that a
// line stays one line and reads back unambiguously.
std::string text_value(std::string_view v) {
  bool plain = !v.empty();
  for (char c : v)
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '=')
      plain = false;
  return plain ? std::string{v} : json::serialize(json::string_view{v.data(), v.size()});
}

std::string text_line(std::string_view time, level l, std::string_view msg, fields context) {
  std::string upper{to_string(l)};
  for (auto& c : upper)
    c = static_cast<char>(c - 'a' + 'A');
  auto line = fmt::format("{} {:<5} {}", time, upper, valid_utf8(redact(msg)));
  for (auto& c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  for (const auto& f : context)
    if (!f.value.empty())
      line += fmt::format(" {}={}", f.key, text_value(safe_value(f.key, f.value)));
  return line;
}

} // namespace

std::string_view to_string(level l) {
  switch (l) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "info";
}

std::optional<level> parse_level(std::string_view text) {
  for (auto l : {level::debug, level::info, level::warn, level::error})
    if (to_string(l) == text)
      return l;
  return std::nullopt;
}

std::string_view to_string(format f) {
  return f == format::json ? "json" : "text";
}

std::optional<format> parse_format(std::string_view text) {
  if (text == "json")
    return format::json;
  if (text == "text")
    return format::text;
  return std::nullopt;
}

std::string format_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = time_point_cast<milliseconds>(t);
  auto secs = time_point_cast<seconds>(ms);
  if (secs > ms) // before 1970: floor, not truncation
    secs -= seconds{1};
  auto tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (ms - secs).count());
}

std::string format_line(format f, std::chrono::system_clock::time_point t, level l,
                        std::string_view msg, fields context) {
  auto time = format_time(t);
  return f == format::json ? json_line(time, l, msg, context)
                           : text_line(time, l, msg, context);
}

logger::logger(std::ostream& out, level min, format f, clock_function clock)
  : out_(&out), min_(min), format_(f), clock_(std::move(clock)) {
}

void logger::write(level l, std::string_view msg, fields context) const {
  if (!enabled(l))
    return;
  auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  auto line = format_line(format_, now, l, msg, context);
  line += '\n';
  std::lock_guard guard{line_mutex()};
  out_->write(line.data(), static_cast<std::streamsize>(line.size()));
  out_->flush();
}

} // namespace baorestore::log
