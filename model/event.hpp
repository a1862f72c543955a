#pragma once
// core/v1 Event as the restore controller records it (what client-go's EventRecorder
// writes): the object it is about, why (reason), what happened (message), Normal or
// Warning, and who reported it. Messages must never carry secret values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/object_meta.hpp"

namespace baorestore::model {

/// core/v1 ObjectReference, as an event's involvedObject.
struct object_reference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resource_version; // optional: "" is omitted
  bool operator==(const object_reference&) const = default;
};

/// core/v1 EventSource: the component that reported the event.
struct event_source {
  std::string component;
  bool operator==(const event_source&) const = default;
};

/// An event's type. The API server accepts only these two.
enum class event_type : std::uint8_t { normal, warning };

/// "Normal" or "Warning".
std::string_view to_string(event_type t);
/// The type named `text`; nullopt for anything else.
std::optional<event_type> parse_event_type(std::string_view text);

struct event {
  object_meta metadata; // name or generateName, namespace (the involved object's)
  object_reference involved_object;
  std::string reason;  // UpperCamelCase, e.g. "LockAcquired"
  std::string message;
  event_type type = event_type::normal; // an absent type decodes as Normal
  std::int32_t count = 0;
  std::optional<timestamp> first_timestamp;
  std::optional<timestamp> last_timestamp;
  event_source source;
  std::string reporting_component;
  std::string reporting_instance;
  std::string action; // optional: "" is omitted
  bool operator==(const event&) const = default;
};

} // namespace baorestore::model
