#pragma once
// Strategic merge patch, as kubectl sends it for built-in kinds on apply (KUBECTL.md §3):
// lists of objects merge by their patch merge key instead of being replaced, so that
// changing one env var of a Job does not wipe its container's image. Applied as a plain
// merge patch, `{"containers":[{"name":"restore","env":[...]}]}` would do exactly that.
//
// Merge keys are looked up by field name (containers, env, volumes, ports, ...) rather
// than per Go type as the API server does; for the built-ins served here (Namespace,
// Secret, ServiceAccount, ConfigMap, Event, Job, Lease, Deployment) the names are
// unambiguous. RBAC rules and subjects and a NetworkPolicy's ingress and egress have no
// merge key upstream either (replaced as a whole), so the `ports` inside a NetworkPolicy
// rule are never merged by containerPort. Directives:
// $patch (replace, delete, merge), $retainKeys, $deleteFromPrimitiveList/<field>;
// $setElementOrder/<field> is accepted, and merged lists keep the live order with new
// items appended.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace baorestore::devcluster::api {

/// The merge key of a list field ("name" for containers), "" for a merged primitive list
/// (finalizers), nullopt for a list that the patch replaces.
std::optional<std::string> merge_key_of(std::string_view field);

/// Applies `patch` to `original` and returns the result; an error text for a malformed patch.
struct smp_result {
  boost::json::value value;
  std::string error;
};
smp_result apply_strategic_merge(const boost::json::value& original, const boost::json::value& patch);

} // namespace baorestore::devcluster::api
