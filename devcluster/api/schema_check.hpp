#pragma once
// A CRD's structural schema applied to an object, the two checks the API server makes
// that kubectl users meet first: `required` properties (422 Invalid with one
// FieldValueRequired cause each), and fields the schema does not declare (pruned, or with
// fieldValidation=Strict refused as "strict decoding error: unknown field", KUBECTL.md §9).
// Types, formats, patterns and CEL rules are not checked here.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "devcluster/admission.hpp"
#include "devcluster/resource.hpp"

namespace baorestore::devcluster::api {

struct schema_findings {
  std::vector<std::string> missing; // "spec.cluster"
  std::vector<std::string> unknown; // "spec.foo"
};

/// Walks `obj` against an openAPIV3Schema; with `prune`, unknown fields are removed from
/// `obj` as they are found. metadata is not walked (the API server validates it itself).
schema_findings check_against_schema(const boost::json::value& schema, boost::json::object& obj,
                                     bool prune);

/// The schemas of the served custom resources, shared with the store's admission hook
/// (which runs on the store's thread, under its lock), hence the mutex.
class schema_table {
public:
  void set(const resource_id& id, boost::json::value schema);
  void erase_group_plural(const std::string& group, const std::string& plural);
  /// Null when the resource has no schema (built-ins).
  std::shared_ptr<const boost::json::value> find(const resource_id& id) const;

private:
  mutable std::mutex mu_;
  std::map<resource_id, std::shared_ptr<const boost::json::value>> schemas_;
};

/// Admission: every `required` property of the resource's schema is present.
admission_hook required_fields_hook(std::shared_ptr<const schema_table> table);

} // namespace baorestore::devcluster::api
