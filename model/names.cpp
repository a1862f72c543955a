#include "model/names.hpp"

namespace baorestore::model {

namespace {

bool is_alnum_lower(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One label without the 63-character cap (the subdomain has its own cap of 253).
bool is_label_shape(std::string_view s) {
  if (s.empty() || !is_alnum_lower(s.front()) || !is_alnum_lower(s.back()))
    return false;
  for (char c : s)
    if (!is_alnum_lower(c) && c != '-')
      return false;
  return true;
}

} // namespace

bool is_dns1123_label(std::string_view s) {
  return s.size() <= 63 && is_label_shape(s);
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253)
    return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_label_shape(part))
      return false;
    if (dot == std::string_view::npos)
      return true;
    start = dot + 1;
  }
}

} // namespace baorestore::model
