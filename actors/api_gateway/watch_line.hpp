#pragma once
// One line of a Kubernetes watch stream (`{"type":"ADDED","object":{...}}`, newline-delimited):
// its type and the object's JSON text, which the kind's model decoder then reads. Pure: the
// gateway's watch loop calls it for every line the HTTP client hands over.

#include <optional>
#include <string>
#include <string_view>

namespace baorestore::gateway {

enum class watch_line_type { added, modified, deleted, bookmark, error };

struct watch_line {
  watch_line_type type = watch_line_type::added;
  /// The event's object: the changed object, a bookmark's object (only metadata), or for
  /// ERROR a metav1.Status.
  std::string object_json;
};

/// Nullopt with `error` set when the line is not a watch event: not JSON, not an object,
/// no or an unknown `type`, no `object` object.
std::optional<watch_line> parse_watch_line(std::string_view line, std::string* error);

} // namespace baorestore::gateway
