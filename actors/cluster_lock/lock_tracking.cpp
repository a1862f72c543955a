#include "actors/cluster_lock/lock_steps.hpp"

#include <algorithm>

#include "caf/all.hpp"

namespace baorestore::cluster_lock::detail {

namespace {

bool same_owner(const current_lock& a, const current_lock& b) {
  if (!a || !b)
    return !a && !b;
  return a->holder == b->holder && a->operation == b->operation;
}

} // namespace

// -- shared helpers ------------------------------------------------------------------------

model::timestamp wall_now(lock_self self) {
  return self->state.clock.at(self->clock().now());
}

lock_actor_impl handle_of(lock_self self) {
  return caf::actor_cast<lock_actor_impl>(self);
}

lock_reply reply_of(lock_outcome outcome, const current_lock& current,
                    const current_lock& previous) {
  lock_reply r;
  r.outcome = outcome;
  r.current = current;
  r.previous = previous;
  if (outcome == lock_outcome::granted && current)
    r.fence = current->fence.value_or(0);
  return r;
}

// -- monitoring: waiters and the in-process holder ----------------------------------------

// One monitor per actor however many waiters or holdings it has: CAF's demonitor removes all
// monitors to an actor at once, and a monitor per request would pile up on long-lived
// requesters (a backup service acquiring every few minutes).
void watch(lock_self self, const caf::strong_actor_ptr& who) {
  if (!who)
    return;
  if (self->state.watched[caf::actor_cast<caf::actor_addr>(who)]++ == 0)
    self->monitor(who);
}

void unwatch(lock_self self, const caf::actor_addr& who) {
  auto& watched = self->state.watched;
  auto i = watched.find(who);
  if (i == watched.end())
    return;
  if (--i->second == 0) {
    self->demonitor(who);
    watched.erase(i);
  }
}

namespace {

// The registry keeps a copy of the in-process holder, so that a replacement for a crashed
// lock actor still knows whom to tell about a loss.
void report_holder(lock_self self) {
  auto& st = self->state;
  auto registry = caf::actor_cast<lock_registry_impl>(st.registry);
  if (!registry)
    return;
  if (st.holder)
    self->send(registry, holder_atom_v, st.key, st.holder->holder, st.holder->actors,
               st.last_fence);
  else
    self->send(registry, holder_atom_v, st.key, std::string{},
               std::vector<caf::actor_addr>{}, st.last_fence);
}

void drop_holder(lock_self self) {
  auto& st = self->state;
  for (auto& a : st.holder->actors)
    unwatch(self, a);
  st.holder.reset();
}

} // namespace

void forget_holder(lock_self self) {
  if (!self->state.holder)
    return;
  drop_holder(self);
  report_holder(self);
}

void adopt_holder(lock_self self, const std::string& holder,
                  const caf::strong_actor_ptr& who) {
  auto& st = self->state;
  auto addr = caf::actor_cast<caf::actor_addr>(who);
  if (st.holder && st.holder->holder == holder) {
    auto& actors = st.holder->actors;
    if (!who || std::find(actors.begin(), actors.end(), addr) != actors.end())
      return;
    actors.push_back(addr);
  } else {
    if (!who && !st.holder)
      return;
    if (st.holder)
      drop_holder(self);
    if (who)
      st.holder = in_process_holder{holder, {addr}};
  }
  if (who)
    watch(self, who);
  report_holder(self);
}

bool release_by_holder(lock_self self, const std::string& holder,
                       const caf::strong_actor_ptr& who) {
  auto& st = self->state;
  if (!st.holder || st.holder->holder != holder)
    return false;
  auto& actors = st.holder->actors;
  auto i = std::find(actors.begin(), actors.end(), caf::actor_cast<caf::actor_addr>(who));
  if (i == actors.end())
    return false;
  unwatch(self, *i);
  actors.erase(i);
  if (actors.empty())
    st.holder.reset();
  report_holder(self);
  return true;
}

void tell_lost(lock_self self, const current_lock& now) {
  auto& st = self->state;
  // The holder's actors are dynamically typed (any actor may acquire): anon_send, because a
  // typed actor may only send() to typed ones.
  for (auto& a : st.holder->actors)
    if (auto who = caf::actor_cast<caf::actor>(a))
      caf::anon_send(who, lock_lost{st.key, st.holder->holder, now});
  forget_holder(self);
}

// Takes in a version of the cluster (read, written, or handed in from a watch). Older
// versions are ignored; a change of owner marks the waiters for re-evaluation, and an
// in-process holder that no longer holds is told so.
void observe(lock_self self, model::openbao_cluster c) {
  auto& st = self->state;
  if (st.cluster
      && !is_newer_version(c.metadata.resource_version, st.cluster->resource_version))
    return;
  auto first_read = !st.cluster;
  auto before = st.lock();
  st.cluster = cached_cluster{std::move(c.metadata.resource_version), std::move(c.status.lock)};
  auto after = st.lock();
  if (after && after->fence)
    st.last_fence = std::max(st.last_fence, *after->fence);
  if (!same_owner(before, after))
    st.lock_changed = true;
  // A new actor of the cluster reports too: a hold granted by its predecessor may be over.
  if (first_read || !same_owner(before, after))
    count_lock_seen(self);
  if (st.holder && (!after || after->holder != st.holder->holder))
    tell_lost(self, after);
}

void assume_free_at(lock_self self, std::string version) {
  self->state.cluster = cached_cluster{std::move(version), std::nullopt};
}

// -- idleness -----------------------------------------------------------------------------

// One timer at most: it checks how long the actor has really been idle when it fires and
// re-arms for the rest, so a busy actor does not pile up a timer per request.
void arm_idle(lock_self self, caf::timespan after) {
  auto& st = self->state;
  if (!st.registry || st.idle_timer || !st.is_idle())
    return;
  st.idle_timer = true;
  self->delayed_send(handle_of(self), after, idle_atom_v);
}

void on_idle_timer(lock_self self) {
  auto& st = self->state;
  st.idle_timer = false;
  if (!st.is_idle())
    return; // armed again when it next becomes idle
  auto idle_for = self->clock().now() - st.idle_since;
  if (idle_for < st.config.idle_timeout)
    return arm_idle(self, st.config.idle_timeout - idle_for);
  if (auto registry = caf::actor_cast<lock_registry_impl>(st.registry))
    self->send(registry, idle_atom_v, st.key, st.received, st.last_fence);
}

void note_activity(lock_self self) {
  self->state.idle_since = self->clock().now();
}

namespace {

// Operations of a requester that died: queued ones are dropped or kept as on_dead_requester
// says (a release still frees what it was asked to free); the running one is marked, and
// settled where it next decides or hears from the API server (lock_ops.cpp).
void forget_requests_of(lock_self self, const caf::actor_addr& dead) {
  auto& st = self->state;
  auto of_dead = [&](const pending_op& op) {
    return op.requester && caf::actor_cast<caf::actor_addr>(op.requester) == dead;
  };
  auto i = st.ops.begin();
  if (st.running && i != st.ops.end()) {
    if (of_dead(*i))
      i->requester_gone = true;
    ++i;
  }
  while (i != st.ops.end()) {
    if (of_dead(*i)
        && on_dead_requester(i->kind, pending_stage::queued) == dead_requester_action::drop)
      i = st.ops.erase(i); // its monitor went with the down message
    else
      ++i;
  }
}

} // namespace

void on_down(lock_self self, const caf::down_msg& dm) {
  auto& st = self->state;
  st.watched.erase(dm.source); // CAF removed the monitor with the message
  // A dead waiter would never read its answer, and would keep the lock from the next one.
  st.waiters.erase(std::remove_if(st.waiters.begin(), st.waiters.end(),
                                  [&](const waiter& w) {
                                    return w.requester == dm.source;
                                  }),
                   st.waiters.end());
  forget_requests_of(self, dm.source);
  // A dead holder keeps its lock (its restarted actor resumes with it) but nobody is left
  // to tell about a loss.
  if (st.holder) {
    auto& actors = st.holder->actors;
    auto i = std::find(actors.begin(), actors.end(), dm.source);
    if (i != actors.end()) {
      actors.erase(i);
      if (actors.empty())
        st.holder.reset();
      report_holder(self);
    }
  }
  if (st.is_idle())
    arm_idle(self, st.config.idle_timeout);
}

} // namespace baorestore::cluster_lock::detail
