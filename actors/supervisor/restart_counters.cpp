#include "actors/supervisor/restart_counters.hpp"

namespace baorestore::supervision {

std::string child_kind(std::string_view id) {
  return std::string{id.substr(0, id.find('/'))};
}

void restart_counters::record_restart(std::string_view id) {
  auto kind = child_kind(id);
  std::lock_guard guard{mtx_};
  ++by_kind_[kind];
}

std::map<std::string, std::uint64_t> restart_counters::snapshot() const {
  std::lock_guard guard{mtx_};
  return by_kind_;
}

} // namespace baorestore::supervision
