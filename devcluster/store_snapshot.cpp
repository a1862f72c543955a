// The object store's compaction: the whole state as one log record (every live object and
// the resourceVersion counter), loading it back on open, and when to write one.
// record_log::replace() makes the swap crash-safe; this file decides what goes in it.
#include "devcluster/detail/store_impl.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;

// Record payload: {"snapshot":{"resourceVersion":N,"objects":[{"group","version",
// "resource","object"}, ...]}}. The counter is kept apart from the objects: deletes and
// events advance it past every live object's resourceVersion, and it must never go back.
std::string object_store::impl::snapshot() const {
  json::array items;
  for (const auto& [res, bucket] : objects)
    for (const auto& [key, obj] : bucket)
      items.push_back(json::object{{"group", res.group},
                                   {"version", res.version},
                                   {"resource", res.plural},
                                   {"object", obj}});
  return json::serialize(json::object{
    {"snapshot", json::object{{"resourceVersion", rv}, {"objects", std::move(items)}}}});
}

void object_store::impl::load_snapshot(const json::object& snap) {
  auto bad = [] { return record_log_error("store log snapshot does not decode"); };
  auto* counter = snap.if_contains("resourceVersion");
  auto* items = snap.if_contains("objects");
  if (!counter || !counter->is_number() || !items || !items->is_array() || rv != 0)
    throw bad();
  boost::system::error_code ec;
  auto version = counter->to_number<std::uint64_t>(ec);
  if (ec)
    throw bad();
  for (const auto& item : items->get_array()) {
    auto* e = item.if_object();
    auto* obj = e ? e->if_contains("object") : nullptr;
    if (!obj || !obj->is_object())
      throw bad();
    auto str = [&](std::string_view k) -> std::string {
      auto* v = e->if_contains(k);
      if (!v || !v->is_string())
        throw bad();
      return std::string{v->get_string()};
    };
    const auto& o = obj->get_object();
    auto object_rv = meta_string(o, "resourceVersion");
    if (meta_string(o, "name").empty() || object_rv.empty()
        || object_rv.find_first_not_of("0123456789") != std::string_view::npos
        || std::stoull(std::string{object_rv}) > version)
      throw bad();
    resource_id res{str("group"), str("version"), str("resource")};
    object_key key{std::string{meta_string(o, "namespace")}, std::string{meta_string(o, "name")}};
    by_uid[std::string{meta_string(o, "uid")}] = {res, key};
    objects[res][std::move(key)] = o;
  }
  rv = version;
  // The history before the snapshot is gone: a watch from an older resourceVersion gets
  // 410 Expired and re-lists, as from a compacted etcd.
  events.reset(version);
}

void object_store::impl::maybe_compact() {
  if (!disk || disk->size() < compaction_retry_at
      || !compaction_due(disk->size(), disk->base(), opts.compaction))
    return;
  try {
    disk->replace(snapshot(), opts.on_compaction_step);
    ++compactions;
    compaction_retry_at = 0;
  } catch (const record_log_error& e) {
    // The commit is on disk already and stands; try again after another floor of appends
    // rather than at every write.
    compaction_error = e.what();
    compaction_retry_at = disk->size() + opts.compaction.floor_bytes;
  }
}

} // namespace baorestore::devcluster
