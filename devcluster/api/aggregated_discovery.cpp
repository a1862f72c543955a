#include "devcluster/api/aggregated_discovery.hpp"

#include <map>
#include <string>

#include <boost/json.hpp>

#include "model/text.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;

namespace {

// One media range: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList".
bool is_v2_range(std::string_view range) {
  std::map<std::string, std::string> params;
  std::string_view type;
  bool first = true;
  while (true) {
    auto semi = range.find(';');
    auto part = model::trim_blanks(range.substr(0, semi));
    if (first) {
      type = part;
      first = false;
    } else if (auto eq = part.find('='); eq != std::string_view::npos) {
      params[std::string{model::trim_blanks(part.substr(0, eq))}] = std::string{model::trim_blanks(part.substr(eq + 1))};
    }
    if (semi == std::string_view::npos)
      break;
    range = range.substr(semi + 1);
  }
  return type == "application/json" && params["g"] == "apidiscovery.k8s.io" && params["v"] == "v2"
         && params["as"] == "APIGroupDiscoveryList";
}

json::object response_kind(const served_resource& s) {
  return {{"group", s.def.id.group}, {"version", s.def.id.version}, {"kind", s.def.kind}};
}

json::object resource_entry(const served_resource& s) {
  json::object e{{"resource", s.def.id.plural},
                 {"singularResource", s.singular},
                 {"scope", s.def.namespaced ? "Namespaced" : "Cluster"},
                 {"responseKind", response_kind(s)},
                 {"verbs", json::array{"create", "delete", "deletecollection", "get", "list",
                                       "patch", "update", "watch"}}};
  if (!s.short_names.empty()) {
    json::array names;
    for (const auto& n : s.short_names)
      names.push_back(json::string{n});
    e["shortNames"] = std::move(names);
  }
  if (s.def.status_subresource)
    e["subresources"] = json::array{json::object{{"subresource", "status"},
                                                 {"responseKind", response_kind(s)},
                                                 {"verbs", json::array{"get", "patch", "update"}}}};
  return e;
}

} // namespace

bool wants_aggregated(std::string_view accept) {
  while (true) {
    auto comma = accept.find(',');
    if (is_v2_range(accept.substr(0, comma)))
      return true;
    if (comma == std::string_view::npos)
      return false;
    accept = accept.substr(comma + 1);
  }
}

json::object aggregated_discovery(const registry& r, bool core) {
  json::array items;
  for (const auto& gv : r.group_versions()) {
    if (gv.group.empty() != core)
      continue;
    json::array resources;
    for (const auto* s : r.in(gv.group, gv.version))
      resources.push_back(resource_entry(*s));
    json::object version{{"version", gv.version},
                         {"freshness", "Current"},
                         {"resources", std::move(resources)}};
    // group_versions() is ordered by group, so one group's versions are adjacent; the
    // first listed version becomes the preferred one.
    if (!items.empty() && items.back().at("metadata").at("name") == json::value(gv.group))
      items.back().as_object()["versions"].as_array().push_back(std::move(version));
    else
      items.push_back(json::object{{"metadata", json::object{{"name", gv.group}}},
                                   {"versions", json::array{std::move(version)}}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/v2"},
          {"metadata", json::object{}},
          {"items", std::move(items)}};
}

} // namespace baorestore::devcluster::api
