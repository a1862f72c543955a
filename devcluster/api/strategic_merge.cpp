#include "devcluster/api/strategic_merge.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

std::optional<std::string> merge_key_of(std::string_view field) {
  static const std::map<std::string_view, std::string> keys{
    {"containers", "name"},      {"initContainers", "name"}, {"ephemeralContainers", "name"},
    {"env", "name"},             {"volumes", "name"},        {"volumeMounts", "mountPath"},
    {"volumeDevices", "devicePath"}, {"ports", "containerPort"}, {"imagePullSecrets", "name"},
    {"hostAliases", "ip"},       {"ownerReferences", "uid"}, {"conditions", "type"},
    {"secrets", "name"},         {"finalizers", ""},
  };
  auto i = keys.find(field);
  if (i == keys.end())
    return std::nullopt;
  return i->second;
}

namespace {

constexpr std::string_view set_order = "$setElementOrder/";
constexpr std::string_view delete_primitive = "$deleteFromPrimitiveList/";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

json::value strip(json::value v); // removes directives from a value that replaces

json::value merge_value(const json::value* original, const json::value& patch);

json::value merge_list(const json::array& original, const json::array& patch,
                       const std::string& key) {
  json::array out = original;
  if (key.empty()) { // a merged primitive list: union
    for (const auto& v : patch)
      if (std::find(out.begin(), out.end(), v) == out.end())
        out.push_back(v);
    return out;
  }
  for (const auto& item : patch) {
    auto* po = item.if_object();
    auto* k = po ? po->if_contains(key) : nullptr;
    if (!k) {
      out.push_back(strip(item));
      continue;
    }
    auto match = std::find_if(out.begin(), out.end(), [&](const json::value& o) {
      auto* oo = o.if_object();
      auto* ok = oo ? oo->if_contains(key) : nullptr;
      return ok && *ok == *k;
    });
    auto* directive = po->if_contains("$patch");
    if (directive && directive->is_string() && directive->get_string() == "delete") {
      if (match != out.end())
        out.erase(match);
      continue;
    }
    if (match == out.end())
      out.push_back(strip(item));
    else
      *match = merge_value(&*match, item);
  }
  return out;
}

json::value merge_object(const json::object* original, const json::object& patch) {
  auto* directive = patch.if_contains("$patch");
  if (directive && directive->is_string() && directive->get_string() == "replace")
    return strip(patch);
  json::object out = original ? *original : json::object{};
  for (const auto& [k, v] : patch) {
    std::string_view key = k;
    if (key == "$patch" || key == "$retainKeys" || starts_with(key, set_order))
      continue;
    if (starts_with(key, delete_primitive)) {
      auto field = key.substr(delete_primitive.size());
      auto* list = out.if_contains(field);
      if (list && list->is_array() && v.is_array())
        for (const auto& gone : v.get_array()) {
          auto& arr = list->get_array();
          for (auto it = arr.begin(); it != arr.end();)
            it = *it == gone ? arr.erase(it) : it + 1;
        }
      continue;
    }
    if (v.is_null()) {
      out.erase(key);
      continue;
    }
    auto* current = out.if_contains(key);
    if (v.is_array() && current && current->is_array())
      if (auto mk = merge_key_of(key)) {
        out[key] = merge_list(current->get_array(), v.get_array(), *mk);
        continue;
      }
    out[key] = merge_value(current, v);
  }
  if (auto* retain = patch.if_contains("$retainKeys"); retain && retain->is_array()) {
    std::vector<std::string> drop;
    for (const auto& [k, _] : out)
      if (std::find(retain->get_array().begin(), retain->get_array().end(), json::value(k))
          == retain->get_array().end())
        drop.emplace_back(k);
    for (const auto& k : drop)
      out.erase(k);
  }
  return out;
}

json::value merge_value(const json::value* original, const json::value& patch) {
  if (auto* po = patch.if_object())
    return merge_object(original ? original->if_object() : nullptr, *po);
  return strip(patch);
}

json::value strip(json::value v) {
  if (auto* o = v.if_object()) {
    std::vector<std::string> drop;
    for (auto& [k, sub] : *o) {
      if (!k.empty() && k.front() == '$')
        drop.emplace_back(k);
      else
        sub = strip(std::move(sub));
    }
    for (const auto& k : drop)
      o->erase(k);
  } else if (auto* a = v.if_array()) {
    for (auto& sub : *a)
      sub = strip(std::move(sub));
  }
  return v;
}

} // namespace

smp_result apply_strategic_merge(const json::value& original, const json::value& patch) {
  if (!patch.is_object())
    return {nullptr, "a strategic merge patch must be a JSON object"};
  return {merge_value(&original, patch), {}};
}

} // namespace baorestore::devcluster::api
