// What a lock actor tells its lock_counters (lock_counters.hpp), in one place so that the
// operation FIFO (lock_ops.cpp) only says when; every function is a no-op without counters.
#include "actors/cluster_lock/lock_steps.hpp"

#include "caf/all.hpp"

namespace baorestore::cluster_lock::detail {

namespace {

std::string cluster_name(lock_self self) {
  return self->state.key.namespace_ + "/" + self->state.key.name;
}

} // namespace

void count_acquire(lock_self self, const acquire_request& r, acquire_outcome outcome) {
  if (auto& c = self->state.config.counters)
    c->record_acquire(model::to_string(r.operation), outcome);
}

void count_wait(lock_self self, const waiter& w) {
  if (auto& c = self->state.config.counters)
    c->record_wait(model::to_string(w.request.operation), self->clock().now() - w.since);
}

void count_grant(lock_self self, const acquire_request& r) {
  if (auto& c = self->state.config.counters)
    c->hold_started(cluster_name(self), model::to_string(r.operation), r.holder,
                    self->clock().now());
}

void count_lock_seen(lock_self self) {
  auto& st = self->state;
  if (!st.config.counters)
    return;
  auto lock = st.lock();
  st.config.counters->lock_seen(cluster_name(self), lock ? lock->holder : std::string{},
                                self->clock().now());
}

} // namespace baorestore::cluster_lock::detail
