// The object store's deletes and its garbage collector: finalizers and deletionTimestamp,
// propagation policies, ownerReferences. The API server leaves the cascading part to the
// garbage-collector controller; here collect_garbage() plays it, called by the server
// after each delete (and by tests when they choose to).
#include <algorithm>

#include "devcluster/detail/store_impl.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

constexpr std::string_view foreground_finalizer = "foregroundDeletion";

bool has_finalizer(const json::object& obj, std::string_view f) {
  auto all = finalizers_of(obj);
  return std::find(all.begin(), all.end(), f) != all.end();
}

} // namespace

std::vector<std::pair<resource_id, object_key>>
object_store::impl::dependents_of(const std::string& uid) const {
  std::vector<std::pair<resource_id, object_key>> out;
  for (const auto& [res, bucket] : objects)
    for (const auto& [key, obj] : bucket) {
      auto owners = owner_uids(obj);
      if (std::find(owners.begin(), owners.end(), uid) != owners.end())
        out.emplace_back(res, key);
    }
  return out;
}

result<delete_outcome> object_store::impl::remove(const resource_def& d, const std::string& ns,
                                                  const std::string& name,
                                                  const delete_options& opts) {
  auto* current = find(d.id, d.namespaced ? ns : std::string{}, name);
  if (!current)
    return not_found(d.id, name);
  std::string uid{meta_string(*current, "uid")};
  if (opts.uid && *opts.uid != uid)
    return conflict(d.id, name, "Precondition failed: UID in precondition: " + *opts.uid
                                  + ", UID in object meta: " + uid);
  if (auto have = meta_string(*current, "resourceVersion");
      opts.resource_version && *opts.resource_version != have)
    return conflict(d.id, name, "Precondition failed: ResourceVersion in precondition: "
                                  + *opts.resource_version
                                  + ", ResourceVersion in object meta: " + std::string{have});
  std::vector<change> changes;
  if (opts.policy == propagation::orphan) {
    // Orphaning at once, in the same commit: what the garbage collector's "orphan"
    // finalizer achieves upstream, without the intermediate state.
    for (const auto& [res, key] : dependents_of(uid)) {
      json::object dep = objects[res][key];
      drop_owner(dep, uid);
      changes.push_back(change{event_type::modified, res, std::move(dep)});
    }
  }
  json::object next = *current;
  if (opts.policy == propagation::foreground && !has_finalizer(next, foreground_finalizer)) {
    auto fins = finalizers_of(next);
    fins.emplace_back(foreground_finalizer);
    set_finalizers(next, fins);
  }
  bool removed = finalizers_of(next).empty();
  if (removed) {
    changes.push_back(change{event_type::deleted, d.id, std::move(next)});
  } else {
    if (!is_terminating(next)) {
      auto& meta = metadata_of(next);
      meta["deletionTimestamp"] = model::format_rfc3339(now());
      meta["deletionGracePeriodSeconds"] = 0;
      meta["generation"] = generation_of(next) + 1;
    }
    if (next == *current && changes.empty())
      return delete_outcome{next, false}; // already being deleted: nothing new to commit
    if (next != *current)
      changes.push_back(change{event_type::modified, d.id, std::move(next)});
  }
  bool owner_changed = changes.back().resource == d.id
                       && meta_string(changes.back().object, "uid") == uid;
  auto done = commit(std::move(changes));
  if (!done)
    return done.error();
  if (!owner_changed)
    return delete_outcome{*find(d.id, d.namespaced ? ns : std::string{}, name), false};
  return delete_outcome{std::move(done->back()), removed};
}

std::size_t object_store::impl::collect_once() {
  std::size_t commits = 0;
  std::vector<std::pair<resource_id, object_key>> owned;
  std::vector<std::pair<resource_id, object_key>> foreground;
  for (const auto& [res, bucket] : objects)
    for (const auto& [key, obj] : bucket) {
      if (!owner_uids(obj).empty())
        owned.emplace_back(res, key);
      if (is_terminating(obj) && has_finalizer(obj, foreground_finalizer))
        foreground.emplace_back(res, key);
    }
  // Dependents whose owners are gone: deleted when none is left, else the dangling
  // references are dropped.
  for (const auto& [res, key] : owned) {
    auto* d = def(res);
    auto* obj = find(res, key.ns, key.name);
    if (!d || !obj || is_terminating(*obj))
      continue;
    auto uids = owner_uids(*obj);
    std::vector<std::string> missing;
    for (auto& u : uids)
      if (!by_uid.contains(u))
        missing.push_back(u);
    if (missing.empty())
      continue;
    if (missing.size() == uids.size()) {
      if (remove(*d, key.ns, key.name, {}))
        ++commits;
      continue;
    }
    json::object next = *obj;
    for (auto& u : missing)
      drop_owner(next, u);
    if (commit({change{event_type::modified, res, std::move(next)}}))
      ++commits;
  }
  // Foreground deletions: delete the dependents, and let the owner go once none is left.
  for (const auto& [res, key] : foreground) {
    auto* obj = find(res, key.ns, key.name);
    if (!obj)
      continue;
    std::string uid{meta_string(*obj, "uid")};
    for (const auto& [dres, dkey] : dependents_of(uid)) {
      auto* dd = def(dres);
      auto* dep = find(dres, dkey.ns, dkey.name);
      if (dd && dep && !is_terminating(*dep) && remove(*dd, dkey.ns, dkey.name, {}))
        ++commits;
    }
    if (!dependents_of(uid).empty())
      continue;
    json::object next = *find(res, key.ns, key.name);
    auto fins = finalizers_of(next);
    std::erase(fins, std::string{foreground_finalizer});
    set_finalizers(next, fins);
    auto type = fins.empty() ? event_type::deleted : event_type::modified;
    if (commit({change{type, res, std::move(next)}}))
      ++commits;
  }
  return commits;
}

result<delete_outcome> object_store::remove(const resource_id& res, const std::string& ns,
                                            const std::string& name,
                                            const delete_options& opts) {
  std::lock_guard guard{impl_->mu};
  auto* d = impl_->def(res);
  if (!d)
    return impl::unknown_resource();
  return impl_->remove(*d, ns, name, opts);
}

std::size_t object_store::collect_garbage() {
  std::lock_guard guard{impl_->mu};
  std::size_t total = 0;
  // Each pass can expose the next level of dependents; a pass with no commit is the end.
  for (int pass = 0; pass < 1000; ++pass) {
    auto n = impl_->collect_once();
    if (n == 0)
      break;
    total += n;
  }
  return total;
}

} // namespace baorestore::devcluster
