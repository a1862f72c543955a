#include "actors/cluster_lock/lock_state.hpp"

#include <algorithm>
#include <numeric>

#include "caf/all.hpp"

namespace baorestore::cluster_lock::detail {

// CAF 0.17 sends nothing for a response promise that is dropped undelivered, so a lock actor
// that is killed (or crashes) while requests are pending would leave their senders waiting
// forever. The state dies with the actor: answer everything still open, as CAF itself does for
// requests that were still in the mailbox.
lock_state::~lock_state() {
  auto gone = caf::make_error(caf::sec::request_receiver_down);
  for (auto& op : ops) {
    if (op.kind == op_kind::query)
      op.status.deliver(gone);
    else
      op.reply.deliver(gone);
  }
  for (auto& w : waiters)
    w.promise.deliver(gone);
}

std::vector<std::size_t> lock_state::serving_order() const {
  std::vector<std::size_t> order(waiters.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
    return serves_before({waiters[a].request.operation, waiters[a].id},
                         {waiters[b].request.operation, waiters[b].id});
  });
  return order;
}

std::optional<waiter> lock_state::take_waiter(std::uint64_t id) {
  auto i = std::find_if(waiters.begin(), waiters.end(),
                        [id](const waiter& w) { return w.id == id; });
  if (i == waiters.end())
    return std::nullopt;
  auto w = std::move(*i);
  waiters.erase(i);
  return w;
}

} // namespace baorestore::cluster_lock::detail
