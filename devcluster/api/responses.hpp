#pragma once
// Building replies: JSON bodies, and metav1.Status bodies for errors in exactly the shape
// kubectl prints (KUBECTL.md §9): the HTTP status equals `code`, and details carry the
// name, group, kind and causes.

#include <string>

#include <boost/json/value.hpp>

#include "devcluster/store_error.hpp"
#include "net/http_message.hpp"

namespace baorestore::devcluster::api {

net::response json_reply(int status, const boost::json::value& body);

/// The Status object of an error (also the `object` of a watch ERROR event).
boost::json::object status_object(const store_error& e);

net::response error_reply(const store_error& e);

/// 404 "the server could not find the requested resource" (unknown paths and resources).
net::response not_found_reply();

/// 405 for a verb the resource does not support.
net::response method_not_allowed(const std::string& method);

/// 415 UnsupportedMediaType with the media types that would have been accepted.
net::response unsupported_media(const std::string& accepted);

/// A store_error of any code and reason (400 BadRequest and the like).
store_error make_error(int code, std::string reason, std::string message);

} // namespace baorestore::devcluster::api
