#include "devcluster/api/schema_check.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

namespace {

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string{key} : path + "." + std::string{key};
}

bool preserves_unknown(const json::object& schema) {
  auto* p = schema.if_contains("x-kubernetes-preserve-unknown-fields");
  return p && p->is_bool() && p->get_bool();
}

void walk(const json::object& schema, json::value& value, const std::string& path, bool prune,
          schema_findings& out) {
  if (auto* items = schema.if_contains("items"); items && items->is_object() && value.is_array()) {
    auto& arr = value.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i)
      walk(items->get_object(), arr[i], path + "[" + std::to_string(i) + "]", prune, out);
    return;
  }
  auto* obj = value.if_object();
  if (!obj)
    return;
  if (auto* req = schema.if_contains("required"); req && req->is_array())
    for (const auto& r : req->get_array())
      if (r.is_string() && !obj->contains(r.get_string()))
        out.missing.push_back(join(path, r.get_string()));
  auto* props = schema.if_contains("properties");
  auto* additional = schema.if_contains("additionalProperties");
  if (additional && additional->is_object()) {
    for (auto& [k, v] : *obj)
      walk(additional->get_object(), v, join(path, k), prune, out);
    return;
  }
  if (!props || !props->is_object())
    return; // a bare `type: object` (like metadata here) declares no fields to check
  bool keep_unknown = preserves_unknown(schema) || (additional && additional->is_bool()
                                                    && additional->get_bool());
  std::vector<std::string> drop;
  for (auto& [k, v] : *obj) {
    auto* sub = props->get_object().if_contains(k);
    if (!sub) {
      if (!keep_unknown) {
        out.unknown.push_back(join(path, k));
        drop.emplace_back(k);
      }
      continue;
    }
    if (path.empty() && k == "metadata")
      continue;
    if (sub->is_object())
      walk(sub->get_object(), v, join(path, k), prune, out);
  }
  if (prune)
    for (const auto& k : drop)
      obj->erase(k);
}

} // namespace

schema_findings check_against_schema(const json::value& schema, json::object& obj, bool prune) {
  schema_findings out;
  json::value root = std::move(obj);
  if (schema.is_object())
    walk(schema.get_object(), root, "", prune, out);
  obj = std::move(root.get_object());
  return out;
}

void schema_table::set(const resource_id& id, json::value schema) {
  std::lock_guard guard{mu_};
  schemas_[id] = std::make_shared<const json::value>(std::move(schema));
}

void schema_table::erase_group_plural(const std::string& group, const std::string& plural) {
  std::lock_guard guard{mu_};
  std::erase_if(schemas_, [&](const auto& e) {
    return e.first.group == group && e.first.plural == plural;
  });
}

std::shared_ptr<const json::value> schema_table::find(const resource_id& id) const {
  std::lock_guard guard{mu_};
  auto i = schemas_.find(id);
  return i == schemas_.end() ? nullptr : i->second;
}

admission_hook required_fields_hook(std::shared_ptr<const schema_table> table) {
  return [table](const resource_def& def, const json::object*, const json::object& updated) {
    status_causes causes;
    auto schema = table->find(def.id);
    if (!schema)
      return causes;
    json::object copy = updated;
    for (auto& field : check_against_schema(*schema, copy, false).missing)
      causes.push_back({"FieldValueRequired", "Required value", field});
    return causes;
  };
}

} // namespace baorestore::devcluster::api
