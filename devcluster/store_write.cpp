// The object store's writes: update (PUT), merge patch and JSON patch. Each builds the full
// object the client asks for, then goes through one path (finish_write) that applies the
// API server's rules, so that the three cannot drift apart. Also seed(), which bypasses them
// for fixtures.
#include <algorithm>

#include "devcluster/detail/store_impl.hpp"
#include "devcluster/json_patch.hpp"
#include "model/merge_patch.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

const json::value* member(const json::object& obj, std::string_view key) {
  return obj.if_contains(key);
}

bool same_member(const json::object& a, const json::object& b, std::string_view key) {
  auto* x = member(a, key);
  auto* y = member(b, key);
  return (!x && !y) || (x && y && *x == *y);
}

/// Puts `from`'s member `key` into `to`, or removes it from `to` when `from` has none.
void copy_member(json::object& to, const json::object& from, std::string_view key) {
  if (auto* v = member(from, key))
    to[key] = *v;
  else
    to.erase(key);
}

store_error unprocessable(std::string message) {
  store_error e;
  e.code = 422;
  e.reason = "Invalid";
  e.message = std::move(message);
  return e;
}

} // namespace

result<json::object> object_store::impl::finish_write(const resource_def& d,
                                                      const json::object& current,
                                                      json::object candidate, subresource sub) {
  std::string name{meta_string(current, "name")};
  std::string ns{meta_string(current, "namespace")};
  auto& meta = metadata_of(candidate);
  // Identity: what the URL names; a body may omit it but not contradict it.
  auto cand_name = meta_string(candidate, "name");
  if (cand_name.empty())
    meta["name"] = name;
  else if (cand_name != name)
    return bad_request("the name of the object (" + std::string{cand_name}
                       + ") does not match the name on the URL (" + name + ")");
  auto cand_ns = meta_string(candidate, "namespace");
  if (!d.namespaced)
    meta.erase("namespace");
  else if (cand_ns.empty())
    meta["namespace"] = ns;
  else if (cand_ns != ns)
    return bad_request("the namespace of the provided object does not match the namespace "
                       "sent on the request");
  for (auto field : {"apiVersion", "kind"}) {
    auto* v = member(candidate, field);
    if (!v || (v->is_string() && v->get_string().empty()))
      copy_member(candidate, current, field);
    else if (!same_member(candidate, current, field))
      return bad_request(std::string{"the "} + field + " of the object does not match the "
                         "stored " + field);
  }
  // The optimistic-concurrency precondition: a resourceVersion the client sent.
  auto wanted = meta_string(candidate, "resourceVersion");
  if (!wanted.empty() && wanted != meta_string(current, "resourceVersion"))
    return stale(d.id, name);

  if (sub == subresource::status) {
    // Writes to /status change the status and nothing else.
    json::object next = current;
    copy_member(next, candidate, "status");
    candidate = std::move(next);
  } else if (d.status_subresource) {
    // Writes to the main resource leave the status as it is.
    copy_member(candidate, current, "status");
  }
  keep_server_fields(candidate, current);

  if (is_terminating(current)) {
    auto before = finalizers_of(current);
    std::vector<std::string> added;
    for (auto& f : finalizers_of(candidate))
      if (std::find(before.begin(), before.end(), f) == before.end())
        added.push_back(f);
    if (!added.empty())
      return invalid(d, name, {{"FieldValueForbidden",
                                "Forbidden: no new finalizers can be added if the object is "
                                "being deleted, found new finalizers " + added.front(),
                                "metadata.finalizers"}});
  }
  if (!same_member(candidate, current, "spec"))
    metadata_of(candidate)["generation"] = generation_of(current) + 1;
  if (auto causes = admit(d, &current, candidate); !causes.empty())
    return invalid(d, name, std::move(causes));
  if (candidate == current)
    return current; // nothing changed: no new resourceVersion, no event
  bool gone = is_terminating(candidate) && finalizers_of(candidate).empty();
  auto done = commit({change{gone ? event_type::deleted : event_type::modified, d.id,
                             std::move(candidate)}});
  if (!done)
    return done.error();
  return std::move(done->front());
}

