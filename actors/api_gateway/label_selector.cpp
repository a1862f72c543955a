#include "actors/api_gateway/label_selector.hpp"

namespace baorestore::gateway {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::optional<label_requirement> parse_term(std::string_view term) {
  term = trim(term);
  label_requirement req;
  if (auto pos = term.find("!="); pos != std::string_view::npos) {
    req.key = trim(term.substr(0, pos));
    req.operation = label_requirement::op::not_equals;
    req.value = trim(term.substr(pos + 2));
  } else if (pos = term.find('='); pos != std::string_view::npos) {
    req.key = trim(term.substr(0, pos));
    auto rest = term.substr(pos + 1);
    if (!rest.empty() && rest.front() == '=')
      rest.remove_prefix(1);
    req.value = trim(rest);
  } else if (!term.empty() && term.front() == '!') {
    req.key = trim(term.substr(1));
    req.operation = label_requirement::op::not_exists;
  } else {
    req.key = term;
    req.operation = label_requirement::op::exists;
  }
  if (req.key.empty() || req.key.find_first_of("=!") != std::string::npos
      || req.value.find_first_of("=!") != std::string::npos)
    return std::nullopt;
  return req;
}

} // namespace

std::optional<label_selector> parse_label_selector(std::string_view text) {
  label_selector result;
  if (trim(text).empty())
    return result;
  for (;;) {
    auto comma = text.find(',');
    auto req = parse_term(text.substr(0, comma));
    if (!req)
      return std::nullopt;
    result.push_back(std::move(*req));
    if (comma == std::string_view::npos)
      return result;
    text.remove_prefix(comma + 1);
  }
}

bool matches(const label_selector& sel, const std::map<std::string, std::string>& labels) {
  for (const auto& req : sel) {
    auto it = labels.find(req.key);
    switch (req.operation) {
      case label_requirement::op::equals:
        if (it == labels.end() || it->second != req.value)
          return false;
        break;
      case label_requirement::op::not_equals:
        if (it != labels.end() && it->second == req.value)
          return false;
        break;
      case label_requirement::op::exists:
        if (it == labels.end())
          return false;
        break;
      case label_requirement::op::not_exists:
        if (it != labels.end())
          return false;
        break;
    }
  }
  return true;
}

} // namespace baorestore::gateway
