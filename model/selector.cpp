#include "model/selector.hpp"

#include "model/text.hpp"

namespace baorestore::model {

namespace {

std::optional<selector_term> parse_term(std::string_view term, existence_terms existence) {
  term = trim_blanks(term);
  selector_term out;
  if (auto pos = term.find("!="); pos != std::string_view::npos) {
    out.key = trim_blanks(term.substr(0, pos));
    out.operation = selector_term::op::not_equals;
    out.value = trim_blanks(term.substr(pos + 2));
  } else if (pos = term.find('='); pos != std::string_view::npos) {
    out.key = trim_blanks(term.substr(0, pos));
    auto rest = term.substr(pos + 1);
    if (!rest.empty() && rest.front() == '=')
      rest.remove_prefix(1);
    out.value = trim_blanks(rest);
  } else if (existence == existence_terms::refused) {
    return std::nullopt;
  } else if (!term.empty() && term.front() == '!') {
    out.key = trim_blanks(term.substr(1));
    out.operation = selector_term::op::not_exists;
  } else {
    out.key = term;
    out.operation = selector_term::op::exists;
  }
  if (out.key.empty() || out.key.find_first_of("=!") != std::string::npos
      || out.value.find_first_of("=!") != std::string::npos)
    return std::nullopt;
  return out;
}

} // namespace

std::optional<selector> parse_selector(std::string_view text, existence_terms existence) {
  selector out;
  if (trim_blanks(text).empty())
    return out;
  for (;;) {
    auto comma = text.find(',');
    auto term = parse_term(text.substr(0, comma), existence);
    if (!term)
      return std::nullopt;
    out.push_back(std::move(*term));
    if (comma == std::string_view::npos)
      return out;
    text.remove_prefix(comma + 1);
  }
}

std::optional<selector> parse_label_selector(std::string_view text) {
  return parse_selector(text, existence_terms::allowed);
}

bool holds(const selector_term& term, std::optional<std::string_view> actual) {
  switch (term.operation) {
    case selector_term::op::equals:
      return actual && *actual == term.value;
    case selector_term::op::not_equals:
      return !actual || *actual != term.value;
    case selector_term::op::exists:
      return actual.has_value();
    case selector_term::op::not_exists:
      return !actual;
  }
  return false;
}

bool matches(const selector& sel, const std::map<std::string, std::string>& labels) {
  for (const auto& term : sel) {
    auto it = labels.find(term.key);
    if (!holds(term, it == labels.end() ? std::nullopt
                                        : std::optional<std::string_view>{it->second}))
      return false;
  }
  return true;
}

} // namespace baorestore::model
