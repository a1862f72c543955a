// cluster_api: the verbs on resource paths (get, list, watch, create, update, patch;
// deletes are in delete_handlers.cpp), mapping requests onto object_store calls and results onto replies.
#include <charconv>

#include <boost/json.hpp>

#include "devcluster/api/body_rules.hpp"
#include "devcluster/api/cluster_api.hpp"
#include "devcluster/api/responses.hpp"
#include "devcluster/api/strategic_merge.hpp"
#include "devcluster/api/table.hpp"
#include "devcluster/api/watch_stream.hpp"
#include "devcluster/selectors.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;

namespace {

std::optional<std::uint64_t> to_number(const std::string& text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return v;
}

store_error bad(std::string message) {
  return make_error(400, "BadRequest", std::move(message));
}

subresource sub_of(const resource_path& p) {
  return p.subresource == "status" ? subresource::status : subresource::none;
}

bool is_true(const std::string& v) {
  return v == "true" || v == "1";
}

} // namespace

net::response cluster_api::handle_resource(const net::request& req, const resource_path& p,
                                           const query& q) {
  const auto* r = reg_.find({p.group, p.version, p.plural});
  if (!r || (!r->def.namespaced && !p.ns.empty()))
    return not_found_reply();
  if (!p.subresource.empty() && (p.subresource != "status" || !r->def.status_subresource))
    return not_found_reply();
  if (q.get("dryRun") == "All" && req.method != "GET")
    // Honest refusal until the store can evaluate a write without committing it.
    return error_reply(bad("dryRun is not supported by the embedded development cluster"));
  auto copy = *r; // a CRD write below may replace the registry entry
  const auto& m = req.method;
  if (m == "GET" && !p.name.empty())
    return do_get(copy, p, q, req);
  if (m == "GET")
    return is_true(q.get("watch")) ? do_watch(copy, p, q, req) : do_list(copy, p, q, req);
  if (m == "POST" && p.name.empty())
    return do_create(copy, p, req);
  if (m == "PUT" && !p.name.empty())
    return do_update(copy, p, req);
  if (m == "PATCH" && !p.name.empty())
    return do_patch(copy, p, req);
  if (m == "DELETE" && !p.name.empty() && p.subresource.empty())
    return do_delete(copy, p, q, req);
  if (m == "DELETE" && p.name.empty())
    return do_delete_collection(copy, p, q, req);
  return method_not_allowed(m);
}

net::response cluster_api::do_get(const served_resource& r, const resource_path& p,
                                  const query& q, const net::request& req) {
  auto got = store_.get(r.def.id, r.def.namespaced ? p.ns : "", p.name);
  if (!got)
    return error_reply(got.error());
  if (wants_table(req.header("accept"))) {
    table_options opts{parse_include_object(q.get("includeObject")), opts_.clock(),
                       std::string{json::value_to<std::string>(
                         (*got)["metadata"].as_object()["resourceVersion"])}};
    return json_reply(200, to_table(r, {*got}, opts));
  }
  return json_reply(200, *got);
}

net::response cluster_api::do_list(const served_resource& r, const resource_path& p,
                                   const query& q, const net::request& req) {
  list_options lo{q.get("labelSelector"), q.get("fieldSelector"), 0, q.get("continue")};
  if (q.has("limit") && !q.get("limit").empty()) {
    auto limit = to_number(q.get("limit"));
    if (!limit)
      return error_reply(bad("invalid limit: " + q.get("limit")));
    lo.limit = *limit;
  }
  auto page = store_.list(r.def.id, p.ns, lo);
  if (!page)
    return error_reply(page.error());
  auto rv = std::to_string(page->resource_version);
  if (wants_table(req.header("accept"))) {
    auto table = to_table(r, page->items,
                          {parse_include_object(q.get("includeObject")), opts_.clock(), rv});
    if (!page->continue_token.empty())
      table["metadata"].as_object()["continue"] = page->continue_token;
    return json_reply(200, table);
  }
  json::object meta{{"resourceVersion", rv}};
  if (!page->continue_token.empty())
    meta["continue"] = page->continue_token;
  json::array items;
  for (auto& obj : page->items)
    items.push_back(std::move(obj));
  return json_reply(200, json::object{{"kind", r.def.kind + "List"},
                                      {"apiVersion", api_version(r.def.id)},
                                      {"metadata", std::move(meta)},
                                      {"items", std::move(items)}});
}

