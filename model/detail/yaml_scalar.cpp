#include "model/detail/yaml_scalar.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <system_error>

namespace baorestore::model::detail {

namespace {

constexpr std::string_view core_tag_prefix = "tag:yaml.org,2002:";

bool is_digit(char c, int base) {
  if (base == 8)
    return c >= '0' && c <= '7';
  if (base == 16)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s, int base) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return is_digit(c, base); });
}

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> bool_text(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE")
    return true;
  if (s == "false" || s == "False" || s == "FALSE")
    return false;
  return std::nullopt;
}

// Strips one leading '+' or '-' into `negative`; std::from_chars accepts neither '+' nor,
// for unsigned types, '-'.
std::string_view strip_sign(std::string_view s, bool& negative) {
  negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  return s;
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_float_text(std::string_view s) {
  bool negative = false;
  s = strip_sign(s, negative);
  std::size_t i = 0;
  auto digits = [&] {
    auto start = i;
    while (i < s.size() && is_digit(s[i], 10))
      ++i;
    return i - start;
  };
  auto int_digits = digits();
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits == 0 && frac_digits == 0)
    return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
    if (digits() == 0)
      return false;
  }
  return i == s.size();
}

bool is_special_float(std::string_view s) {
  bool negative = false;
  auto unsigned_part = strip_sign(s, negative);
  if (unsigned_part == ".inf" || unsigned_part == ".Inf" || unsigned_part == ".INF")
    return true;
  return s == ".nan" || s == ".NaN" || s == ".NAN";
}

std::optional<boost::json::value> parse_double(std::string_view s) {
  bool negative = false;
  s = strip_sign(s, negative);
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc{} || end != s.data() + s.size())
    return std::nullopt;
  return boost::json::value(negative ? -d : d);
}

// An integer in `base` from its digits. Too large for int64 (or uint64 when positive):
// decimals become doubles, as JSON numbers would; octal and hex ones are errors.
std::optional<boost::json::value> parse_integer(std::string_view digits, int base,
                                                bool negative, std::string_view whole) {
  const char* first = digits.data();
  const char* last = first + digits.size();
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(first, last, magnitude, base);
  if (ec == std::errc{} && end == last) {
    constexpr auto max_neg = std::uint64_t{1} << 63;
    if (!negative && magnitude <= static_cast<std::uint64_t>(INT64_MAX))
      return boost::json::value(static_cast<std::int64_t>(magnitude));
    if (!negative)
      return boost::json::value(magnitude);
    if (magnitude <= max_neg)
      return boost::json::value(magnitude == max_neg ? INT64_MIN
                                                     : -static_cast<std::int64_t>(magnitude));
  }
  if (base == 10)
    return parse_double(whole);
  return std::nullopt;
}

} // namespace

std::optional<boost::json::value> resolve_plain_scalar(std::string_view text) {
  if (is_null_text(text))
    return boost::json::value(nullptr);
  if (auto b = bool_text(text))
    return boost::json::value(*b);
  bool negative = false;
  auto unsigned_part = strip_sign(text, negative);
  if (all_digits(unsigned_part, 10))
    return parse_integer(unsigned_part, 10, negative, text);
  // The core schema gives octal and hex no sign.
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'x')) {
    int base = text[1] == 'o' ? 8 : 16;
    auto digits = text.substr(2);
    if (all_digits(digits, base))
      return parse_integer(digits, base, false, text);
  }
  if (is_float_text(text))
    return parse_double(text);
  if (is_special_float(text))
    return std::nullopt;
  return boost::json::value(boost::json::string_view(text.data(), text.size()));
}

typed_scalar type_scalar(std::string_view tag, std::string_view text) {
  auto as_string = [&] {
    return typed_scalar{boost::json::value(boost::json::string_view(text.data(), text.size())),
                        {}};
  };
  if (tag == "!")
    return as_string();
  if (tag == "?" || tag.empty()) {
    if (auto v = resolve_plain_scalar(text))
      return {std::move(v), {}};
    return {std::nullopt, "number \"" + std::string(text) + "\" has no JSON form"};
  }
  if (tag.substr(0, core_tag_prefix.size()) != core_tag_prefix)
    return {std::nullopt, "unsupported tag " + std::string(tag)};
  auto type = tag.substr(core_tag_prefix.size());
  if (type == "str")
    return as_string();
  auto v = resolve_plain_scalar(text);
  bool fits = v && ((type == "null" && v->is_null()) || (type == "bool" && v->is_bool())
                    || (type == "int" && (v->is_int64() || v->is_uint64()))
                    || (type == "float" && v->is_number()));
  if (!fits && type != "null" && type != "bool" && type != "int" && type != "float")
    return {std::nullopt, "unsupported tag !!" + std::string(type)};
  if (!fits)
    return {std::nullopt, std::string(1, '"').append(text).append("\" is not a valid !!").append(type)};
  if (type == "float")
    v = boost::json::value(v->to_number<double>());
  return {std::move(v), {}};
}

} // namespace baorestore::model::detail
