#pragma once
// The resources the embedded cluster serves, with what discovery and `kubectl get` need
// beyond the store's resource_def: singular name, short names, printer columns, and
// whether the resource came from a CRD (custom resources refuse strategic merge patch).
// The built-ins are fixed; each served version of a CRD adds one entry when the CRD is
// created or changed.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "devcluster/resource.hpp"

namespace baorestore::devcluster::api {

/// One of a CRD's additionalPrinterColumns.
struct printer_column {
  std::string name;
  std::string type; // string, integer, number, boolean, date
  std::string json_path; // ".spec.cluster"
  std::string description;
  int priority = 0;
};

struct served_resource {
  resource_def def;
  std::string singular;
  std::vector<std::string> short_names;
  std::vector<printer_column> columns; // empty: the default Name and Age
  bool custom = false;
  boost::json::value schema; // a CRD version's openAPIV3Schema; null for built-ins
};

class registry {
public:
  /// Adds, or replaces the entry with the same group, version and plural.
  void add(served_resource r);
  /// Removes every version of group/plural (a deleted CRD).
  void remove(const std::string& group, const std::string& plural);
  const served_resource* find(const resource_id& id) const;
  /// Group versions in discovery order: the core group first, then by name.
  std::vector<resource_id> group_versions() const; // plural left empty
  std::vector<const served_resource*> in(const std::string& group,
                                         const std::string& version) const;

private:
  std::map<resource_id, served_resource> entries_;
};

/// core/v1 namespaces, secrets, events, serviceaccounts, configmaps; batch/v1 jobs;
/// coordination.k8s.io/v1 leases; apiextensions.k8s.io/v1 customresourcedefinitions; and,
/// for deploy/operator/, apps/v1 deployments, rbac.authorization.k8s.io/v1 (cluster)roles
/// and (cluster)rolebindings, networking.k8s.io/v1 networkpolicies.
std::vector<served_resource> builtin_resources();

inline const resource_id crd_resource{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
inline const resource_id namespace_resource{"", "v1", "namespaces"};
inline const resource_id secret_resource{"", "v1", "secrets"};

/// The served versions of a CustomResourceDefinition object; empty when it is malformed.
std::vector<served_resource> resources_of_crd(const boost::json::object& crd);

} // namespace baorestore::devcluster::api
