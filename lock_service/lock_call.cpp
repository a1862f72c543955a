#include "lock_service/lock_call.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <boost/json.hpp>

#include "model/names.hpp"

namespace baorestore::lock_service {

namespace {

namespace json = boost::json;

const char* const restore_refused
  = "Restore is not available here: restores go through OpenBaoRestore objects";

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
    if (path.empty())
      parts.emplace_back(); // a trailing slash is an empty last segment
  }
  return parts;
}

std::optional<call_kind> kind_of_action(std::string_view action) {
  if (action == "acquire")
    return call_kind::acquire;
  if (action == "release")
    return call_kind::release;
  if (action == "renew")
    return call_kind::renew;
  return std::nullopt;
}

// Control characters would garble the cluster status and the logs.
bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

// The fields each call takes; anything else is an unknown field.
std::vector<std::string_view> fields_of(call_kind k) {
  switch (k) {
    case call_kind::acquire:
      return {"operation", "holder", "message", "waitSeconds"};
    case call_kind::release:
      return {"operation", "holder"};
    case call_kind::renew:
      return {"holder"};
    case call_kind::query:
      break;
  }
  return {};
}

std::optional<http_error> read_string(const json::object& o, std::string_view key,
                                      bool required, std::size_t max, std::string& out) {
  auto* v = o.if_contains(key);
  if (!v) {
    if (required)
      return bad_request("\"" + std::string{key} + "\" is required");
    return std::nullopt;
  }
  auto* s = v->if_string();
  if (!s)
    return bad_request("\"" + std::string{key} + "\" must be a string");
  if (required && s->empty())
    return bad_request("\"" + std::string{key} + "\" must not be empty");
  if (s->size() > max)
    return bad_request("\"" + std::string{key} + "\" is longer than " + std::to_string(max)
                       + " bytes");
  if (!printable(*s))
    return bad_request("\"" + std::string{key} + "\" must not contain control characters");
  out = std::string{*s};
  return std::nullopt;
}

std::optional<http_error> read_operation(const json::object& o, lock_call& call) {
  std::string text;
  if (auto e = read_string(o, "operation", true, 64, text))
    return e;
  auto op = model::parse_cluster_operation(text);
  if (op == model::cluster_operation::restore)
    return http_error{403, "forbidden", restore_refused, {}};
  if (!op)
    return bad_request("unknown operation \"" + text + "\": expected Backup or Upgrade");
  call.operation = op;
  return std::nullopt;
}

std::optional<http_error> read_wait(const json::object& o, const call_limits& limits,
                                    lock_call& call) {
  auto* v = o.if_contains("waitSeconds");
  if (!v)
    return std::nullopt;
  auto range = "\"waitSeconds\" must be a whole number of seconds from 0 to "
               + std::to_string(limits.max_wait_seconds);
  if (!v->is_int64()) // a fraction, a string, or beyond int64 (uint64)
    return bad_request(range);
  call.wait_seconds = v->get_int64();
  if (call.wait_seconds < 0 || call.wait_seconds > limits.max_wait_seconds)
    return bad_request(range);
  return std::nullopt;
}

} // namespace

std::string_view to_string(call_kind k) {
  switch (k) {
    case call_kind::query:
      return "query";
    case call_kind::acquire:
      return "acquire";
    case call_kind::release:
      return "release";
    case call_kind::renew:
      return "renew";
  }
  return "";
}

http_error bad_request(std::string message) {
  return http_error{400, "bad_request", std::move(message), {}};
}

std::variant<route, http_error> match_route(std::string_view method, std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  http_error not_found{404, "not_found", "no such route: " + std::string{path}, {}};
  if (path.empty() || path.front() != '/')
    return not_found;
  auto parts = split_path(path.substr(1));
  // v1 namespaces {ns} clusters {name} lock [action]
  if ((parts.size() != 6 && parts.size() != 7) || parts[0] != "v1" || parts[1] != "namespaces"
      || parts[3] != "clusters" || parts[5] != "lock")
    return not_found;
  route r;
  r.namespace_ = std::string{parts[2]};
  r.name = std::string{parts[4]};
  const char* allowed = "GET";
  if (parts.size() == 7) {
    auto kind = kind_of_action(parts[6]);
    if (!kind)
      return not_found;
    r.kind = *kind;
    allowed = "POST";
  }
  if (method != allowed)
    return http_error{405, "method_not_allowed",
                      std::string{method} + " is not allowed here: use " + allowed,
                      {{"Allow", allowed}}};
  if (!model::is_dns1123_label(r.namespace_))
    return bad_request("\"" + r.namespace_ + "\" is not a namespace name (lowercase letters, "
                       "digits and '-', at most 63)");
  if (!model::is_dns1123_subdomain(r.name))
    return bad_request("\"" + r.name + "\" is not a cluster name (lowercase letters, digits, "
                       "'-' and '.', at most 253)");
  return r;
}

std::variant<lock_call, http_error> parse_call(const route& r, std::string_view body,
                                               const call_limits& limits) {
  lock_call call;
  call.kind = r.kind;
  call.namespace_ = r.namespace_;
  call.name = r.name;
  if (r.kind == call_kind::query)
    return call;
  boost::system::error_code ec;
  auto value = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec)
    return bad_request("the body is not JSON: " + ec.message());
  auto* obj = value.if_object();
  if (!obj)
    return bad_request("the body must be a JSON object");
  auto known = fields_of(r.kind);
  for (const auto& [key, v] : *obj)
    if (std::find(known.begin(), known.end(), std::string_view{key}) == known.end())
      return bad_request("unknown field \"" + std::string{key} + "\"");
  if (r.kind != call_kind::renew)
    if (auto e = read_operation(*obj, call))
      return *e;
  if (auto e = read_string(*obj, "holder", true, limits.max_holder_bytes, call.holder))
    return *e;
  if (r.kind == call_kind::acquire) {
    if (auto e = read_string(*obj, "message", false, limits.max_message_bytes, call.message))
      return *e;
    if (auto e = read_wait(*obj, limits, call))
      return *e;
  }
  return call;
}

} // namespace baorestore::lock_service
