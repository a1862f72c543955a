#include "model/metadata_validation.hpp"

#include <cctype>
#include <initializer_list>


namespace baorestore::model {

namespace {

// apimachinery's formats and messages (k8s.io/apimachinery/pkg/util/validation, 1.32).
constexpr std::string_view qualified_name_fmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view qualified_name_msg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
  "alphanumeric character";
constexpr std::string_view label_value_fmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view label_value_msg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
  "'.', and must start and end with an alphanumeric character";
constexpr std::string_view subdomain_fmt =
  "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view subdomain_msg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
  "'.', and must start and end with an alphanumeric character";
constexpr std::size_t max_name = 63;
constexpr std::size_t max_subdomain = 253;

std::string max_len_error(std::size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

std::string regex_error(std::string_view msg, std::string_view fmt,
                        std::initializer_list<std::string_view> examples) {
  std::string out{msg};
  out += " (e.g. ";
  bool first = true;
  for (auto e : examples) {
    if (!first)
      out += " or ";
    first = false;
    out.append("'").append(e).append("', ");
  }
  out.append("regex used for validation is '").append(fmt).append("')");
  return out;
}

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

/// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], non-empty.
bool is_qualified_shape(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back()))
    return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/// The subdomain regex alone (no length cap: the regex has none; the length is its own error).
bool is_subdomain_shape(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || !is_lower_alnum(part.front()) || !is_lower_alnum(part.back()))
      return false;
    for (char c : part)
      if (!is_lower_alnum(c) && c != '-')
        return false;
    if (dot == std::string_view::npos)
      return true;
    start = dot + 1;
  }
}

/// Go's %q for the printable ASCII names met here: quotes and backslashes escaped.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

metadata_violation invalid(std::string_view field, std::string_view value, const std::string& why) {
  return {"FieldValueInvalid", "Invalid value: " + quoted(value) + ": " + why, std::string{field}};
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::vector<std::string> dns1123_subdomain_errors(std::string_view name) {
  std::vector<std::string> errs;
  if (name.size() > max_subdomain)
    errs.push_back(max_len_error(max_subdomain));
  if (!is_subdomain_shape(name))
    errs.push_back(regex_error(subdomain_msg, subdomain_fmt, {"example.com"}));
  return errs;
}

std::vector<std::string> qualified_name_errors(std::string_view key) {
  std::vector<std::string> errs;
  std::string_view name = key;
  auto slash = key.find('/');
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos)
      return {"a qualified name "
              + regex_error(qualified_name_msg, qualified_name_fmt, {"MyName", "my.name", "123-abc"})
              + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    auto prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty())
      errs.push_back("prefix part must be non-empty");
    else
      for (auto& m : dns1123_subdomain_errors(prefix))
        errs.push_back("prefix part " + m);
  }
  if (name.empty())
    errs.push_back("name part must be non-empty");
  else if (name.size() > max_name)
    errs.push_back("name part " + max_len_error(max_name));
  if (!is_qualified_shape(name))
    errs.push_back("name part "
                   + regex_error(qualified_name_msg, qualified_name_fmt,
                                 {"MyName", "my.name", "123-abc"}));
  return errs;
}

std::vector<std::string> label_value_errors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > max_name)
    errs.push_back(max_len_error(max_name));
  if (!value.empty() && !is_qualified_shape(value))
    errs.push_back(regex_error(label_value_msg, label_value_fmt, {"MyValue", "my_value", "12345"}));
  return errs;
}

std::string to_string(const metadata_violation& v) {
  return v.field.empty() ? v.message : v.field + ": " + v.message;
}

std::vector<metadata_violation> validate_labels(const std::map<std::string, std::string>& labels,
                                                std::string_view field) {
  std::vector<metadata_violation> out;
  for (const auto& [k, v] : labels) {
    for (const auto& m : qualified_name_errors(k))
      out.push_back(invalid(field, k, m));
    for (const auto& m : label_value_errors(v))
      out.push_back(invalid(field, v, m));
  }
  return out;
}

std::vector<metadata_violation>
validate_annotations(const std::map<std::string, std::string>& annotations,
                     std::string_view field) {
  std::vector<metadata_violation> out;
  std::size_t size = 0;
  for (const auto& [k, v] : annotations) {
    for (const auto& m : qualified_name_errors(lower(k)))
      out.push_back(invalid(field, k, m));
    size += k.size() + v.size();
  }
  if (size > annotations_size_limit)
    out.push_back({"FieldValueTooLong",
                   "Too long: may not be more than " + std::to_string(annotations_size_limit)
                     + " bytes",
                   std::string{field}});
  return out;
}

} // namespace baorestore::model
