#include "model/names.hpp"

#include <cstdint>
#include <cstdio>

namespace baorestore::model {

namespace {

bool is_alnum_lower(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One label without the 63-character cap (the subdomain has its own cap of 253).
std::string short_hash(std::string_view s) {
  std::uint32_t h = 2166136261u; // FNV-1a: stable across builds and platforms
  for (unsigned char ch : s)
    h = (h ^ ch) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

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

std::string cut_name(std::string_view name, std::size_t max) {
  constexpr std::size_t suffix = 9; // "-" and 8 hex digits
  if (name.size() <= max)
    return std::string{name};
  auto keep = max > suffix ? max - suffix : 0;
  std::string cut{name.substr(0, keep)};
  while (!cut.empty() && (cut.back() == '-' || cut.back() == '.' || cut.back() == '_'))
    cut.pop_back();
  // Never empty in practice (names start with an alphanumeric); without a prefix the hash
  // alone is still a valid name and label value.
  return cut.empty() ? short_hash(name) : cut + "-" + short_hash(name);
}

std::string name_label_value(std::string_view name) {
  return cut_name(name, 63);
}

} // namespace baorestore::model
