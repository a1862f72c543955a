#pragma once
// Admission: rules a write must pass before it commits, as pure functions. The server adds
// its own (required fields from a CRD's schema, say); the store runs them on create (old
// is null) and on every update and patch, and refuses with 422 Invalid and their causes.

#include <functional>
#include <vector>

#include <boost/json/object.hpp>

#include "devcluster/resource.hpp"
#include "devcluster/store_error.hpp"

namespace baorestore::devcluster {

using admission_hook = std::function<status_causes(
  const resource_def& def, const boost::json::object* old, const boost::json::object& updated)>;

/// openbao.org/v1alpha1 openbaorestores: spec cannot change after creation (the CRD's
/// `self == oldSelf` rule on spec, DESIGN §2).
status_causes restore_spec_immutable(const resource_def& def, const boost::json::object* old,
                                     const boost::json::object& updated);

/// Every object's metadata.labels and metadata.annotations (and a Job's pod template's),
/// as kube-apiserver validates them on every create, update and patch: label keys and values,
/// annotation keys and their total size (model/metadata_validation.hpp, kube's messages).
/// Not a hook one can turn off: the store runs it before the hooks.
status_causes object_meta_rules(const resource_def& def, const boost::json::object* old,
                                const boost::json::object& updated);

/// The hooks every store starts with.
std::vector<admission_hook> builtin_admission();

} // namespace baorestore::devcluster
