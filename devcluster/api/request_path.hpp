#pragma once
// Reading a request target the way the API server does: the query string's parameters
// (percent-decoded) and the REST path of a resource,
//   /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]]
//   /apis/<group>/<version>/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]]
// with /api/v1/namespaces/<name>[/status] naming the Namespace object itself.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::devcluster::api {

struct query {
  std::map<std::string, std::string> params;
  /// The value, or "" when absent.
  std::string get(const std::string& key) const {
    auto i = params.find(key);
    return i == params.end() ? std::string{} : i->second;
  }
  bool has(const std::string& key) const { return params.contains(key); }
};

/// "%3D" -> "=", "+" -> " "; a malformed escape is kept as written.
std::string percent_decode(std::string_view text);

struct target {
  std::string path; // decoded, without the query
  query params;
};

target split_target(std::string_view raw);

struct resource_path {
  std::string group; // "" for the core group
  std::string version;
  std::string ns; // "" when the path has no namespaces/<ns> segment
  std::string plural;
  std::string name;        // "" for a collection
  std::string subresource; // "status", or ""
};

/// Nullopt when the path is not a resource path (discovery, openapi, unknown).
std::optional<resource_path> parse_resource_path(std::string_view path);

} // namespace baorestore::devcluster::api
