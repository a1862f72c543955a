#include "devcluster/api/registry.hpp"

#include <cctype>

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

void registry::add(served_resource r) {
  auto id = r.def.id;
  entries_.insert_or_assign(id, std::move(r));
}

void registry::remove(const std::string& group, const std::string& plural) {
  std::erase_if(entries_, [&](const auto& e) {
    return e.first.group == group && e.first.plural == plural;
  });
}

const served_resource* registry::find(const resource_id& id) const {
  auto i = entries_.find(id);
  return i == entries_.end() ? nullptr : &i->second;
}

std::vector<resource_id> registry::group_versions() const {
  std::vector<resource_id> out;
  for (const auto& [id, _] : entries_) {
    resource_id gv{id.group, id.version, ""};
    if (out.empty() || out.back() != gv)
      out.push_back(gv); // the map is ordered by group then version: "" (core) sorts first
  }
  return out;
}

std::vector<const served_resource*> registry::in(const std::string& group,
                                                 const std::string& version) const {
  std::vector<const served_resource*> out;
  for (const auto& [id, r] : entries_)
    if (id.group == group && id.version == version)
      out.push_back(&r);
  return out;
}

namespace {

served_resource builtin(std::string group, std::string version, std::string plural,
                        std::string kind, std::string singular, bool namespaced, bool status,
                        std::vector<std::string> short_names = {},
                        std::vector<std::string> fields = {}) {
  served_resource r;
  r.def.id = {std::move(group), std::move(version), std::move(plural)};
  r.def.kind = std::move(kind);
  r.def.namespaced = namespaced;
  r.def.status_subresource = status;
  r.def.selectable_fields = std::move(fields);
  r.singular = std::move(singular);
  r.short_names = std::move(short_names);
  return r;
}

std::string str_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string{v->get_string()} : std::string{};
}

const json::object* obj_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

std::vector<printer_column> columns_of(const json::object& version) {
  std::vector<printer_column> out;
  auto* cols = version.if_contains("additionalPrinterColumns");
  if (!cols || !cols->is_array())
    return out;
  for (const auto& c : cols->get_array()) {
    auto* o = c.if_object();
    if (!o)
      continue;
    printer_column col{str_at(*o, "name"), str_at(*o, "type"), str_at(*o, "jsonPath"),
                       str_at(*o, "description"), 0};
    if (auto* p = o->if_contains("priority"); p && p->is_int64())
      col.priority = static_cast<int>(p->get_int64());
    if (!col.name.empty() && !col.json_path.empty())
      out.push_back(std::move(col));
  }
  return out;
}


// Upstream's printer columns where they are plain field paths (printers.go); computed
// ones (a Secret's DATA count, a Job's COMPLETIONS) are not reproduced yet.
served_resource with_columns(served_resource r, std::vector<printer_column> cols) {
  cols.push_back({"Age", "date", ".metadata.creationTimestamp", "", 0});
  r.columns = std::move(cols);
  return r;
}

} // namespace

std::vector<served_resource> builtin_resources() {
  return {
    with_columns(builtin("", "v1", "namespaces", "Namespace", "namespace", false, true, {"ns"}),
                 {{"Status", "string", ".status.phase", "", 0}}),
    with_columns(builtin("", "v1", "secrets", "Secret", "secret", true, false, {}, {"type"}),
                 {{"Type", "string", ".type", "", 0}}),
    builtin("", "v1", "events", "Event", "event", true, false, {"ev"},
            {"involvedObject.name", "involvedObject.namespace", "involvedObject.kind",
             "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
             "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}),
    builtin("", "v1", "serviceaccounts", "ServiceAccount", "serviceaccount", true, false,
            {"sa"}),
    builtin("", "v1", "configmaps", "ConfigMap", "configmap", true, false, {"cm"}),
    builtin("batch", "v1", "jobs", "Job", "job", true, true, {}, {"status.successful"}),
    // What deploy/operator/ needs (the operator's own manifests): stored and served, never
    // run (no pods, no RBAC enforcement, no network policy).
    builtin("apps", "v1", "deployments", "Deployment", "deployment", true, true, {"deploy"}),
    builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", "clusterrole",
            false, false),
    builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding",
            "clusterrolebinding", false, false),
    builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", "role", true, false),
    builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", "rolebinding",
            true, false),
    builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", "networkpolicy", true,
            false, {"netpol"}),
    with_columns(builtin("coordination.k8s.io", "v1", "leases", "Lease", "lease", true, false),
                 {{"Holder", "string", ".spec.holderIdentity", "", 0}}),
    builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions",
            "CustomResourceDefinition", "customresourcedefinition", false, true,
            {"crd", "crds"}),
  };
}

std::vector<served_resource> resources_of_crd(const json::object& crd) {
  std::vector<served_resource> out;
  auto* spec = obj_at(crd, "spec");
  auto* names = spec ? obj_at(*spec, "names") : nullptr;
  auto* versions = spec ? spec->if_contains("versions") : nullptr;
  if (!names || !versions || !versions->is_array())
    return out;
  for (const auto& v : versions->get_array()) {
    auto* ver = v.if_object();
    if (!ver)
      continue;
    if (auto* served = ver->if_contains("served"); served && served->is_bool()
                                                   && !served->get_bool())
      continue;
    served_resource r;
    r.def.id = {str_at(*spec, "group"), str_at(*ver, "name"), str_at(*names, "plural")};
    r.def.kind = str_at(*names, "kind");
    r.def.namespaced = str_at(*spec, "scope") != "Cluster";
    auto* subs = obj_at(*ver, "subresources");
    r.def.status_subresource = subs && subs->contains("status");
    r.singular = str_at(*names, "singular");
    if (r.singular.empty()) // the API server's default: the lower-cased kind
      for (char c : r.def.kind)
        r.singular += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto* sn = names->if_contains("shortNames"); sn && sn->is_array())
      for (const auto& s : sn->get_array())
        if (s.is_string())
          r.short_names.emplace_back(s.get_string());
    r.columns = columns_of(*ver);
    if (auto* schema = obj_at(*ver, "schema"))
      if (auto* v3 = schema->if_contains("openAPIV3Schema"))
        r.schema = *v3;
    r.custom = true;
    if (r.def.id.group.empty() || r.def.id.version.empty() || r.def.id.plural.empty()
        || r.def.kind.empty())
      continue;
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace baorestore::devcluster::api
