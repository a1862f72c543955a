#include "model/time.hpp"

#include <initializer_list>
#include <sstream>

#include <date/date.h>

namespace baorestore::model {

std::string format_rfc3339(timestamp t) {
  return date::format("%FT%TZ", t);
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool digits_at(std::string_view s, std::initializer_list<std::size_t> positions) {
  for (auto p : positions)
    if (p >= s.size() || !is_digit(s[p]))
      return false;
  return true;
}

// The exact RFC 3339 shape: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). date::parse is
// lenient about widths and, on some malformed input, converts NaN to an integer (undefined
// behaviour found by the fuzzer), so it only ever sees text of this shape.
bool has_rfc3339_shape(std::string_view s) {
  if (s.size() < 20 || s.size() > 64 || !digits_at(s, {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
      || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':'
      || s[16] != ':')
    return false;
  std::size_t i = 19;
  if (s[i] == '.') {
    auto end = s.find_first_not_of("0123456789", i + 1);
    if (end == std::string_view::npos || end == i + 1)
      return false;
    i = end;
  }
  auto zone = s.substr(i);
  if (zone == "Z" || zone == "z")
    return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits_at(zone, {1, 2, 4, 5})
         && zone[3] == ':';
}

/// The canonical form every encoder writes, "YYYY-MM-DDTHH:MM:SSZ", without a stream (the
/// hot path of decoding). Nullopt when the text is anything else or not plainly valid; the
/// general parser then has the last word.
std::optional<timestamp> parse_canonical(std::string_view s) {
  if (s.size() != 20 || (s[19] != 'Z' && s[19] != 'z'))
    return std::nullopt;
  auto num = [&](std::size_t at, std::size_t width) {
    int n = 0;
    for (std::size_t i = at; i < at + width; ++i)
      n = n * 10 + (s[i] - '0');
    return n;
  };
  date::year_month_day day{date::year{num(0, 4)}, date::month{static_cast<unsigned>(num(5, 2))},
                           date::day{static_cast<unsigned>(num(8, 2))}};
  auto h = num(11, 2);
  auto m = num(14, 2);
  auto sec = num(17, 2);
  if (!day.ok() || h > 23 || m > 59 || sec > 59)
    return std::nullopt;
  return date::sys_days{day} + std::chrono::hours{h} + std::chrono::minutes{m}
         + std::chrono::seconds{sec};
}

} // namespace

std::optional<timestamp> parse_rfc3339(std::string_view text) {
  if (!has_rfc3339_shape(text))
    return std::nullopt;
  if (auto t = parse_canonical(text))
    return t;
  if (auto t = parse_rfc3339_micro(text))
    return std::chrono::floor<std::chrono::seconds>(*t);
  return std::nullopt;
}

std::string format_rfc3339_micro(micro_timestamp t) {
  return date::format("%FT%TZ", t);
}

std::optional<micro_timestamp> parse_rfc3339_micro(std::string_view text) {
  if (!has_rfc3339_shape(text))
    return std::nullopt;
  if (auto t = parse_canonical(text))
    return micro_timestamp{*t};
  std::string s(text);
  s[10] = 'T';
  if (s.back() == 'z')
    s.back() = 'Z';
  // Keep at most microseconds of a fraction: parsing reads no more digits than the
  // precision it parses into, and nanosecond time points overflow past year 2262.
  if (s[19] == '.') {
    auto end = s.find_first_not_of("0123456789", 20);
    if (end > 26)
      s.erase(26, end - 26);
  }
  std::istringstream in(s);
  micro_timestamp t;
  if (s.back() == 'Z')
    in >> date::parse("%FT%TZ", t);
  else
    in >> date::parse("%FT%T%Ez", t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof())
    return std::nullopt;
  return t;
}

} // namespace baorestore::model
