#include "devcluster/selectors.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

/// The string at a dotted path; numbers and booleans as the API server prints them.
std::string field_value(const json::object& obj, std::string_view path) {
  const json::value* cur = nullptr;
  const json::object* at = &obj;
  while (at) {
    auto dot = path.find('.');
    cur = at->if_contains(path.substr(0, dot));
    if (!cur)
      return {};
    if (dot == std::string_view::npos)
      break;
    path.remove_prefix(dot + 1);
    at = cur->if_object();
    if (!at)
      return {};
  }
  if (cur->is_string())
    return std::string{cur->get_string()};
  if (cur->is_bool())
    return cur->get_bool() ? "true" : "false";
  if (cur->is_number())
    return json::serialize(*cur);
  return {};
}

} // namespace

result<model::selector> parse_field_selector(std::string_view text, const resource_def& def) {
  auto sel = model::parse_selector(text, model::existence_terms::refused);
  if (!sel)
    return bad_request("invalid field selector: \"" + std::string{text} + "\"");
  for (const auto& t : *sel) {
    bool known = t.key == "metadata.name" || t.key == "metadata.namespace"
                 || std::find(def.selectable_fields.begin(), def.selectable_fields.end(), t.key)
                      != def.selectable_fields.end();
    if (!known)
      return bad_request("field label not supported: " + t.key);
  }
  return std::move(*sel);
}

bool matches_labels(const model::selector& sel, const json::object& obj) {
  const json::object* labels = nullptr;
  if (auto* meta = obj.if_contains("metadata"); meta && meta->is_object())
    if (auto* l = meta->get_object().if_contains("labels"))
      labels = l->if_object();
  for (const auto& t : sel) {
    const json::value* v = labels ? labels->if_contains(t.key) : nullptr;
    std::optional<std::string_view> actual;
    if (v && v->is_string())
      actual = std::string_view{v->get_string()};
    if (!model::holds(t, actual))
      return false;
  }
  return true;
}

bool matches_fields(const model::selector& sel, const json::object& obj) {
  for (const auto& t : sel)
    if (!model::holds(t, std::string_view{field_value(obj, t.key)}))
      return false;
  return true;
}

} // namespace baorestore::devcluster
