// cluster_api: DELETE of one object and of a collection (deletecollection, which discovery
// advertises). Both read DeleteOptions from the body (kubectl sends
// {"propagationPolicy":"Background"}) or the query, and run the garbage collector after.
#include <boost/json.hpp>

#include "devcluster/api/body_rules.hpp"
#include "devcluster/api/cluster_api.hpp"
#include "devcluster/api/responses.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;

namespace {

result<delete_options> options_of(const query& q, const net::request& req) {
  delete_options opts;
  auto policy = q.get("propagationPolicy");
  if (!req.body.empty()) {
    auto body = parse_json_body(req);
    if (!body)
      return body.error();
    if (auto* o = body->if_object()) {
      if (auto* pp = o->if_contains("propagationPolicy"); pp && pp->is_string())
        policy = pp->get_string();
      if (auto* pre = o->if_contains("preconditions"); pre && pre->is_object()) {
        if (auto* uid = pre->as_object().if_contains("uid"); uid && uid->is_string())
          opts.uid = std::string{uid->get_string()};
        if (auto* v = pre->as_object().if_contains("resourceVersion"); v && v->is_string())
          opts.resource_version = std::string{v->get_string()};
      }
    }
  }
  if (policy == "Foreground")
    opts.policy = propagation::foreground;
  else if (policy == "Orphan")
    opts.policy = propagation::orphan;
  else if (!policy.empty() && policy != "Background")
    return make_error(400, "BadRequest", "unsupported propagationPolicy: " + policy);
  return opts;
}

std::string at_string(const json::value* meta, std::string_view key) {
  auto* o = meta ? meta->if_object() : nullptr;
  auto* v = o ? o->if_contains(key) : nullptr;
  return v && v->is_string() ? std::string{v->get_string()} : std::string{};
}

} // namespace

net::response cluster_api::do_delete(const served_resource& r, const resource_path& p,
                                     const query& q, const net::request& req) {
  auto opts = options_of(q, req);
  if (!opts)
    return error_reply(opts.error());
  auto done = store_.remove(r.def.id, p.ns, p.name, *opts);
  if (!done)
    return error_reply(done.error());
  store_.collect_garbage();
  if (!done->removed)
    return json_reply(200, done->object); // waits for its finalizers
  if (r.def.id == crd_resource)
    for (auto& served : resources_of_crd(done->object)) {
      reg_.remove(served.def.id.group, served.def.id.plural);
      schemas_->erase_group_plural(served.def.id.group, served.def.id.plural);
    }
  json::object details{{"name", p.name}, {"group", r.def.id.group}, {"kind", r.def.id.plural}};
  if (auto* m = done->object.if_contains("metadata"); m && m->is_object())
    if (auto* uid = m->as_object().if_contains("uid"))
      details["uid"] = *uid;
  return json_reply(200, json::object{{"kind", "Status"},
                                      {"apiVersion", "v1"},
                                      {"metadata", json::object{}},
                                      {"status", "Success"},
                                      {"details", std::move(details)}});
}

net::response cluster_api::do_delete_collection(const served_resource& r, const resource_path& p,
                                                const query& q, const net::request& req) {
  if (r.def.id == crd_resource)
    return method_not_allowed(req.method); // would unserve every custom resource at once
  auto opts = options_of(q, req);
  if (!opts)
    return error_reply(opts.error());
  auto page = store_.list(r.def.id, p.ns, {q.get("labelSelector"), q.get("fieldSelector"), 0, ""});
  if (!page)
    return error_reply(page.error());
  json::array items;
  for (const auto& obj : page->items) {
    auto* meta = obj.if_contains("metadata");
    auto name = at_string(meta, "name");
    auto ns = at_string(meta, "namespace");
    if (auto done = store_.remove(r.def.id, ns, name, *opts))
      items.push_back(std::move(done->object));
    // Gone in between (a concurrent delete): nothing left to do for it.
  }
  store_.collect_garbage();
  return json_reply(200, json::object{{"kind", r.def.kind + "List"},
                                      {"apiVersion", api_version(r.def.id)},
                                      {"metadata", json::object{{"resourceVersion",
                                                    std::to_string(store_.resource_version())}}},
                                      {"items", std::move(items)}});
}

} // namespace baorestore::devcluster::api
