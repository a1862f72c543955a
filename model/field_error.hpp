#pragma once
// A problem found in a document, named by its JSON path ("spec.source.key").
// Shared by decoding (shape errors) and validation (rule errors) so callers print both alike.

#include <string>
#include <vector>

namespace baorestore::model {

struct field_error {
  std::string path;
  std::string message;
  bool operator==(const field_error&) const = default;
};

using field_errors = std::vector<field_error>;

/// "path: message", or just the message when the path is the document itself.
std::string to_string(const field_error& e);

} // namespace baorestore::model
