#include "actors/cluster_lock/lock_actor.hpp"

#include <type_traits>
#include <utility>

#include "caf/all.hpp"

#include "actors/cluster_lock/lock_steps.hpp"

namespace baorestore::cluster_lock {

using namespace detail;

namespace {

// -- the behaviour ------------------------------------------------------------------------

// Every message the registry routes here, answered or not, counts for its idle check.
void note_routed(lock_self self) {
  ++self->state.received;
  note_activity(self);
}

template <class Promise>
Promise accept(lock_self self, pending_op op) {
  op.requester = self->current_sender();
  Promise promise;
  if constexpr (std::is_same_v<Promise, status_promise>) {
    promise = self->make_response_promise<lock_status>();
    op.status = promise;
  } else {
    promise = self->make_response_promise<lock_reply>();
    op.reply = promise;
  }
  enqueue(self, std::move(op));
  return promise;
}

lock_actor_impl::behavior_type lock_actor(lock_self self, lock_actor_args args) {
  auto& st = self->state;
  st.key = std::move(args.key);
  st.config = std::move(args.config);
  st.clock = args.clock;
  st.registry = std::move(args.registry);
  st.last_fence = args.last_fence;
  st.idle_since = self->clock().now();
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  // Taking over from a crashed lock actor: its in-process holder's actors, those still alive,
  // are ours to tell about a loss. Read the cluster at once: the crashed actor may have died
  // with a release or a takeover written but not yet seen.
  if (args.holder) {
    for (auto& a : args.holder->actors)
      if (auto who = caf::actor_cast<caf::strong_actor_ptr>(a))
        adopt_holder(self, args.holder->holder, who);
    if (st.holder) {
      pending_op refresh;
      refresh.kind = op_kind::refresh;
      enqueue(self, std::move(refresh));
    }
  }
  return {
    [=](acquire_request& r) -> caf::result<lock_reply> {
      note_routed(self);
      if (r.holder.empty())
        return caf::make_error(lock_errc::invalid_request);
      // Nothing read yet and nothing in flight: the requester's view of a free lock saves
      // the read (its version is the grant's precondition, so a stale one only costs a 409).
      if (!self->state.cluster && self->state.ops.empty() && !r.seen_free_at.empty())
        assume_free_at(self, r.seen_free_at);
      pending_op op;
      op.kind = op_kind::acquire;
      op.acquire = std::move(r);
      return accept<reply_promise>(self, std::move(op));
    },
    [=](release_request& r) -> caf::result<lock_reply> {
      note_routed(self);
      pending_op op;
      op.kind = op_kind::release;
      op.release = std::move(r);
      return accept<reply_promise>(self, std::move(op));
    },
    [=](renew_request& r) -> caf::result<lock_reply> {
      note_routed(self);
      pending_op op;
      op.kind = op_kind::renew;
      op.renew = std::move(r);
      return accept<reply_promise>(self, std::move(op));
    },
    [=](query_request&) -> caf::result<lock_status> {
      note_routed(self);
      pending_op op;
      op.kind = op_kind::query;
      return accept<status_promise>(self, std::move(op));
    },
    [=](cluster_observed& o) {
      note_routed(self);
      observe(self, std::move(o.cluster));
      if (!self->state.running) {
        schedule_serve(self);
        start_next(self);
      }
    },
    [=](retry_atom, std::uint64_t seq) {
      if (is_current(self, seq))
        run(self);
    },
    [=](deadline_atom, std::uint64_t id) {
      if (auto w = self->state.take_waiter(id)) {
        count_acquire(self, w->request, acquire_outcome::busy);
        count_wait(self, *w);
        w->promise.deliver(reply_of(lock_outcome::busy, self->state.lock()));
        unwatch(self, w->requester);
        if (self->state.is_idle())
          arm_idle(self, self->state.config.idle_timeout);
      }
    },
    [=](idle_atom) { on_idle_timer(self); },
    [=](stop_atom) { self->quit(); },
  };
}

} // namespace

lock_actor_impl spawn_lock_actor(caf::actor_system& sys, lock_actor_args args) {
  return sys.spawn(lock_actor, std::move(args));
}

} // namespace baorestore::cluster_lock
