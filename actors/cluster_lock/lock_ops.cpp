#include "actors/cluster_lock/lock_steps.hpp"

#include <optional>
#include <utility>
#include <vector>

#include "caf/all.hpp"

#include "actors/cluster_lock/decide.hpp"
#include "actors/cluster_lock/lock_patch.hpp"

namespace baorestore::cluster_lock::detail {

namespace {

gateway::object_ref<model::openbao_cluster> ref_of(const cluster_key& k) {
  return {k.namespace_, k.name};
}

lock_reply granted_on(lock_reply r, std::string version) {
  r.decided_on = std::move(version);
  return r;
}

bool is_transient(const caf::error& e) {
  using gateway::api_errc;
  return e == api_errc::transport || e == api_errc::server_error
         || e == api_errc::too_many_requests || e == caf::sec::request_timeout;
}

} // namespace

void decide_and_act(lock_self self);
void finish(lock_self self);

// -- the operation FIFO -------------------------------------------------------------------

// Runs queued operations until one waits for the gateway or a timer. Operations that finish
// at once (answers from the cached cluster) loop here instead of recursing.
void start_next(lock_self self) {
  auto& st = self->state;
  if (st.draining)
    return;
  st.draining = true;
  while (!st.running && !st.ops.empty()) {
    st.running = true;
    run(self);
  }
  st.draining = false;
  if (st.is_idle())
    arm_idle(self, st.config.idle_timeout);
}

void enqueue(lock_self self, pending_op op) {
  auto& st = self->state;
  op.seq = ++st.next_seq;
  // An acquire is never served to a requester that died meanwhile (on_dead_requester): its
  // death must reach us as a down message, also while it is not (yet) a waiter.
  if (op.kind == op_kind::acquire && op.requester) {
    watch(self, op.requester);
    op.watched = true;
  }
  st.ops.push_back(std::move(op));
  start_next(self);
}

// Puts a serve operation right behind the running one (waiters were there before anything
// still queued) when the owner of the lock changed and someone waits for it.
void schedule_serve(lock_self self) {
  auto& st = self->state;
  if (!st.lock_changed)
    return;
  st.lock_changed = false;
  if (st.waiters.empty())
    return;
  pending_op op;
  op.kind = op_kind::serve;
  op.seq = ++st.next_seq;
  st.ops.insert(st.running ? std::next(st.ops.begin()) : st.ops.begin(), std::move(op));
}

void finish(lock_self self) {
  auto& st = self->state;
  auto op = std::move(st.ops.front());
  st.ops.pop_front();
  st.running = false;
  if (op.served)
    unwatch(self, op.served->requester);
  if (op.watched)
    unwatch(self, caf::actor_cast<caf::actor_addr>(op.requester));
  note_activity(self);
  schedule_serve(self);
  start_next(self);
}

void reply(lock_self self, lock_reply r) {
  auto& op = self->state.ops.front();
  if (op.served)
    count_wait(self, *op.served);
  op.reply.deliver(std::move(r));
  finish(self);
}

void fail(lock_self self, caf::error e) {
  auto& st = self->state;
  auto& op = st.ops.front();
  if (op.kind == op_kind::query)
    op.status.deliver(std::move(e));
  else
    op.reply.deliver(std::move(e));
  if (op.served) {
    count_wait(self, *op.served);
    st.lock_changed = true; // this waiter is answered: let the next one try
  }
  finish(self);
}

// -- requesters that died ------------------------------------------------------------------

pending_stage stage_of(const pending_op& op) {
  if (op.writing)
    return pending_stage::writing;
  return op.write_may_have_landed ? pending_stage::write_unknown : pending_stage::deciding;
}

// The running acquire becomes the release of what it may have written: the lock is its
// holder's only if the write landed, and nobody is left to release it. After an unknown
// outcome the cluster is read first; after a write, the version written is the precondition.
void release_instead(lock_self self, bool read_first) {
  auto& st = self->state;
  auto& op = st.ops.front();
  op.kind = op_kind::release;
  op.release = release_request{st.key, op.acquire.operation, op.acquire.holder};
  op.conflicts = 0;
  op.failures = 0;
  op.write_may_have_landed = false;
  op.stale = op.stale || read_first;
  run(self);
}

// The running operation of a requester that died, at `stage`: true when it was dropped or
// turned into a release (see on_dead_requester), false when it goes on.
bool settle_dead_requester(lock_self self, pending_stage stage) {
  auto& st = self->state;
  auto& op = st.ops.front();
  if (!op.requester_gone)
    return false;
  switch (on_dead_requester(op.kind, stage)) {
    case dead_requester_action::carry_on:
      return false;
    case dead_requester_action::drop:
      if (op.served) {
        count_wait(self, *op.served);
        st.lock_changed = true; // the next waiter may have what this one would have had
      }
      finish(self);
      return true;
    case dead_requester_action::release_grant:
      release_instead(self, stage != pending_stage::written);
      return true;
  }
  return false;
}

// -- gateway round trips ------------------------------------------------------------------

bool is_current(lock_self self, std::uint64_t seq) {
  auto& st = self->state;
  return st.running && st.ops.front().seq == seq;
}

void on_failure(lock_self self, caf::error e) {
  auto& st = self->state;
  auto& op = st.ops.front();
  auto was_write = std::exchange(op.writing, false);
  if (e == gateway::api_errc::conflict) {
    // Someone else wrote the cluster since we read it: read it again and decide anew.
    if (++op.conflicts > st.config.max_conflicts)
      return fail(self, caf::make_error(lock_errc::gave_up));
    op.stale = true;
    return run(self);
  }
  if (e == gateway::api_errc::not_found) {
    // The cluster is gone, and with it the lock: nobody holds it and nobody will get it.
    st.cluster.reset();
    count_lock_seen(self);
    if (st.holder)
      tell_lost(self, std::nullopt);
    for (auto& w : st.waiters) {
      count_wait(self, w);
      w.promise.deliver(caf::make_error(lock_errc::cluster_not_found));
      unwatch(self, w.requester);
    }
    st.waiters.clear();
    return fail(self, caf::make_error(lock_errc::cluster_not_found));
  }
  if (is_transient(e)) {
    // A write whose answer was lost may still have been applied.
    if (was_write)
      op.write_may_have_landed = true;
    if (++op.failures >= st.config.retry_attempts) {
      if (settle_dead_requester(self, stage_of(op)))
        return;
      return fail(self, caf::make_error(lock_errc::gave_up));
    }
    auto delay = backoff_delay(op.failures, st.config.retry_base, st.config.retry_cap);
    self->delayed_send(handle_of(self), delay, retry_atom_v, op.seq);
    return;
  }
  fail(self, std::move(e)); // forbidden, invalid, ...: the requester's to handle
}

void read_cluster(lock_self self) {
  auto& st = self->state;
  auto seq = st.ops.front().seq;
  self
    ->request(st.config.gateway, st.config.request_timeout, caf::get_atom_v,
              gateway::get_request<model::openbao_cluster>{ref_of(st.key),
                                                           gateway::priority::high})
    .then(
      [=](model::openbao_cluster& c) {
        if (!is_current(self, seq))
          return;
        self->state.ops.front().stale = false;
        observe(self, std::move(c));
        decide_and_act(self);
      },
      [=](caf::error& e) {
        if (is_current(self, seq))
          on_failure(self, std::move(e));
      });
}

void on_written(lock_self self, model::openbao_cluster c);

void write_lock(lock_self self, std::string patch) {
  auto& st = self->state;
  auto seq = st.ops.front().seq;
  st.ops.front().decided_on = st.cluster->resource_version;
  st.ops.front().writing = true;
  gateway::patch_request<model::openbao_cluster> req{
    ref_of(st.key), std::move(patch), st.cluster->resource_version,
    gateway::priority::high};
  self
    ->request(st.config.gateway, st.config.request_timeout, gateway::patch_status_atom_v,
              std::move(req))
    .then(
      [=](model::openbao_cluster& c) {
        if (is_current(self, seq))
          on_written(self, std::move(c));
      },
      [=](caf::error& e) {
        if (is_current(self, seq))
          on_failure(self, std::move(e));
      });
}

void run(lock_self self) {
  auto& st = self->state;
  if (!st.cluster || st.ops.front().stale)
    return read_cluster(self);
  decide_and_act(self);
}

// -- decisions ----------------------------------------------------------------------------

acquire_input input_of(const acquire_request& r) {
  return {r.operation, r.holder, r.message, r.force};
}

void enqueue_waiter(lock_self self, pending_op& op) {
  auto& st = self->state;
  waiter w;
  w.id = ++st.next_waiter;
  w.request = op.acquire;
  w.promise = std::move(op.reply);
  w.requester = caf::actor_cast<caf::actor_addr>(op.requester);
  w.since = self->clock().now();
  w.deadline = w.since + op.acquire.wait;
  watch(self, op.requester);
  self->delayed_send(handle_of(self), op.acquire.wait, deadline_atom_v, w.id);
  st.waiters.push_back(std::move(w));
}

// A served waiter that turned out busy after all (a re-read after a conflict) goes back in
// the queue with its place and deadline, unless the deadline has passed meanwhile.
void requeue(lock_self self, pending_op& op) {
  auto& st = self->state;
  auto w = std::move(*op.served);
  op.served.reset();
  w.promise = std::move(op.reply);
  if (self->clock().now() >= w.deadline) {
    count_acquire(self, w.request, acquire_outcome::busy);
    count_wait(self, w);
    w.promise.deliver(reply_of(lock_outcome::busy, st.lock()));
    unwatch(self, w.requester);
    return;
  }
  st.waiters.push_back(std::move(w));
}

void on_busy(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  if (op.served)
    requeue(self, op);
  else if (op.acquire.wait > caf::timespan{0})
    enqueue_waiter(self, op);
  else {
    count_acquire(self, op.acquire, acquire_outcome::busy);
    op.reply.deliver(reply_of(lock_outcome::busy, st.lock()));
  }
  finish(self);
}

void act_on_acquire(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  auto d = decide_acquire(st.lock(), input_of(op.acquire), st.last_fence, wall_now(self));
  switch (d.verdict) {
    case acquire_verdict::grant:
      op.previous = d.previous;
      return write_lock(self, set_lock_patch(*d.next));
    case acquire_verdict::already_held:
      // Idempotent: nothing to write (DESIGN §4), but the asking actor is the one to tell
      // if the lock is lost later (a restarted restore adopting its lock).
      adopt_holder(self, op.acquire.holder, op.requester);
      if (op.served)
        st.lock_changed = true; // a waiter left: look at the others again
      count_acquire(self, op.acquire, acquire_outcome::granted);
      count_grant(self, op.acquire); // goes on; or, held since before this process, starts
      return reply(self, granted_on(reply_of(lock_outcome::granted, d.next),
                                    st.cluster->resource_version));
    case acquire_verdict::busy:
      return on_busy(self);
  }
}

// Picks the first waiter, in serving order, that can have the lock now. Only force makes a
// later waiter grantable before an earlier one; everyone else stays in order.
void act_on_serve(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  if (!op.served) {
    auto t = wall_now(self);
    std::vector<std::uint64_t> dead;
    std::optional<std::uint64_t> next;
    for (auto i : st.serving_order()) {
      auto& w = st.waiters[i];
      // Gone without a down message yet (no strong reference left): never served.
      if (w.requester && !caf::actor_cast<caf::strong_actor_ptr>(w.requester)) {
        dead.push_back(w.id);
        continue;
      }
      auto d = decide_acquire(st.lock(), input_of(w.request), st.last_fence, t);
      if (d.verdict != acquire_verdict::busy) {
        next = w.id;
        break;
      }
    }
    for (auto id : dead)
      if (auto w = st.take_waiter(id)) {
        count_wait(self, *w);
        unwatch(self, w->requester);
      }
    if (next)
      op.served = st.take_waiter(*next);
    if (!op.served)
      return finish(self);
    op.acquire = op.served->request;
    op.reply = std::move(op.served->promise);
    op.requester = caf::actor_cast<caf::strong_actor_ptr>(op.served->requester);
  }
  act_on_acquire(self);
}

void act_on_release(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  switch (decide_release(st.lock(), op.release.operation, op.release.holder)) {
    case release_verdict::release:
      return write_lock(self, clear_lock_patch());
    case release_verdict::already_free:
      return reply(self, reply_of(lock_outcome::released, std::nullopt));
    case release_verdict::not_holder:
      return reply(self, reply_of(lock_outcome::not_holder, st.lock()));
  }
}

void act_on_renew(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  auto d = decide_renew(st.lock(), op.renew.holder, wall_now(self));
  if (!d.held)
    return reply(self, reply_of(lock_outcome::not_holder, st.lock()));
  write_lock(self, set_lock_patch(*d.next));
}

void decide_and_act(lock_self self) {
  auto& st = self->state;
  auto& op = st.ops.front();
  if (settle_dead_requester(self, stage_of(op)))
    return;
  switch (op.kind) {
    case op_kind::acquire:
      return act_on_acquire(self);
    case op_kind::serve:
      return act_on_serve(self);
    case op_kind::release:
      return act_on_release(self);
    case op_kind::renew:
      return act_on_renew(self);
    case op_kind::refresh:
      return finish(self); // reading was the point: observe() told a holder that lost
    case op_kind::query:
      op.status.deliver(lock_status{st.lock(), st.cluster->resource_version,
                                    static_cast<std::uint64_t>(st.waiters.size())});
      return finish(self);
  }
}

void on_written(lock_self self, model::openbao_cluster c) {
  auto& st = self->state;
  auto& op = st.ops.front();
  op.writing = false;
  // Released on purpose by an actor that holds it: not a loss for that one. Any other actor
  // holding under the same name (a newer incarnation of the holder, overtaken by a late
  // release of an older one) has lost it, and observe() tells it so.
  if (op.kind == op_kind::release)
    release_by_holder(self, op.release.holder, op.requester);
  // A forced takeover replaces the in-process holder here, which tells it the lock is lost.
  observe(self, std::move(c));
  // Granted to a requester that died meanwhile: released again at once.
  if (settle_dead_requester(self, pending_stage::written))
    return;
  switch (op.kind) {
    case op_kind::acquire:
    case op_kind::serve: {
      adopt_holder(self, op.acquire.holder, op.requester);
      count_acquire(self, op.acquire,
                    op.previous ? acquire_outcome::forced : acquire_outcome::granted);
      count_grant(self, op.acquire);
      return reply(self, granted_on(reply_of(lock_outcome::granted, st.lock(), op.previous),
                                    op.decided_on));
    }
    case op_kind::release:
      return reply(self, reply_of(lock_outcome::released, std::nullopt));
    case op_kind::renew:
      return reply(self, granted_on(reply_of(lock_outcome::granted, st.lock()), op.decided_on));
    case op_kind::query:
    case op_kind::refresh:
      break; // they never write
  }
  finish(self);
}

} // namespace baorestore::cluster_lock::detail
