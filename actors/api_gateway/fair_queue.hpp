#pragma once
// The gateway's request queue: high priority before normal, and within a priority level
// round-robin across tenants (namespaces; "" is cluster-scoped), so one namespace with a
// thousand queued polls delays another namespace's request by at most one pop.

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/api_gateway/api_errc.hpp"

namespace baorestore::gateway {

/// Not thread-safe: one owner (the gateway actor) pushes and pops.
template <class Item>
class fair_queue {
public:
  void push(std::string tenant, priority prio, Item item) {
    auto& lv = level_of(prio);
    auto it = lv.fifos.find(tenant);
    if (it == lv.fifos.end()) {
      // A tenant without queued items (new, or emptied before) joins at the back.
      lv.rotation.push_back(tenant);
      it = lv.fifos.emplace(std::move(tenant), std::deque<Item>{}).first;
    }
    it->second.push_back(std::move(item));
    ++size_;
  }

  /// The next item to serve: the front of the first tenant in the high rotation, else in
  /// the normal one; that tenant then goes to the back of its rotation (or leaves it when
  /// it has no more items at that level).
  std::optional<Item> pop() {
    for (auto& lv : levels_)
      if (!lv.rotation.empty())
        return pop_from(lv);
    return std::nullopt;
  }

  std::size_t size() const { return size_; }

  bool empty() const { return size_ == 0; }

  /// Items queued for `tenant` at both levels.
  std::size_t depth(std::string_view tenant) const {
    std::size_t n = 0;
    for (auto& lv : levels_)
      if (auto it = lv.fifos.find(tenant); it != lv.fifos.end())
        n += it->second.size();
    return n;
  }

  /// Items queued per tenant with any, by tenant name.
  std::vector<std::pair<std::string, std::size_t>> depths() const {
    std::map<std::string, std::size_t, std::less<>> sum;
    for (auto& lv : levels_)
      for (auto& [tenant, fifo] : lv.fifos)
        sum[tenant] += fifo.size();
    return {sum.begin(), sum.end()};
  }

private:
  struct level {
    std::map<std::string, std::deque<Item>, std::less<>> fifos; // only non-empty ones
    std::deque<std::string> rotation; // tenants in `fifos`, next to serve first
  };

  level& level_of(priority prio) { return levels_[prio == priority::high ? 0 : 1]; }

  Item pop_from(level& lv) {
    auto tenant = std::move(lv.rotation.front());
    lv.rotation.pop_front();
    auto it = lv.fifos.find(tenant);
    Item item = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty())
      lv.fifos.erase(it);
    else
      lv.rotation.push_back(std::move(tenant));
    --size_;
    return item;
  }

  std::array<level, 2> levels_; // [0] high, [1] normal
  std::size_t size_ = 0;
};

} // namespace baorestore::gateway
