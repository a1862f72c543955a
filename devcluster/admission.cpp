#include "devcluster/admission.hpp"

#include <map>
#include <string>

#include <boost/json.hpp>

#include "model/metadata_validation.hpp"

namespace baorestore::devcluster {

namespace {

/// The string members of `v` (a labels or annotations object); others are not ours to
/// judge here (the API server refuses them when it decodes the body).
std::map<std::string, std::string> string_map(const boost::json::value* v) {
  std::map<std::string, std::string> out;
  if (!v || !v->is_object())
    return out;
  for (const auto& [k, x] : v->as_object())
    if (x.is_string())
      out.emplace(std::string{k}, std::string{x.get_string()});
  return out;
}

void check_meta(const boost::json::value* meta, const std::string& at, status_causes& out) {
  if (!meta || !meta->is_object())
    return;
  const auto& m = meta->as_object();
  auto add = [&](const std::vector<model::metadata_violation>& vs) {
    for (const auto& v : vs)
      out.push_back({v.reason, v.message, v.field});
  };
  add(model::validate_labels(string_map(m.if_contains("labels")), at + "labels"));
  add(model::validate_annotations(string_map(m.if_contains("annotations")), at + "annotations"));
}

} // namespace

status_causes object_meta_rules(const resource_def& def, const boost::json::object*,
                                const boost::json::object& updated) {
  status_causes out;
  check_meta(updated.if_contains("metadata"), "metadata.", out);
  // A Job's pod template is validated as the pods it makes (ValidatePodTemplateSpec).
  if (def.id.group == "batch" && def.kind == "Job")
    if (const auto* spec = updated.if_contains("spec"); spec && spec->is_object())
      if (const auto* tpl = spec->as_object().if_contains("template"); tpl && tpl->is_object())
        check_meta(tpl->as_object().if_contains("metadata"), "spec.template.metadata.", out);
  return out;
}

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
