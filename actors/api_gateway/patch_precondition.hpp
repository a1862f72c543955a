#pragma once
// A merge patch of the protocol with its resourceVersion precondition put where the API
// server reads it: `metadata.resourceVersion` inside the patch (a patch request has no other
// place for it). Shared by the in-memory and the HTTP gateway. Pure.

#include <string>

#include <boost/json.hpp>

namespace baorestore::gateway {

/// A merge patch's text parsed; `precondition` is the request's resourceVersion, else the
/// patch's own metadata.resourceVersion. Not ok when the text is not a JSON object.
struct parsed_patch {
  boost::json::value doc;
  std::string precondition;
  bool ok = false;
};

inline parsed_patch parse_patch(const std::string& text, const std::string& resource_version) {
  namespace json = boost::json;
  parsed_patch out;
  boost::system::error_code ec;
  out.doc = json::parse(text, ec);
  out.ok = !ec && out.doc.is_object();
  out.precondition = resource_version;
  if (!out.ok)
    return out;
  auto& patch = out.doc.get_object();
  if (!resource_version.empty()) {
    auto& meta = patch["metadata"];
    if (!meta.is_object())
      meta = json::object{};
    meta.get_object()["resourceVersion"] = resource_version;
  } else if (auto* meta = patch.if_contains("metadata"); meta && meta->is_object()) {
    if (auto* rv = meta->get_object().if_contains("resourceVersion"); rv && rv->is_string())
      out.precondition = rv->get_string();
  }
  return out;
}

} // namespace baorestore::gateway
