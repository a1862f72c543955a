#include "cli/validate_command.hpp"

#include <algorithm>
#include <iostream>
#include <optional>
#include <string_view>

#include "cli/exit_code.hpp"
#include "model/codec.hpp"
#include "model/restore_validation.hpp"

namespace baorestore::cli {

namespace {

using model::field_errors;

std::string label_of(const model::manifest_document& doc, const model::object_head& head) {
  auto label = doc.source + " " + (head.kind.empty() ? "<no kind>" : head.kind) + " ";
  if (!head.metadata.namespace_.empty())
    label += head.metadata.namespace_ + "/";
  return label + (head.metadata.name.empty() ? "<no name>" : head.metadata.name);
}

// What every manifest needs, whatever its kind: kubectl refuses a document without them.
field_errors check_head(const model::object_head& head) {
  field_errors out;
  if (head.api_version.empty())
    out.push_back({"apiVersion", "required"});
  if (head.kind.empty())
    out.push_back({"kind", "required"});
  if (head.metadata.name.empty())
    out.push_back({"metadata.name", "required"});
  return out;
}

void append(field_errors& to, const field_errors& from) {
  for (const auto& e : from)
    if (std::find(to.begin(), to.end(), e) == to.end())
      to.push_back(e);
}

// Strict decoding refuses unknown spec fields; when that is all that is wrong, the lenient
// decode still yields a value, so the spec rules run too and every problem shows at once.
field_errors check_restore(const std::string& json) {
  model::decode_options strict_options;
  strict_options.strict = true;
  // Upstream fields we read but do not implement fail the restore (NotSupported): say so.
  auto judge = [](const model::openbao_restore& r) {
    auto errors = model::validate_restore(r);
    append(errors, model::unsupported_restore_features(r.spec));
    return errors;
  };
  auto strict = model::decode_openbao_restore(json, strict_options);
  if (strict)
    return judge(*strict.value);
  auto errors = strict.errors;
  if (auto lenient = model::decode_openbao_restore(json))
    append(errors, judge(*lenient.value));
  return errors;
}

// The checks of one kind, or nullopt for a kind baorestore does not read.
std::optional<field_errors> check_kind(std::string_view kind, const std::string& json) {
  if (kind == model::restore_kind)
    return check_restore(json);
  if (kind == model::cluster_kind)
    return model::decode_openbao_cluster(json).errors;
  if (kind == "Secret")
    return model::decode_secret(json).errors;
  if (kind == "Job")
    return model::decode_job(json).errors;
  if (kind == "Namespace")
    return field_errors{}; // the head is all there is to check
  return std::nullopt;
}

} // namespace

verdict check_document(const model::manifest_document& doc) {
  if (!doc.ok())
    return verdict{doc.source, verdict_kind::invalid, {{"", doc.error}}};
  auto head = model::decode_object_head(doc.json);
  if (!head)
    return verdict{doc.source, verdict_kind::invalid, head.errors};
  verdict v{label_of(doc, *head.value), verdict_kind::valid, check_head(*head.value)};
  if (head.value->kind.empty()) {
    v.kind = verdict_kind::invalid;
    return v;
  }
  auto kind_errors = check_kind(head.value->kind, doc.json);
  if (kind_errors)
    append(v.problems, *kind_errors);
  if (!v.problems.empty())
    v.kind = verdict_kind::invalid;
  else if (!kind_errors)
    v = verdict{v.label, verdict_kind::skipped,
                {{"", "kind " + head.value->kind + " is not validated"}}};
  return v;
}

int run_validate(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  int result = exit_ok;
  for (const auto& path : paths) {
    auto file = path == "-" ? model::read_manifest_stream(std::cin, "<stdin>")
                            : model::read_manifest_file(path);
    if (!file.error.empty()) {
      err << "baorestore validate: " << file.error << '\n';
      result = exit_usage;
      continue;
    }
    if (file.documents.empty())
      out << path << ": no documents\n";
    for (const auto& doc : file.documents) {
      auto v = check_document(doc);
      switch (v.kind) {
        case verdict_kind::valid:
          out << v.label << ": valid\n";
          break;
        case verdict_kind::skipped:
          out << v.label << ": skipped: " << model::to_string(v.problems.front()) << '\n';
          break;
        case verdict_kind::invalid:
          out << v.label << ": invalid\n";
          for (const auto& e : v.problems)
            out << "  " << model::to_string(e) << '\n';
          if (result == exit_ok)
            result = exit_invalid;
          break;
      }
    }
  }
  return result;
}

} // namespace baorestore::cli
