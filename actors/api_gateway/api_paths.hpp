#pragma once
// Request paths of the Kubernetes REST API ("/apis/batch/v1/namespaces/ns/jobs/x/status")
// and their list/watch query strings. The server endpoint's base_path is the caller's to
// prepend.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::gateway {

/// A resource type: {"batch", "v1", "jobs"}; the core group is "" ({"", "v1", "secrets"}).
struct resource_path {
  std::string group;
  std::string version;
  std::string plural;
  bool namespaced = true;
};

/// One object, or its subresource ("status"). `ns` is ignored for cluster-scoped
/// resources. Names are validated by the caller; segments are still percent-encoded, so a
/// bad name can never change the path's shape.
std::string object_path(const resource_path& r, std::string_view ns, std::string_view name,
                        std::string_view subresource = {});

/// The collection in `ns`; `ns` "" (or a cluster-scoped resource): across all namespaces.
std::string collection_path(const resource_path& r, std::string_view ns);

struct list_query {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  std::string continue_token;
  std::size_t limit = 0; // 0: no limit sent
  bool watch = false;
  bool allow_bookmarks = false;
  std::optional<int> timeout_seconds;
};

/// `path` with the query's non-default parameters appended (labelSelector, fieldSelector,
/// resourceVersion, continue, limit, watch, allowWatchBookmarks, timeoutSeconds, in that
/// order), values percent-encoded.
std::string with_query(std::string path, const list_query& q);

/// Every byte except RFC 3986's unreserved ones (ALPHA DIGIT - . _ ~) as %XX.
std::string percent_encode(std::string_view s);

} // namespace baorestore::gateway