net::response cluster_api::do_watch(const served_resource& r, const resource_path& p,
                                    const query& q, const net::request& req) {
  if (watches_->load() >= opts_.max_watches)
    return error_reply(make_error(429, "TooManyRequests",
                                  "too many open watches (at most "
                                    + std::to_string(opts_.max_watches) + ")"));
  watch_request w;
  w.resource = r;
  w.ns = p.ns;
  auto labels = model::parse_label_selector(q.get("labelSelector"));
  if (!labels)
    return error_reply(bad("unable to parse requirement: " + q.get("labelSelector")));
  w.labels = std::move(*labels);
  auto fields = parse_field_selector(q.get("fieldSelector"), r.def);
  if (!fields)
    return error_reply(fields.error());
  w.fields = std::move(*fields);
  auto rv = q.get("resourceVersion");
  if (rv.empty() || rv == "0") {
    // kubectl discards the first event, expecting the synthetic ADDED ones (KUBECTL.md §6).
    auto page = store_.list(r.def.id, p.ns, {q.get("labelSelector"), q.get("fieldSelector"), 0, ""});
    if (!page)
      return error_reply(page.error());
    w.initial = std::move(page->items);
    w.from_rv = page->resource_version;
  } else {
    auto from = to_number(rv);
    if (!from)
      return error_reply(bad("invalid resourceVersion: " + rv));
    w.from_rv = *from;
  }
  if (auto t = to_number(q.get("timeoutSeconds")))
    w.timeout = std::chrono::seconds{*t};
  w.bookmarks = is_true(q.get("allowWatchBookmarks"));
  w.table = wants_table(req.header("accept"));
  w.include = parse_include_object(q.get("includeObject"));
  w.bookmark_every = opts_.bookmark_every;
  w.clock = opts_.clock;
  ++*watches_;
  w.token = std::shared_ptr<void>(nullptr, [count = watches_](void*) { --*count; });
  net::response res;
  res.stream = std::make_shared<watch_source>(store_, std::move(w));
  return res;
}

std::optional<store_error> cluster_api::check_fields(const served_resource& r, json::object& obj,
                                                   const std::string& validation,
                                                   std::map<std::string, std::string>& headers) const {
  auto schema = schemas_->find(r.def.id);
  if (!schema)
    return std::nullopt;
  auto found = check_against_schema(*schema, obj, true);
  if (found.unknown.empty() || validation == "Ignore")
    return std::nullopt;
  std::string listed, warnings;
  for (const auto& f : found.unknown) {
    listed += (listed.empty() ? "" : ", ") + std::string{"unknown field \""} + f + "\"";
    warnings += (warnings.empty() ? "" : ", ") + std::string{"299 - \"unknown field \\\""} + f
                + "\\\"\"";
  }
  if (validation == "Strict")
    return bad(r.def.kind + " in version \"" + r.def.id.version + "\" cannot be handled as a "
               + r.def.kind + ": strict decoding error: " + listed);
  headers["Warning"] = warnings;
  return std::nullopt;
}

