#include "devcluster/api/discovery.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

namespace {

json::array all_verbs() {
  return {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
}

json::object group_version_entry(const resource_id& gv) {
  return {{"groupVersion", api_version(gv)}, {"version", gv.version}};
}

// The openapi path key of a group version: "api/v1" or "apis/batch/v1".
std::string openapi_key(const resource_id& gv) {
  return gv.group.empty() ? "api/" + gv.version : "apis/" + gv.group + "/" + gv.version;
}

} // namespace

json::object version_info() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.4-baorestore"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-11-25T00:00:00Z"},
          {"goVersion", "go1.23.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json::object api_versions() {
  return {{"kind", "APIVersions"},
          {"versions", json::array{"v1"}},
          {"serverAddressByClientCIDRs",
           json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}};
}

json::object api_group_list(const registry& r) {
  json::array groups;
  for (const auto& gv : r.group_versions()) {
    if (gv.group.empty())
      continue;
    auto entry = api_group(r, gv.group);
    if (groups.empty() || groups.back().as_object().at("name") != json::value(gv.group))
      groups.push_back(std::move(*entry));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<json::object> api_group(const registry& r, const std::string& group) {
  json::array versions;
  for (const auto& gv : r.group_versions())
    if (gv.group == group && !group.empty())
      versions.push_back(group_version_entry(gv));
  if (versions.empty())
    return std::nullopt;
  // The first listed version is the preferred one.
  auto preferred = versions.front();
  return json::object{{"kind", "APIGroup"},
                      {"apiVersion", "v1"},
                      {"name", group},
                      {"versions", std::move(versions)},
                      {"preferredVersion", std::move(preferred)}};
}

std::optional<json::object> api_resource_list(const registry& r, const std::string& group,
                                              const std::string& version) {
  auto served = r.in(group, version);
  if (served.empty())
    return std::nullopt;
  json::array resources;
  for (const auto* s : served) {
    json::array short_names;
    for (const auto& n : s->short_names)
      short_names.push_back(json::string{n});
    json::object entry{{"name", s->def.id.plural},
                       {"singularName", s->singular},
                       {"namespaced", s->def.namespaced},
                       {"kind", s->def.kind},
                       {"verbs", all_verbs()}};
    if (!short_names.empty())
      entry["shortNames"] = std::move(short_names);
    resources.push_back(std::move(entry));
    if (s->def.status_subresource)
      resources.push_back(json::object{{"name", s->def.id.plural + "/status"},
                                       {"singularName", ""},
                                       {"namespaced", s->def.namespaced},
                                       {"kind", s->def.kind},
                                       {"verbs", json::array{"get", "patch", "update"}}});
  }
  return json::object{{"kind", "APIResourceList"},
                      {"apiVersion", "v1"},
                      {"groupVersion", api_version({group, version, ""})},
                      {"resources", std::move(resources)}};
}

json::object openapi_root(const registry& r) {
  json::object paths;
  for (const auto& gv : r.group_versions())
    paths[openapi_key(gv)] =
      json::object{{"serverRelativeURL", "/openapi/v3/" + openapi_key(gv)}};
  return {{"paths", std::move(paths)}};
}

std::optional<json::object> openapi_group_version(const registry& r, const std::string& group,
                                                  const std::string& version) {
  auto served = r.in(group, version);
  if (served.empty())
    return std::nullopt;
  json::object paths;
  for (const auto* s : served) {
    auto path = "/" + openapi_key(s->def.id)
                + (s->def.namespaced ? "/namespaces/{namespace}/" : "/") + s->def.id.plural
                + "/{name}";
    json::object gvk{{"group", group}, {"version", version}, {"kind", s->def.kind}};
    json::array params{json::object{{"name", "fieldValidation"}, {"in", "query"}}};
    paths[path] = json::object{
      {"patch", json::object{{"x-kubernetes-group-version-kind", std::move(gvk)},
                             {"parameters", std::move(params)}}}};
  }
  return json::object{{"openapi", "3.0.0"},
                      {"info", json::object{{"title", "baorestore devcluster"}, {"version", version}}},
                      {"paths", std::move(paths)}};
}

} // namespace baorestore::devcluster::api
