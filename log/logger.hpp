#pragma once
// The operator's log (DESIGN §8, issue 7): one line per record on a stream (stderr), as a JSON
// object {"time","level","msg", and context keys such as "namespace","name","phase"} or, for a
// person at a terminal, as plain text. Pure: no CAF, no Beast.
//
// - Records below the logger's level are dropped (debug < info < warn < error).
// - Every logger in the process writes whole lines one at a time (one process-wide mutex), so
//   lines from actors on different threads never interleave, whichever logger they use.
// - Secrets never get out: the message and every field value go through redact() first
//   (log/redact.hpp), and a field whose key names a secret ("token", "password", ...) is
//   replaced by "[REDACTED]" whatever its value.
// - Fields with an empty value are left out: keys appear where they apply.
//
//   log::logger lg{std::cerr, log::level::info, log::format::json};
//   lg.info("restore step", {{"namespace", ns}, {"name", name}, {"phase", "Running"}});
//   {"time":"2026-11-25T15:03:28.123Z","level":"info","msg":"restore step","namespace":...}

#include <chrono>
#include <functional>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace baorestore::log {

enum class level { debug, info, warn, error };
enum class format { json, text };

std::string_view to_string(level l);
std::optional<level> parse_level(std::string_view text);
std::string_view to_string(format f);
std::optional<format> parse_format(std::string_view text);

/// One context key of a record. Views: a record is formatted before the call returns.
struct field {
  std::string_view key;
  std::string_view value;
};

using fields = std::initializer_list<field>;
using clock_function = std::function<std::chrono::system_clock::time_point()>;

/// "2026-11-25T15:03:28.123Z": RFC 3339, UTC, milliseconds.
std::string format_time(std::chrono::system_clock::time_point t);

/// The line of one record, without its newline; `msg` and the values are redacted here.
std::string format_line(format f, std::chrono::system_clock::time_point t, level l,
                        std::string_view msg, fields context);

class logger {
public:
  /// `out` must outlive the logger and its copies. `clock` empty: the system clock.
  explicit logger(std::ostream& out, level min = level::info, format f = format::json,
                  clock_function clock = {});

  bool enabled(level l) const {
    return l >= min_;
  }

  void write(level l, std::string_view msg, fields context = {}) const;

  void debug(std::string_view msg, fields context = {}) const {
    write(level::debug, msg, context);
  }
  void info(std::string_view msg, fields context = {}) const {
    write(level::info, msg, context);
  }
  void warn(std::string_view msg, fields context = {}) const {
    write(level::warn, msg, context);
  }
  void error(std::string_view msg, fields context = {}) const {
    write(level::error, msg, context);
  }

private:
  std::ostream* out_;
  level min_;
  format format_;
  clock_function clock_;
};

} // namespace baorestore::log
