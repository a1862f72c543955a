#include "devcluster/api/responses.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster::api {

namespace json = boost::json;

net::response json_reply(int status, const json::value& body) {
  net::response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

json::object status_object(const store_error& e) {
  json::object st{{"kind", "Status"},
                  {"apiVersion", "v1"},
                  {"metadata", json::object{}},
                  {"status", "Failure"},
                  {"message", e.message},
                  {"reason", e.reason},
                  {"code", e.code}};
  json::object details;
  if (!e.name.empty())
    details["name"] = e.name;
  if (!e.group.empty())
    details["group"] = e.group;
  if (!e.kind.empty())
    details["kind"] = e.kind;
  if (!e.causes.empty()) {
    json::array causes;
    for (const auto& c : e.causes)
      causes.push_back(
        json::object{{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    details["causes"] = std::move(causes);
  }
  if (!details.empty())
    st["details"] = std::move(details);
  return st;
}

net::response error_reply(const store_error& e) {
  return json_reply(e.code, status_object(e));
}

store_error make_error(int code, std::string reason, std::string message) {
  store_error e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

net::response not_found_reply() {
  return error_reply(make_error(404, "NotFound", "the server could not find the requested resource"));
}

net::response method_not_allowed(const std::string& method) {
  return error_reply(make_error(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource ("
                                  + method + ")"));
}

net::response unsupported_media(const std::string& accepted) {
  return error_reply(make_error(415, "UnsupportedMediaType",
                                "the body of the request was in an unknown format - accepted "
                                "media types include: " + accepted));
}

} // namespace baorestore::devcluster::api
