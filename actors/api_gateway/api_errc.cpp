#include "actors/api_gateway/api_errc.hpp"

#include <simdjson.h>

namespace baorestore::gateway {

std::string to_string(api_errc e) {
  switch (e) {
    case api_errc::not_found:
      return "not_found";
    case api_errc::conflict:
      return "conflict";
    case api_errc::already_exists:
      return "already_exists";
    case api_errc::invalid:
      return "invalid";
    case api_errc::gone:
      return "gone";
    case api_errc::forbidden:
      return "forbidden";
    case api_errc::unauthorized:
      return "unauthorized";
    case api_errc::too_many_requests:
      return "too_many_requests";
    case api_errc::server_error:
      return "server_error";
    case api_errc::transport:
      return "transport";
    case api_errc::bad_response:
      return "bad_response";
    case api_errc::bad_request:
      return "bad_request";
  }
  return "api_errc(" + std::to_string(static_cast<int>(e)) + ")";
}

api_errc errc_for_status(int http_status, std::string_view reason) {
  switch (http_status) {
    case 401:
      return api_errc::unauthorized;
    case 403:
      return api_errc::forbidden;
    case 404:
      return api_errc::not_found;
    case 409:
      return reason == "AlreadyExists" ? api_errc::already_exists : api_errc::conflict;
    case 410:
      return api_errc::gone;
    case 422:
      return api_errc::invalid;
    case 429:
      return api_errc::too_many_requests;
    default:
      return http_status >= 500 ? api_errc::server_error : api_errc::bad_request;
  }
}

namespace {

/// The string at `key` of `obj`, or empty when absent or not a string.
std::string string_field(simdjson::dom::object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS)
    return {};
  return std::string{v};
}

} // namespace

std::optional<status_body> parse_status(std::string_view json) {
  // A Status body is small; bound what we parse so a huge non-Status body costs nothing.
  constexpr std::size_t max_status_bytes = 1 << 20;
  if (json.size() > max_status_bytes)
    return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(simdjson::padded_string{json}).get_object().get(obj) != simdjson::SUCCESS)
    return std::nullopt;
  if (string_field(obj, "kind") != "Status")
    return std::nullopt;
  status_body out;
  int64_t code = 0;
  if (obj["code"].get_int64().get(code) == simdjson::SUCCESS && code >= 0 && code < 1000)
    out.code = static_cast<int>(code);
  out.reason = string_field(obj, "reason");
  out.message = string_field(obj, "message");
  return out;
}

} // namespace baorestore::gateway
