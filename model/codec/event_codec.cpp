// core/v1 Event: what the restore controller records about a restore.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace {

using namespace detail;

void fill(object_reader& r, object_reference& x) {
  r.read("apiVersion", x.api_version);
  r.read("kind", x.kind);
  r.read("name", x.name);
  r.read("namespace", x.namespace_);
  r.read("uid", x.uid);
  r.read("resourceVersion", x.resource_version);
}

void fill(object_reader& r, event& x) {
  check_type(r, "v1", "Event");
  r.object("metadata", presence::optional,
           [&](object_reader& m) { detail::fill(m, x.metadata); });
  r.object("involvedObject", presence::required,
           [&](object_reader& o) { fill(o, x.involved_object); });
  r.read("reason", x.reason);
  r.read("message", x.message);
  std::string type;
  r.read("type", type);
  if (type.empty())
    x.type = event_type::normal;
  else if (auto t = parse_event_type(type))
    x.type = *t;
  else
    r.error("type", "unsupported value \"" + type + "\": supported values: \"Normal\", "
                      "\"Warning\"");
  r.read("count", x.count);
  r.read("firstTimestamp", x.first_timestamp);
  r.read("lastTimestamp", x.last_timestamp);
  r.object("source", presence::optional,
           [&](object_reader& s) { s.read("component", x.source.component); });
  r.read("reportingComponent", x.reporting_component);
  r.read("reportingInstance", x.reporting_instance);
  r.read("action", x.action);
}

} // namespace

std::string_view to_string(event_type t) {
  switch (t) {
    case event_type::normal:
      return "Normal";
    case event_type::warning:
      return "Warning";
  }
  return "";
}

std::optional<event_type> parse_event_type(std::string_view text) {
  for (auto t : {event_type::normal, event_type::warning})
    if (to_string(t) == text)
      return t;
  return std::nullopt;
}

decoded<event> decode_event(std::string_view json, const decode_options& opts) {
  return decode_document<event>(json, opts, [](object_reader& r, event& x) { fill(r, x); });
}

boost::json::value encode(const event& x) {
  auto o = type_header("v1", "Event");
  o["metadata"] = encode(x.metadata);
  // involvedObject has no omitempty in Go: always written, its fields omitempty.
  boost::json::object ref;
  const auto& io = x.involved_object;
  put_string(ref, "apiVersion", io.api_version);
  put_string(ref, "kind", io.kind);
  put_string(ref, "name", io.name);
  put_string(ref, "namespace", io.namespace_);
  put_string(ref, "uid", io.uid);
  put_string(ref, "resourceVersion", io.resource_version);
  o["involvedObject"] = std::move(ref);
  put_string(o, "reason", x.reason);
  put_string(o, "message", x.message);
  o["type"] = std::string{to_string(x.type)};
  put_int(o, "count", x.count);
  put_time(o, "firstTimestamp", x.first_timestamp);
  put_time(o, "lastTimestamp", x.last_timestamp);
  boost::json::object source;
  put_string(source, "component", x.source.component);
  put_object(o, "source", std::move(source));
  // Neither has omitempty in Go: written even when empty, as client-go does.
  o["reportingComponent"] = x.reporting_component;
  o["reportingInstance"] = x.reporting_instance;
  put_string(o, "action", x.action);
  return o;
}

} // namespace baorestore::model
