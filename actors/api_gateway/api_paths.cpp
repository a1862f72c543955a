#include "actors/api_gateway/api_paths.hpp"

namespace baorestore::gateway {

namespace {

/// RFC 3986 §2.3, in ASCII whatever the locale says.
bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
         || c == '.' || c == '_' || c == '~';
}

} // namespace

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (is_unreserved(c)) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xF];
    }
  }
  return out;
}

namespace {

/// "/api/v1" or "/apis/<group>/<version>", then "/namespaces/<ns>" when it applies.
std::string prefix(const resource_path& r, std::string_view ns) {
  std::string out = r.group.empty() ? "/api/" + percent_encode(r.version)
                                    : "/apis/" + percent_encode(r.group) + "/"
                                        + percent_encode(r.version);
  if (r.namespaced && !ns.empty())
    out += "/namespaces/" + percent_encode(ns);
  return out;
}

void add_param(std::string& path, bool& first, std::string_view key, std::string_view value) {
  path += first ? '?' : '&';
  first = false;
  path += key;
  path += '=';
  path += percent_encode(value);
}

} // namespace

std::string object_path(const resource_path& r, std::string_view ns, std::string_view name,
                        std::string_view subresource) {
  auto out = prefix(r, ns) + "/" + percent_encode(r.plural) + "/" + percent_encode(name);
  if (!subresource.empty())
    out += "/" + percent_encode(subresource);
  return out;
}

std::string collection_path(const resource_path& r, std::string_view ns) {
  return prefix(r, ns) + "/" + percent_encode(r.plural);
}

std::string with_query(std::string path, const list_query& q) {
  bool first = path.find('?') == std::string::npos;
  if (!q.label_selector.empty())
    add_param(path, first, "labelSelector", q.label_selector);
  if (!q.field_selector.empty())
    add_param(path, first, "fieldSelector", q.field_selector);
  if (!q.resource_version.empty())
    add_param(path, first, "resourceVersion", q.resource_version);
  if (!q.continue_token.empty())
    add_param(path, first, "continue", q.continue_token);
  if (q.limit > 0)
    add_param(path, first, "limit", std::to_string(q.limit));
  if (q.watch)
    add_param(path, first, "watch", "true");
  if (q.allow_bookmarks)
    add_param(path, first, "allowWatchBookmarks", "true");
  if (q.timeout_seconds)
    add_param(path, first, "timeoutSeconds", std::to_string(*q.timeout_seconds));
  return path;
}

} // namespace baorestore::gateway