namespace {

/// Looks up what a write needs; fills `d` and `current` or returns the error.
std::optional<store_error> locate(object_store::impl& s, const resource_id& res,
                                  const std::string& ns, const std::string& name,
                                  subresource sub, const resource_def*& d,
                                  json::object*& current) {
  d = s.def(res);
  if (!d || (sub == subresource::status && !d->status_subresource))
    return object_store::impl::unknown_resource();
  current = s.find(res, d->namespaced ? ns : std::string{}, name);
  if (!current)
    return not_found(res, name);
  return std::nullopt;
}

// Every write to an existing object has one shape: find it, let `next` compute the wanted
// document from the current one (or refuse), then commit through finish_write.
template <class Next>
result<json::object> write_existing(object_store::impl& s, const resource_id& res,
                                    const std::string& ns, const std::string& name,
                                    subresource sub, Next next) {
  std::lock_guard guard{s.mu};
  const resource_def* d = nullptr;
  json::object* current = nullptr;
  if (auto err = locate(s, res, ns, name, sub, d, current))
    return *err;
  result<json::object> wanted = next(*current);
  if (!wanted)
    return wanted;
  return s.finish_write(*d, *current, std::move(*wanted), sub);
}

} // namespace

result<json::object> object_store::update(const resource_id& res, const std::string& ns,
                                          const std::string& name, json::object obj,
                                          subresource sub) {
  return write_existing(*impl_, res, ns, name, sub,
                        [&](const json::object&) -> result<json::object> { return std::move(obj); });
}

result<json::object> object_store::merge_patch(const resource_id& res, const std::string& ns,
                                               const std::string& name,
                                               const json::value& patch, subresource sub) {
  return write_existing(*impl_, res, ns, name, sub,
                        [&](const json::object& current) -> result<json::object> {
                          if (!patch.is_object())
                            return bad_request("a merge patch must be a JSON object");
                          json::value doc = current;
                          model::apply_merge_patch(doc, patch);
                          return std::move(doc.as_object());
                        });
}

result<json::object> object_store::json_patch(const resource_id& res, const std::string& ns,
                                              const std::string& name,
                                              const json::value& patch, subresource sub) {
  return write_existing(*impl_, res, ns, name, sub,
                        [&](const json::object& current) -> result<json::object> {
                          json::value doc = current;
                          auto outcome = apply_json_patch(doc, patch);
                          if (outcome.code == json_patch_errc::malformed)
                            return bad_request(outcome.message);
                          if (outcome.code == json_patch_errc::failed)
                            return unprocessable(outcome.message);
                          if (!doc.is_object())
                            return bad_request("the patched document is not a JSON object");
                          return std::move(doc.as_object());
                        });
}

result<json::object> object_store::seed(const resource_id& res, json::object obj) {
  std::lock_guard guard{impl_->mu};
  auto* d = impl_->def(res);
  if (!d)
    return impl::unknown_resource();
  obj["apiVersion"] = api_version(res);
  obj["kind"] = d->kind;
  auto& meta = metadata_of(obj);
  std::string ns{meta_string(obj, "namespace")};
  if (!d->namespaced) {
    meta.erase("namespace");
    ns.clear();
  } else if (ns.empty()) {
    return bad_request("the namespace of the object must be set for a namespaced resource");
  }
  if (meta_string(obj, "name").empty()) {
    std::string generate{meta_string(obj, "generateName")};
    if (generate.empty())
      return bad_request("seed: metadata.name or generateName is required");
    std::string name;
    for (int i = 0; i < 8 && (name.empty() || impl_->find(res, ns, name)); ++i)
      name = generate + name_suffix(impl_->rng);
    meta["name"] = name;
  }
  if (meta_string(obj, "uid").empty())
    meta["uid"] = impl_->new_uid();
  if (meta_string(obj, "creationTimestamp").empty())
    meta["creationTimestamp"] = model::format_rfc3339(impl_->now());
  if (generation_of(obj) == 0)
    meta["generation"] = 1;
  std::string replaced_uid;
  if (auto* current = impl_->find(res, ns, std::string{meta_string(obj, "name")}))
    replaced_uid = meta_string(*current, "uid");
  auto type = replaced_uid.empty() ? event_type::added : event_type::modified;
  auto done = impl_->commit({change{type, res, std::move(obj)}});
  if (!done)
    return done.error();
  if (!replaced_uid.empty() && replaced_uid != meta_string(done->front(), "uid"))
    impl_->by_uid.erase(replaced_uid); // another incarnation now holds the name
  return std::move(done->front());
}

} // namespace baorestore::devcluster