net::response cluster_api::do_create(const served_resource& r, const resource_path& p,
                                     const net::request& req) {
  auto body = parse_json_body(req);
  if (!body)
    return error_reply(body.error());
  if (!body->is_object())
    return error_reply(bad("the body of a create must be a JSON object"));
  auto obj = std::move(body->as_object());
  if (r.def.id == secret_resource)
    fold_string_data(obj);
  if (r.def.namespaced && !store_.get(namespace_resource, "", p.ns))
    return error_reply(not_found(namespace_resource, p.ns));
  std::map<std::string, std::string> headers;
  if (auto refused = check_fields(r, obj, split_target(req.target).params.get("fieldValidation"),
                                  headers))
    return error_reply(*refused);
  auto created = store_.create(r.def.id, p.ns, std::move(obj));
  if (!created)
    return error_reply(created.error());
  if (r.def.id == namespace_resource)
    created = mark_active(std::move(*created));
  auto reply = json_reply(201, r.def.id == crd_resource ? crd_changed(std::move(*created))
                                                        : std::move(*created));
  reply.headers = std::move(headers);
  return reply;
}

net::response cluster_api::do_update(const served_resource& r, const resource_path& p,
                                     const net::request& req) {
  auto body = parse_json_body(req);
  if (!body)
    return error_reply(body.error());
  if (!body->is_object())
    return error_reply(bad("the body of an update must be a JSON object"));
  auto obj = std::move(body->as_object());
  if (r.def.id == secret_resource)
    fold_string_data(obj);
  std::map<std::string, std::string> headers;
  if (p.subresource.empty())
    if (auto refused = check_fields(r, obj, split_target(req.target).params.get("fieldValidation"),
                                    headers))
      return error_reply(*refused);
  auto updated = store_.update(r.def.id, p.ns, p.name, std::move(obj), sub_of(p));
  if (!updated)
    return error_reply(updated.error());
  auto reply = json_reply(200, r.def.id == crd_resource && p.subresource.empty()
                                 ? crd_changed(std::move(*updated))
                                 : std::move(*updated));
  reply.headers = std::move(headers);
  return reply;
}

result<json::object> cluster_api::strategic_patch(const served_resource& r,
                                                 const resource_path& p,
                                                 const json::value& patch) {
  // Read, merge here, write back with the read resourceVersion as precondition. A write in
  // between is a conflict that we retry, unless the patch named its own resourceVersion.
  bool own_rv = false;
  if (auto* m = patch.is_object() ? patch.get_object().if_contains("metadata") : nullptr)
    own_rv = m->is_object() && m->get_object().contains("resourceVersion");
  for (int attempt = 0;; ++attempt) {
    auto current = store_.get(r.def.id, p.ns, p.name);
    if (!current)
      return current.error();
    auto merged = apply_strategic_merge(*current, patch);
    if (!merged.error.empty())
      return bad(merged.error);
    auto done = store_.update(r.def.id, p.ns, p.name, std::move(merged.value.as_object()),
                              sub_of(p));
    if (done || own_rv || attempt == 4 || done.error().reason != "Conflict")
      return done;
  }
}

net::response cluster_api::do_patch(const served_resource& r, const resource_path& p,
                                    const net::request& req) {
  auto type = media_type(req.header("content-type"));
  bool json_patch = type == "application/json-patch+json";
  bool smp = type == "application/strategic-merge-patch+json";
  // Custom resources have no patch strategies: the API server refuses SMP for them, and
  // kubectl then says so (KUBECTL.md §7). Server-side apply is not implemented.
  if ((smp && r.custom) || (!json_patch && !smp && type != "application/merge-patch+json"))
    return unsupported_media("application/json-patch+json, application/merge-patch+json"
                             + std::string{r.custom ? "" : ", application/strategic-merge-patch+json"});
  auto patch = parse_json_body(req);
  if (!patch)
    return error_reply(patch.error());
  if (r.def.id == secret_resource && patch->is_object())
    fold_string_data(patch->as_object());
  auto done = smp        ? strategic_patch(r, p, *patch)
              : json_patch ? store_.json_patch(r.def.id, p.ns, p.name, *patch, sub_of(p))
                           : store_.merge_patch(r.def.id, p.ns, p.name, *patch, sub_of(p));
  if (!done)
    return error_reply(done.error());
  if (r.def.id == crd_resource && p.subresource.empty())
    return json_reply(200, crd_changed(std::move(*done)));
  return json_reply(200, *done);
}

} // namespace baorestore::devcluster::api
