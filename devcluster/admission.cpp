#include "devcluster/admission.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster {

status_causes restore_spec_immutable(const resource_def& def, const boost::json::object* old,
                                     const boost::json::object& updated) {
  if (!old || def.id.group != "openbao.org" || def.id.plural != "openbaorestores")
    return {};
  auto* before = old->if_contains("spec");
  auto* after = updated.if_contains("spec");
  bool same = (!before && !after) || (before && after && *before == *after);
  if (same)
    return {};
  return {{"FieldValueForbidden", "Forbidden: spec is immutable", "spec"}};
}

std::vector<admission_hook> builtin_admission() {
  return {restore_spec_immutable};
}

} // namespace baorestore::devcluster
