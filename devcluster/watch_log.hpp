#pragma once
// The store's change history for watches: a bounded ring of committed events in
// resourceVersion order. A watch from resourceVersion R gets every event after R, or 410
// Expired when events after R have already left the ring, so that a client re-lists
// instead of silently missing changes (what the API server's watch cache does).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "devcluster/resource.hpp"
#include "devcluster/store_error.hpp"

namespace baorestore::devcluster {

enum class event_type { added, modified, deleted };

/// "ADDED", "MODIFIED", "DELETED" as watch streams spell them.
std::string_view to_string(event_type t);

struct watch_event {
  event_type type = event_type::added;
  resource_id resource;
  std::string ns;
  std::uint64_t resource_version = 0;
  boost::json::object object; // the object after the change; for DELETED its last state
};

class watch_log {
public:
  explicit watch_log(std::size_t capacity);

  /// Events must come in strictly increasing resourceVersion order.
  void append(watch_event ev);

  /// Forgets every event: a store loaded from a snapshot at `horizon` has no history, and a
  /// watch from before it must get 410 Expired.
  void reset(std::uint64_t horizon);

  /// The events of `res` (in namespace `ns`, or all when empty) after `after`; 410 Expired
  /// when some event after `after` was dropped from the ring.
  result<std::vector<watch_event>> since(const resource_id& res, std::string_view ns,
                                         std::uint64_t after) const;

  /// Events at or below this resourceVersion may be missing; above it, none are.
  std::uint64_t horizon() const noexcept { return horizon_; }
  std::size_t size() const noexcept { return ring_.size(); }

private:
  std::size_t capacity_;
  std::deque<watch_event> ring_;
  std::uint64_t horizon_ = 0;
};

} // namespace baorestore::devcluster
