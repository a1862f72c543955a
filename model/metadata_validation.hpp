#pragma once
// What kube-apiserver checks of every object's labels and annotations on create, update and
// patch (apimachinery ValidateLabels, ValidateAnnotations), as pure functions with its
// messages, in the words of Kubernetes 1.32 (the version the embedded cluster reports):
// - label and annotation keys are qualified names: an optional DNS-1123 subdomain prefix
//   and '/', then a name of at most 63 characters of [-A-Za-z0-9_.], alphanumeric at both
//   ends (annotation keys are checked lower-cased);
// - label values: at most 63 characters, empty or of the same shape as a key's name;
// - annotations: keys and values together at most 256 KiB.
// One function serves both sides: the embedded cluster refuses with these causes (422), and
// the operator checks the Job and ServiceAccount it would create before taking a lock.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::model {

/// IsQualifiedName: why `key` is not a valid label key (empty: it is).
std::vector<std::string> qualified_name_errors(std::string_view key);

/// IsValidLabelValue: why `value` is not a valid label value (empty: it is).
std::vector<std::string> label_value_errors(std::string_view value);

/// IsDNS1123Subdomain: why `name` is not a DNS-1123 subdomain (empty: it is).
std::vector<std::string> dns1123_subdomain_errors(std::string_view name);

/// One entry of a 422's details.causes, as the API server words it.
struct metadata_violation {
  std::string reason;  // "FieldValueInvalid", "FieldValueTooLong"
  std::string message; // "Invalid value: \"x\": must be no more than 63 characters"
  std::string field;   // "metadata.labels"
  bool operator==(const metadata_violation&) const = default;
};

/// "<field>: <message>", as the API server joins a cause into its message.
std::string to_string(const metadata_violation& v);

/// ValidateLabels at `field`: for each label (in key order) the key's errors, then the
/// value's, each a FieldValueInvalid naming the offending key or value.
std::vector<metadata_violation> validate_labels(const std::map<std::string, std::string>& labels,
                                                std::string_view field);

/// ValidateAnnotations at `field`: keys' errors, then one FieldValueTooLong when keys and
/// values together pass 256 KiB.
std::vector<metadata_violation>
validate_annotations(const std::map<std::string, std::string>& annotations,
                     std::string_view field);

/// The API server's limit on an object's annotations, keys and values together.
inline constexpr std::size_t annotations_size_limit = 256 * 1024;

} // namespace baorestore::model
