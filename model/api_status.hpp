#pragma once
// metav1.Status: the body of every API error (and of some successful deletes).

#include <cstdint>
#include <string>
#include <vector>

namespace baorestore::model {

struct status_cause {
  std::string reason; // e.g. "FieldValueInvalid"
  std::string message;
  std::string field;
  bool operator==(const status_cause&) const = default;
};

struct status_details {
  std::string name;
  std::string group;
  std::string kind;
  std::string uid;
  std::vector<status_cause> causes;
  std::int32_t retry_after_seconds = 0;
  bool operator==(const status_details&) const = default;
};

struct api_status {
  std::string status; // "Success" or "Failure"
  std::string message;
  std::string reason; // e.g. "NotFound", "Conflict", "Invalid"
  std::int32_t code = 0;
  status_details details;
  bool operator==(const api_status&) const = default;
};

} // namespace baorestore::model
