#pragma once
// JSON patch (RFC 6902) with JSON pointers (RFC 6901): what `application/json-patch+json`
// PATCH requests carry, e.g. kubectl's `[{"op":"remove","path":"/metadata/finalizers"}]`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace baorestore::devcluster {

enum class json_patch_errc {
  ok,
  malformed, // not an array of operations with the members their op needs: 400
  failed,    // a path that does not resolve, or a failed `test`: 422
};

struct json_patch_outcome {
  json_patch_errc code = json_patch_errc::ok;
  std::string message;
};

/// Applies `patch` to `doc`: all operations or none (on failure `doc` is unchanged).
json_patch_outcome apply_json_patch(boost::json::value& doc, const boost::json::value& patch);

/// "/a~1b/0" -> {"a/b", "0"}; nullopt when the text is not a JSON pointer.
std::optional<std::vector<std::string>> parse_json_pointer(std::string_view text);

} // namespace baorestore::devcluster
