// cluster_api: construction, CRD loading and the routing of paths. The resource verbs are
// in resource_handlers.cpp.
#include "devcluster/api/cluster_api.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "devcluster/api/aggregated_discovery.hpp"
#include "devcluster/api/discovery.hpp"
#include "devcluster/api/responses.hpp"
#include "model/manifest.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;

cluster_api::cluster_api(object_store& store, api_options opts)
  : store_(store), opts_(std::move(opts)) {
  if (!opts_.clock)
    opts_.clock = [] {
      return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };
  store_.add_admission(required_fields_hook(schemas_));
  for (auto& r : builtin_resources())
    serve(r);
  // A recovered store already holds CRDs: serve their resources again.
  if (auto crds = store_.list(crd_resource, "", {}))
    for (const auto& crd : crds->items)
      for (auto& r : resources_of_crd(crd))
        serve(r);
  // Namespaced commands without -n target `default` (KUBECTL.md §11).
  auto created = store_.create(namespace_resource, "",
                               json::parse(R"({"apiVersion":"v1","kind":"Namespace",)"
                                           R"("metadata":{"name":"default"}})").as_object());
  if (created)
    mark_active(std::move(*created));
}

json::object cluster_api::mark_active(json::object ns) {
  auto name = std::string{ns["metadata"].as_object()["name"].as_string()};
  auto done = store_.merge_patch(namespace_resource, "", name,
                                 json::parse(R"({"status":{"phase":"Active"}})"),
                                 subresource::status);
  return done ? std::move(*done) : ns;
}

void cluster_api::serve(const served_resource& r) {
  store_.define(r.def);
  if (!r.schema.is_null())
    schemas_->set(r.def.id, r.schema);
  reg_.add(r);
}

json::object cluster_api::crd_changed(json::object crd) {
  for (auto& r : resources_of_crd(crd))
    serve(r);
  // `kubectl wait --for=condition=Established` is what scripts run after applying CRDs.
  json::object names;
  if (auto* spec = crd.if_contains("spec"); spec && spec->is_object())
    if (auto* n = spec->as_object().if_contains("names"); n && n->is_object())
      names = n->as_object();
  json::array conditions;
  for (auto type : {"NamesAccepted", "Established"})
    conditions.push_back(json::object{{"type", type},
                                      {"status", "True"},
                                      {"reason", type == std::string_view{"Established"}
                                                   ? "InitialNamesAccepted"
                                                   : "NoConflicts"},
                                      {"message", "the embedded cluster serves it"},
                                      {"lastTransitionTime", "1970-01-01T00:00:00Z"}});
  json::object patch{{"status", json::object{{"conditions", std::move(conditions)},
                                             {"acceptedNames", std::move(names)},
                                             {"storedVersions", json::array{}}}}};
  auto name = std::string{crd["metadata"].as_object()["name"].as_string()};
  auto done = store_.merge_patch(crd_resource, "", name, patch, subresource::status);
  return done ? std::move(*done) : crd;
}

std::vector<std::string> cluster_api::load_crds(const std::filesystem::path& dir) {
  std::vector<std::string> problems;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml" || e.path().extension() == ".yml"
        || e.path().extension() == ".json")
      files.push_back(e.path());
  if (ec)
    return {dir.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto file = model::read_manifest_file(f);
    if (!file.error.empty())
      problems.push_back(f.string() + ": " + file.error);
    for (const auto& doc : file.documents) {
      if (!doc.ok()) {
        problems.push_back(doc.source + ": " + doc.error);
        continue;
      }
      auto crd = json::parse(doc.json).as_object();
      auto created = store_.create(crd_resource, "", crd);
      if (!created && created.error().reason == "AlreadyExists") {
        auto name = std::string{crd["metadata"].as_object()["name"].as_string()};
        created = store_.update(crd_resource, "", name, crd);
      }
      if (!created) {
        problems.push_back(doc.source + ": " + created.error().message);
        continue;
      }
      crd_changed(std::move(*created));
    }
  }
  return problems;
}

net::response cluster_api::handle_discovery(const std::string& path,
                                            const std::string& accept) const {
  if (path == "/version" || path == "/version/")
    return json_reply(200, version_info());
  bool api = path == "/api" || path == "/api/";
  bool apis = path == "/apis" || path == "/apis/";
  if ((api || apis) && opts_.aggregated_discovery && wants_aggregated(accept)) {
    auto r = json_reply(200, aggregated_discovery(reg_, api));
    r.content_type = aggregated_media_type;
    return r;
  }
  if (api)
    return json_reply(200, api_versions());
  if (apis)
    return json_reply(200, api_group_list(reg_));
  if (path == "/openapi/v3" || path == "/openapi/v3/")
    return json_reply(200, openapi_root(reg_));
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    net::response ok;
    ok.content_type = "text/plain; charset=utf-8";
    ok.body = "ok";
    return ok;
  }
  // /api/v1, /apis/<g>, /apis/<g>/<v>, /openapi/v3/api/v1, /openapi/v3/apis/<g>/<v>
  std::vector<std::string> s;
  for (std::size_t i = 1; i <= path.size();) {
    auto j = std::min(path.find('/', i), path.size());
    if (j > i)
      s.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  std::optional<json::object> doc;
  if (s.size() == 2 && s[0] == "api" && s[1] == "v1")
    doc = api_resource_list(reg_, "", "v1");
  else if (s.size() == 2 && s[0] == "apis")
    doc = api_group(reg_, s[1]);
  else if (s.size() == 3 && s[0] == "apis")
    doc = api_resource_list(reg_, s[1], s[2]);
  else if (s.size() == 4 && s[0] == "openapi" && s[1] == "v3" && s[2] == "api")
    doc = openapi_group_version(reg_, "", s[3]);
  else if (s.size() == 5 && s[0] == "openapi" && s[1] == "v3" && s[2] == "apis")
    doc = openapi_group_version(reg_, s[3], s[4]);
  // /openapi/v2 stays 404: kubectl only falls back to it when v3 is missing (KUBECTL.md §2).
  return doc ? json_reply(200, *doc) : not_found_reply();
}

net::response cluster_api::handle(const net::request& req) {
  if (!opts_.bearer_token.empty() && req.header("authorization") != "Bearer " + opts_.bearer_token)
    return error_reply(make_error(401, "Unauthorized", "Unauthorized"));
  auto t = split_target(req.target);
  auto p = parse_resource_path(t.path);
  count(req, p, p && (t.params.get("watch") == "true" || t.params.get("watch") == "1"));
  if (p)
    return handle_resource(req, *p, t.params);
  if (req.method != "GET" && req.method != "HEAD")
    return not_found_reply();
  return handle_discovery(t.path, req.header("accept"));
}

void cluster_api::count(const net::request& req, const std::optional<resource_path>& p,
                        bool watch) {
  const auto& m = req.method;
  bool named = p && !p->name.empty();
  std::string verb = !p                ? "other"
                     : m == "GET"      ? (named ? "get" : watch ? "watch" : "list")
                     : m == "POST"     ? "create"
                     : m == "PUT"      ? "update"
                     : m == "PATCH"    ? "patch"
                     : m == "DELETE"   ? (named ? "delete" : "deletecollection")
                                       : "other";
  std::string resource = !p ? "-" : p->subresource.empty() ? p->plural
                                                           : p->plural + "/" + p->subresource;
  std::lock_guard guard{counts_mtx_};
  ++counts_[{std::move(verb), std::move(resource)}];
}

cluster_api::request_counts cluster_api::requests() const {
  std::lock_guard guard{counts_mtx_};
  return counts_;
}

} // namespace baorestore::devcluster::api
