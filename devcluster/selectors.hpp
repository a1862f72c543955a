#pragma once
// List filters as the API server parses them from `labelSelector` and `fieldSelector`. The
// grammar and the matching of terms are model/selector.hpp's (shared with the in-memory
// gateway); what is the store's own is the field part: which paths a resource allows, and
// reading a label or a field out of a JSON document.

#include <string_view>

#include <boost/json/object.hpp>

#include "devcluster/resource.hpp"
#include "devcluster/store_error.hpp"
#include "model/selector.hpp"

namespace baorestore::devcluster {

/// Field selectors allow metadata.name, metadata.namespace and the resource's
/// selectable_fields; a malformed one, or one with existence terms (`k`, `!k`), is 400
/// `invalid field selector`, any other path 400 `field label not supported: <path>`.
result<model::selector> parse_field_selector(std::string_view text, const resource_def& def);

/// Labels that are not strings count as absent.
bool matches_labels(const model::selector& sel, const boost::json::object& obj);

/// A missing field reads as "" (so `spec.x!=a` holds for an object without spec.x).
bool matches_fields(const model::selector& sel, const boost::json::object& obj);

} // namespace baorestore::devcluster
