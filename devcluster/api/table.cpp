#include "devcluster/api/table.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

include_object parse_include_object(std::string_view text) {
  if (text == "Object")
    return include_object::full;
  if (text == "None")
    return include_object::none;
  return include_object::metadata;
}

bool wants_table(std::string_view accept) {
  // Per media range: "application/json;as=Table;v=v1;g=meta.k8s.io".
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto range = accept.substr(0, comma);
    if (range.find(";as=Table") != std::string_view::npos
        && range.find("g=meta.k8s.io") != std::string_view::npos)
      return true;
    if (comma == std::string_view::npos)
      break;
    accept = accept.substr(comma + 1);
  }
  return false;
}

json::value eval_json_path(const json::object& obj, std::string_view path) {
  const json::value* cur = nullptr;
  json::value root = obj; // a copy keeps the walk uniform; objects here are small
  cur = &root;
  if (!path.empty() && path.front() == '.')
    path.remove_prefix(1);
  while (!path.empty()) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    auto* o = cur->if_object();
    if (!o)
      return nullptr;
    cur = o->if_contains(key);
    if (!cur)
      return nullptr;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return *cur;
}

std::string human_age(std::chrono::seconds age) {
  auto s = age.count();
  if (s < 0)
    s = 0;
  auto m = s / 60;
  auto h = m / 60;
  auto d = h / 24;
  auto str = [](long long v) { return std::to_string(v); };
  if (s < 120)
    return str(s) + "s";
  if (m < 10)
    return s % 60 == 0 ? str(m) + "m" : str(m) + "m" + str(s % 60) + "s";
  if (h < 3)
    return str(m) + "m";
  if (h < 8)
    return m % 60 == 0 ? str(h) + "h" : str(h) + "h" + str(m % 60) + "m";
  if (h < 48)
    return str(h) + "h";
  if (d < 8)
    return h % 24 == 0 ? str(d) + "d" : str(d) + "d" + str(h % 24) + "h";
  if (d < 365 * 2)
    return str(d) + "d";
  return str(d / 365) + "y";
}

namespace {

json::value cell(const printer_column& col, const json::object& obj, model::timestamp now) {
  auto v = eval_json_path(obj, col.json_path);
  if (v.is_null())
    return ""; // kubectl prints cells verbatim: an empty cell, not "null"
  if (col.type == "date" && v.is_string()) {
    if (auto t = model::parse_rfc3339(v.get_string()))
      return json::string{human_age(now - *t)};
    return v;
  }
  if (col.type == "string" && !v.is_string())
    return json::string{json::serialize(v)};
  return v;
}

json::object row_object(const json::object& obj, include_object include) {
  if (include == include_object::full)
    return obj;
  json::object partial{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}};
  if (auto* m = obj.if_contains("metadata"))
    partial["metadata"] = *m;
  return partial;
}

} // namespace

json::object to_table(const served_resource& res, const std::vector<json::object>& items,
                      const table_options& opts) {
  std::vector<printer_column> columns = res.columns;
  if (columns.empty())
    columns.push_back({"Age", "date", ".metadata.creationTimestamp",
                       "CreationTimestamp is a timestamp representing the server time when "
                       "this object was created.",
                       0});
  json::array defs{json::object{{"name", "Name"},
                                {"type", "string"},
                                {"format", "name"},
                                {"description", "Name must be unique within a namespace."},
                                {"priority", 0}}};
  for (const auto& c : columns)
    defs.push_back(json::object{{"name", c.name},
                                {"type", c.type},
                                {"format", ""},
                                {"description", c.description},
                                {"priority", c.priority}});
  json::array rows;
  for (const auto& obj : items) {
    json::array cells{eval_json_path(obj, ".metadata.name")};
    for (const auto& c : columns)
      cells.push_back(cell(c, obj, opts.now));
    json::object row{{"cells", std::move(cells)}};
    if (opts.include != include_object::none)
      row["object"] = row_object(obj, opts.include);
    rows.push_back(std::move(row));
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object{{"resourceVersion", opts.resource_version}}},
          {"columnDefinitions", std::move(defs)},
          {"rows", std::move(rows)}};
}

} // namespace baorestore::devcluster::api
