#include "devcluster/api/body_rules.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "devcluster/api/responses.hpp"
#include "model/base64.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ')
    t.remove_suffix(1);
  std::string out;
  for (char c : t)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

result<json::value> parse_json_body(const net::request& req) {
  auto type = media_type(req.header("content-type"));
  if (type.find("protobuf") != std::string::npos || type.find("yaml") != std::string::npos)
    return make_error(415, "UnsupportedMediaType",
                      "the body of the request was in an unknown format - accepted media "
                      "types include: application/json, application/json-patch+json, "
                      "application/merge-patch+json");
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec)
    return make_error(400, "BadRequest",
                      "the object provided is unrecognized: " + ec.message());
  return v;
}

void fold_string_data(json::object& secret) {
  auto* sd = secret.if_contains("stringData");
  if (!sd)
    return;
  // Moved out first: inserting "data" below may reallocate the object's storage.
  json::value pairs = std::move(*sd);
  secret.erase("stringData");
  if (!pairs.is_object())
    return;
  auto* data = secret.if_contains("data");
  if (!data || !data->is_object())
    secret["data"] = json::object{};
  auto& out = secret["data"].as_object();
  for (const auto& [k, v] : pairs.as_object())
    if (v.is_string())
      out[k] = model::base64_encode(std::string_view{v.get_string()});
}

} // namespace baorestore::devcluster::api
