#include "devcluster/api/watch_stream.hpp"

#include <boost/json.hpp>

#include "devcluster/api/responses.hpp"

namespace baorestore::devcluster::api {

namespace json = boost::json;
using clock = std::chrono::steady_clock;

watch_source::watch_source(const object_store& store, watch_request req)
  : store_(store), req_(std::move(req)), last_rv_(req_.from_rv) {
  auto now = clock::now();
  deadline_ = req_.timeout.count() > 0 ? now + req_.timeout : clock::time_point::max();
  next_bookmark_ = now + req_.bookmark_every;
  for (const auto& obj : req_.initial)
    pending_.push_back(encode("ADDED", obj));
  req_.initial.clear();
}

std::string watch_source::encode(std::string_view type, const json::object& obj) const {
  json::object ev{{"type", type}};
  if (req_.table && type != "ERROR" && type != "BOOKMARK") {
    table_options opts;
    opts.include = req_.include;
    opts.now = req_.clock ? req_.clock() : model::timestamp{};
    auto rv = obj.if_contains("metadata");
    if (rv && rv->is_object())
      if (auto* r = rv->as_object().if_contains("resourceVersion"); r && r->is_string())
        opts.resource_version = r->get_string();
    ev["object"] = to_table(req_.resource, {obj}, opts);
  } else {
    ev["object"] = obj;
  }
  return json::serialize(ev) + "\n";
}

void watch_source::poll() {
  auto events = store_.events_since(req_.resource.def.id, req_.ns, last_rv_);
  if (!events) {
    // Too old (410) or the resource went away: tell the client, then end the stream.
    pending_.push_back(encode("ERROR", status_object(events.error())));
    ending_ = true;
    return;
  }
  for (auto& ev : *events) {
    last_rv_ = ev.resource_version;
    if (!matches_labels(req_.labels, ev.object) || !matches_fields(req_.fields, ev.object))
      continue;
    pending_.push_back(encode(to_string(ev.type), ev.object));
  }
}

std::optional<std::string> watch_source::next() {
  if (pending_.empty() && !ending_) {
    if (clock::now() >= deadline_)
      return std::nullopt;
    poll();
  }
  if (!pending_.empty()) {
    auto out = std::move(pending_.front());
    pending_.pop_front();
    return out;
  }
  if (ending_)
    return std::nullopt;
  if (req_.bookmarks && clock::now() >= next_bookmark_) {
    next_bookmark_ = clock::now() + req_.bookmark_every;
    json::object obj{{"kind", req_.resource.def.kind},
                     {"apiVersion", api_version(req_.resource.def.id)},
                     {"metadata", json::object{{"resourceVersion", std::to_string(last_rv_)}}}};
    return encode("BOOKMARK", obj);
  }
  return std::string{};
}

} // namespace baorestore::devcluster::api
