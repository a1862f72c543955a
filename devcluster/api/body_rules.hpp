#pragma once
// What the API server does to request bodies before they reach storage, as pure functions:
// parsing JSON bodies (and refusing protobuf with 415, which kubectl does not retry, see
// KUBECTL.md §10), and folding a Secret's stringData into base64 data.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "devcluster/store_error.hpp"
#include "net/http_message.hpp"

namespace baorestore::devcluster::api {

/// The body as JSON; 415 for protobuf or another media type, 400 for malformed JSON.
result<boost::json::value> parse_json_body(const net::request& req);

/// The media type of a Content-Type header, lower case, without parameters.
std::string media_type(std::string_view content_type);

/// Moves stringData's values into data, base64-encoded, and drops stringData: the
/// stored Secret never holds it (so every later apply reports `configured`, as upstream).
/// Works on a full Secret and on a merge patch alike.
void fold_string_data(boost::json::object& secret);

} // namespace baorestore::devcluster::api
