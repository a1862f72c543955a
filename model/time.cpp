#include "model/time.hpp"

#include <sstream>

#include <date/date.h>

namespace baorestore::model {

std::string format_rfc3339(timestamp t) {
  return date::format("%FT%TZ", t);
}

std::optional<timestamp> parse_rfc3339(std::string_view text) {
  // RFC 3339 needs "T" between date and time (lowercase allowed) and an explicit offset;
  // date::parse is lenient about widths, so check the fixed shape first.
  if (text.size() < 20 || text.size() > 40 || text[4] != '-' || text[7] != '-'
      || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  std::string s(text);
  s[10] = 'T';
  char last = s.back();
  if (last == 'Z' || last == 'z')
    s.back() = 'Z';
  // Keep at most microseconds of a fraction: parsing reads no more digits than the
  // precision it parses into, and nanosecond time points overflow past year 2262.
  if (s.size() > 19 && s[19] == '.') {
    auto end = s.find_first_not_of("0123456789", 20);
    if (end == std::string::npos || end == 20)
      return std::nullopt;
    if (end > 26)
      s.erase(26, end - 26);
  }
  std::istringstream in(s);
  date::sys_time<std::chrono::microseconds> t;
  if (s.back() == 'Z')
    in >> date::parse("%FT%TZ", t);
  else
    in >> date::parse("%FT%T%Ez", t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof())
    return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(t);
}

} // namespace baorestore::model
