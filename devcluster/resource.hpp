#pragma once
// What the store knows about a kind of object: its REST coordinates (group, version,
// plural), its Kind, its scope and whether it has a status subresource. The HTTP layer
// registers the built-ins at start and one definition per served version of each CRD.

#include <compare>
#include <string>
#include <vector>

namespace baorestore::devcluster {

/// A resource's REST coordinates; the core group is "" (`/api/v1/secrets`).
struct resource_id {
  std::string group;
  std::string version;
  std::string plural;
  auto operator<=>(const resource_id&) const = default;
};

struct resource_def {
  resource_id id;
  std::string kind; // "OpenBaoRestore"
  bool namespaced = true;
  bool status_subresource = false;
  /// Field-selector paths beyond metadata.name and metadata.namespace (which every
  /// resource supports), e.g. "involvedObject.uid" for Events.
  std::vector<std::string> selectable_fields;
};

/// "openbaorestores.openbao.org", or "secrets" for the core group: how the API server names
/// a resource in NotFound, AlreadyExists and Conflict messages.
inline std::string qualified_resource(const resource_id& id) {
  return id.group.empty() ? id.plural : id.plural + "." + id.group;
}

/// "OpenBaoRestore.openbao.org" or "Secret": the name of a kind in Invalid messages.
inline std::string qualified_kind(const resource_def& def) {
  return def.id.group.empty() ? def.kind : def.kind + "." + def.id.group;
}

/// "openbao.org/v1alpha1" or "v1".
inline std::string api_version(const resource_id& id) {
  return id.group.empty() ? id.version : id.group + "/" + id.version;
}

} // namespace baorestore::devcluster
