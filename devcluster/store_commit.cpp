// The object store's commit path: resourceVersion assignment, the size cap, the log file
// record of each operation and its replay, and applying changes to memory.
#include "devcluster/detail/store_impl.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

std::optional<event_type> event_from(std::string_view s) {
  if (s == "ADDED")
    return event_type::added;
  if (s == "MODIFIED")
    return event_type::modified;
  if (s == "DELETED")
    return event_type::deleted;
  return std::nullopt;
}

store_error internal_error(std::string message) {
  store_error e;
  e.code = 500;
  e.reason = "InternalError";
  e.message = std::move(message);
  return e;
}

std::string key_ns(const json::object& obj) {
  return std::string{meta_string(obj, "namespace")};
}

} // namespace

result<std::vector<json::object>> object_store::impl::commit(std::vector<change> changes) {
  // Record payload: {"events":[{"type","group","version","resource","object"}, ...]}. One
  // record per operation, so that an operation is replayed whole or not at all.
  json::array events;
  auto next = rv;
  for (auto& c : changes) {
    metadata_of(c.object)["resourceVersion"] = std::to_string(++next);
    if (c.type != event_type::deleted
        && json::serialize(c.object).size() > opts.max_object_bytes)
      return too_large(opts.max_object_bytes);
    if (disk)
      events.push_back(json::object{{"type", to_string(c.type)},
                                    {"group", c.resource.group},
                                    {"version", c.resource.version},
                                    {"resource", c.resource.plural},
                                    {"object", c.object}});
  }
  if (disk) {
    try {
      disk->append(json::serialize(json::object{{"events", std::move(events)}}));
    } catch (const record_log_error& e) {
      return internal_error(e.what());
    }
  }
  std::vector<json::object> out;
  out.reserve(changes.size());
  for (auto& c : changes) {
    out.push_back(c.object);
    apply(std::move(c));
  }
  maybe_compact();
  return out;
}

void object_store::impl::apply(change c) {
  object_key key{key_ns(c.object), std::string{meta_string(c.object, "name")}};
  auto version = std::stoull(std::string{meta_string(c.object, "resourceVersion")});
  std::string uid{meta_string(c.object, "uid")};
  auto& bucket = objects[c.resource];
  if (c.type == event_type::deleted) {
    bucket.erase(key);
    by_uid.erase(uid);
  } else {
    bucket[key] = c.object;
    by_uid[uid] = {c.resource, key};
  }
  rv = version;
  events.append(watch_event{c.type, std::move(c.resource), std::move(key.ns), version,
                            std::move(c.object)});
}

bool object_store::impl::replay(const std::string& record, bool first) {
  // The checksum held, so a record that does not decode is a bug or tampering: refuse.
  auto bad = [] { return record_log_error("store log record does not decode"); };
  boost::system::error_code ec;
  auto doc = json::parse(record, ec);
  auto* top = doc.if_object();
  if (ec || !top)
    throw bad();
  if (auto* snap = top->if_contains("snapshot")) {
    // Only a compaction writes one, and only as the whole of a new log.
    if (!first || !snap->is_object())
      throw bad();
    load_snapshot(snap->get_object());
    return true;
  }
  auto* list = top->if_contains("events");
  if (!list || !list->is_array())
    throw bad();
  for (const auto& ev : list->get_array()) {
    auto* e = ev.if_object();
    if (!e)
      throw bad();
    auto str = [&](std::string_view k) -> std::string {
      auto* v = e->if_contains(k);
      if (!v || !v->is_string())
        throw bad();
      return std::string{v->get_string()};
    };
    auto type = event_from(str("type"));
    auto* obj = e->if_contains("object");
    if (!type || !obj || !obj->is_object())
      throw bad();
    auto version = meta_string(obj->get_object(), "resourceVersion");
    if (version.empty() || version.find_first_not_of("0123456789") != std::string_view::npos
        || std::stoull(std::string{version}) <= rv)
      throw bad();
    apply(change{*type, resource_id{str("group"), str("version"), str("resource")},
                 obj->get_object()});
  }
  return false;
}

} // namespace baorestore::devcluster
