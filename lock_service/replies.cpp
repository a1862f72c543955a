#include "lock_service/replies.hpp"

#include <boost/json.hpp>

#include "model/time.hpp"

namespace baorestore::lock_service {

namespace {

namespace json = boost::json;

json::object lock_object(const model::operation_lock& lock) {
  json::object o;
  o["operation"] = std::string{to_string(lock.operation)};
  o["holder"] = lock.holder;
  o["message"] = lock.message;
  // 0 when the stored lock has none (upstream's CRD may prune it), as lock_reply's fence.
  o["fence"] = lock.fence.value_or(0);
  if (lock.acquired_at)
    o["since"] = model::format_rfc3339(*lock.acquired_at);
  if (lock.renewed_at)
    o["renewedAt"] = model::format_rfc3339(*lock.renewed_at);
  return o;
}

net::response json_response(int status, const json::object& body) {
  net::response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

std::string describe(const model::operation_lock& lock) {
  auto text = "held by " + lock.holder + " (" + std::string{to_string(lock.operation)} + ")";
  if (lock.acquired_at)
    text += " since " + model::format_rfc3339(*lock.acquired_at);
  return text;
}

std::string cluster_of(const lock_call& call) {
  return call.namespace_ + "/" + call.name;
}

net::response granted(const registry_answer& a) {
  json::object o;
  o["granted"] = true;
  o["fence"] = a.fence;
  if (a.lock)
    o["lock"] = lock_object(*a.lock);
  return json_response(200, o);
}

net::response conflict(const lock_call& call, const registry_answer& a) {
  bool busy = a.what == registry_answer::kind::busy;
  std::string message;
  if (busy)
    message = "the lock of " + cluster_of(call) + " is "
              + (a.lock ? describe(*a.lock) : std::string{"held"});
  else
    message = call.holder + " does not hold the lock of " + cluster_of(call) + ": it is "
              + (a.lock ? describe(*a.lock) : std::string{"free"});
  return error_response(http_error{409, busy ? "busy" : "not_holder", message, {}},
                        a.lock ? lock_json(*a.lock) : std::string{});
}

net::response status(const lock_call& call, const registry_answer& a) {
  json::object o;
  o["cluster"] = cluster_of(call);
  o["held"] = a.lock.has_value();
  if (a.lock)
    o["lock"] = lock_object(*a.lock);
  return json_response(200, o);
}

} // namespace

std::string lock_json(const model::operation_lock& lock) {
  return json::serialize(lock_object(lock));
}

net::response error_response(const http_error& e, const std::string& lock_json_text) {
  json::object o;
  o["error"] = e.code;
  o["message"] = e.message;
  if (!lock_json_text.empty())
    o["lock"] = json::parse(lock_json_text);
  auto r = json_response(e.status, o);
  r.headers = e.headers;
  if (e.status == 401)
    r.headers["WWW-Authenticate"] = "Bearer";
  return r;
}

net::response answer_response(const lock_call& call, const registry_answer& a) {
  using k = registry_answer::kind;
  switch (a.what) {
    case k::granted:
      return granted(a);
    case k::busy:
    case k::not_holder:
      return conflict(call, a);
    case k::released:
      return json_response(200, json::object{{"released", true}});
    case k::status:
      return status(call, a);
    case k::cluster_not_found:
      return error_response(http_error{404, "not_found",
                                       "OpenBaoCluster " + cluster_of(call) + " not found", {}});
    case k::invalid:
      return error_response(bad_request("the lock registry refused the request: " + a.detail));
    case k::unavailable:
      break;
  }
  return error_response(http_error{503, "unavailable",
                                   "the lock of " + cluster_of(call) + " is unavailable"
                                     + (a.detail.empty() ? "" : ": " + a.detail)
                                     + "; try again later",
                                   {}});
}

std::string outcome_of(const net::response& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  auto* o = ec ? nullptr : v.if_object();
  if (!o)
    return std::to_string(r.status);
  if (auto* e = o->if_contains("error"); e && e->is_string())
    return std::string{e->get_string()};
  if (o->contains("granted"))
    return "granted";
  if (o->contains("released"))
    return "released";
  if (auto* h = o->if_contains("held"); h && h->is_bool())
    return h->get_bool() ? "held" : "free";
  return std::to_string(r.status);
}

} // namespace baorestore::lock_service
