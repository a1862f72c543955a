#pragma once
// coordination.k8s.io/v1 Lease: the leader election record. Whoever holds it (holderIdentity)
// renews renewTime more often than leaseDurationSeconds; others may take it over once
// renewTime + leaseDurationSeconds has passed. The resourceVersion of every write is the
// guard against two writers taking it at once.

#include <cstdint>
#include <optional>
#include <string>

#include "model/object_meta.hpp"
#include "model/time.hpp"

namespace baorestore::model {

struct lease_spec {
  std::string holder_identity; // "" (omitted): nobody holds it
  std::optional<std::int32_t> lease_duration_seconds;
  std::optional<micro_timestamp> acquire_time;
  std::optional<micro_timestamp> renew_time;
  std::optional<std::int32_t> lease_transitions;
  bool operator==(const lease_spec&) const = default;
};

struct lease {
  object_meta metadata;
  lease_spec spec;
  bool operator==(const lease&) const = default;
};

} // namespace baorestore::model
