#pragma once
// metav1.Condition, used in OpenBaoRestore and OpenBaoCluster status.

#include <cstdint>
#include <optional>
#include <string>

#include "model/time.hpp"

namespace baorestore::model {

struct condition {
  std::string type;
  std::string status; // "True", "False" or "Unknown"
  std::string reason;
  std::string message;
  std::int64_t observed_generation = 0;
  std::optional<timestamp> last_transition_time;
  bool operator==(const condition&) const = default;
};

} // namespace baorestore::model
