#include "lock_service/registry_bridge.hpp"

#include "caf/all.hpp"

#include "lock_service/hold_expiry.hpp"

namespace baorestore::lock_service {

namespace {

// One forwarded call and where its answer goes (local only: never serialized).
struct forwarded {
  lock_call call;
  answer_function done;
};

} // namespace
} // namespace baorestore::lock_service

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::lock_service::forwarded)

namespace baorestore::lock_service {

namespace {

using namespace cluster_lock;

cluster_key key_of(const lock_call& c) {
  return cluster_key{c.namespace_, c.name};
}

// CAF 0.17 deduces the reply type from the handler's signature: no generic lambdas.
template <class Reply, class Request>
void ask(caf::event_based_actor* self, const lock_registry_actor& registry,
         caf::timespan timeout, Request req, answer_function done) {
  self->request(registry, timeout, std::move(req))
    .then([done](const Reply& reply) { done(to_answer(reply)); },
          [done](const caf::error& err) { done(to_answer(err)); });
}

using expire_atom = caf::atom_constant<caf::atom("lsexpire")>;
using adopt_atom = caf::atom_constant<caf::atom("lsadopt")>;

struct bridge_state {
  static inline const char* name = "lock_service_bridge";
  lock_registry_actor registry;
  caf::timespan slack{0};
  hold_options options;
  hold_expiry holds{std::chrono::milliseconds{0}};
  bool timer_armed = false;
};

using bridge_ptr = caf::stateful_actor<bridge_state>*;

hold_key hold_of(const lock_call& c) {
  return hold_key{c.namespace_, c.name, c.holder};
}

std::chrono::steady_clock::time_point now_of(bridge_ptr self) {
  // The actor clock: simulated under the deterministic test coordinator.
  return std::chrono::steady_clock::time_point{self->clock().now().time_since_epoch()};
}

/// Checks for expired holds every quarter timeout while any is recorded (no timer otherwise,
/// so an idle bridge schedules nothing).
void arm_expiry(bridge_ptr self) {
  auto& st = self->state;
  if (st.timer_armed || st.holds.size() == 0)
    return;
  st.timer_armed = true;
  self->delayed_send(self, st.holds.timeout() / 4, expire_atom::value);
}

/// Keeps the hold table in step with what the registry answered to a forwarded call.
void track(bridge_ptr self, const lock_call& c, const registry_answer& a) {
  auto& st = self->state;
  if (!st.holds.enabled())
    return;
  using k = registry_answer::kind;
  switch (c.kind) {
    case call_kind::acquire:
      if (a.what == k::granted)
        st.holds.granted(hold_of(c), c.operation.value_or(model::cluster_operation::backup),
                         now_of(self));
      break;
    case call_kind::renew:
      if (a.what == k::granted)
        st.holds.granted(hold_of(c), a.lock ? a.lock->operation : model::cluster_operation::backup,
                         now_of(self));
      else if (a.what == k::not_holder)
        st.holds.ended(hold_of(c));
      break;
    case call_kind::release:
      if (a.what == k::released || a.what == k::not_holder)
        st.holds.ended(hold_of(c));
      break;
    case call_kind::query:
      break;
  }
  arm_expiry(self);
}

/// Releases, under their holder's name, the holds nobody renewed in time.
void expire(bridge_ptr self) {
  auto& st = self->state;
  st.timer_armed = false;
  for (auto& e : st.holds.take_expired(now_of(self))) {
    auto what = e.key.holder + " on " + e.key.namespace_ + "/" + e.key.name;
    self->request(st.registry, st.slack,
                  release_request{{e.key.namespace_, e.key.name}, e.operation,
                                  stored_holder(e.key.holder)})
      .then(
        [self, what](const lock_reply& r) {
          if (self->state.options.log)
            self->state.options.log("hold of " + what
                                    + " expired (not renewed in time): "
                                    + (r.outcome == lock_outcome::released
                                         ? "released"
                                         : "no longer held by it, left alone"));
        },
        [self, what](const caf::error& err) {
          if (self->state.options.log)
            self->state.options.log("hold of " + what
                                    + " expired but its release failed: " + to_string(err));
        });
  }
  arm_expiry(self);
}

/// Adopts the service's locks that the clusters of `ns` hold (a restart or a failover
/// forgot when they were last renewed): each gets a full timeout from now.
void adopt_holds(bridge_ptr self, const std::string& ns) {
  auto& st = self->state;
  self
    ->request(st.options.gateway, caf::infinite, gateway::list_atom_v,
              gateway::list_request<model::openbao_cluster>{ns, "", gateway::priority::high})
    .then(
      [self](model::object_list<model::openbao_cluster>& clusters) {
        auto& st = self->state;
        std::size_t adopted = 0;
        for (const auto& c : clusters.items) {
          const auto& lock = c.status.lock;
          if (!lock || !is_service_holder(lock->holder))
            continue;
          st.holds.granted(hold_key{c.metadata.namespace_, c.metadata.name,
                                    client_holder(lock->holder)},
                           lock->operation, now_of(self));
          ++adopted;
        }
        if (adopted > 0 && st.options.log)
          st.options.log("adopted " + std::to_string(adopted)
                         + " lock(s) taken through the service before this leader: they are "
                           "released unless renewed in time");
        arm_expiry(self);
      },
      [self, ns](const caf::error& err) {
        auto& st = self->state;
        if (st.options.log)
          st.options.log("cannot list clusters to adopt the service's locks: " + to_string(err)
                         + "; again later");
        self->delayed_send(self, st.options.relist, adopt_atom::value, ns);
      });
}

caf::behavior bridge(bridge_ptr self, lock_registry_actor registry, caf::timespan slack,
                     hold_options options) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.slack = slack;
  st.holds = hold_expiry{options.timeout};
  st.options = std::move(options);
  if (st.holds.enabled() && st.options.gateway) {
    auto scopes = st.options.namespaces;
    if (scopes.empty())
      scopes.emplace_back(); // all namespaces
    for (const auto& ns : scopes)
      adopt_holds(self, ns);
  }
  // The registry tells acquirers when they lose a lock (lock_lost); HTTP clients learn it
  // at their next renew, so such messages are dropped here.
  self->set_default_handler(caf::drop);
  return {
    [self](const forwarded& f) {
      const auto& c = f.call;
      auto& st = self->state;
      answer_function done = [self, c, up = f.done](registry_answer a) {
        track(self, c, a);
        up(std::move(a));
      };
      switch (c.kind) {
        case call_kind::query:
          return ask<lock_status>(self, st.registry, st.slack, query_request{key_of(c)}, done);
        case call_kind::acquire: {
          acquire_request req;
          req.cluster = key_of(c);
          req.operation = c.operation.value_or(model::cluster_operation::backup);
          req.holder = stored_holder(c.holder);
          req.message = c.message;
          req.wait = std::chrono::seconds{c.wait_seconds};
          return ask<lock_reply>(self, st.registry, req.wait + st.slack, req, done);
        }
        case call_kind::release:
          return ask<lock_reply>(self, st.registry, st.slack,
                                 release_request{key_of(c),
                                                 c.operation.value_or(
                                                   model::cluster_operation::backup),
                                                 stored_holder(c.holder)},
                                 done);
        case call_kind::renew:
          return ask<lock_reply>(self, st.registry, st.slack,
                                 renew_request{key_of(c), stored_holder(c.holder)}, done);
      }
    },
    [self](expire_atom) { expire(self); },
    [self](adopt_atom, const std::string& ns) { adopt_holds(self, ns); },
  };
}

} // namespace

registry_answer to_answer(const lock_reply& reply) {
  registry_answer a;
  switch (reply.outcome) {
    case lock_outcome::granted:
      a.what = registry_answer::kind::granted;
      break;
    case lock_outcome::busy:
      a.what = registry_answer::kind::busy;
      break;
    case lock_outcome::released:
      a.what = registry_answer::kind::released;
      break;
    case lock_outcome::not_holder:
      a.what = registry_answer::kind::not_holder;
      break;
  }
  a.fence = reply.fence;
  a.lock = reply.current;
  if (a.lock) // the client's own name for the service's locks
    a.lock->holder = client_holder(a.lock->holder);
  return a;
}

registry_answer to_answer(const lock_status& status) {
  registry_answer a;
  a.what = registry_answer::kind::status;
  a.lock = status.lock;
  if (a.lock) {
    a.fence = a.lock->fence.value_or(0);
    a.lock->holder = client_holder(a.lock->holder);
  }
  return a;
}

registry_answer to_answer(const caf::error& err) {
  registry_answer a;
  if (err == lock_errc::cluster_not_found) {
    a.what = registry_answer::kind::cluster_not_found;
  } else if (err == lock_errc::invalid_request) {
    a.what = registry_answer::kind::invalid;
    a.detail = "invalid request";
  } else {
    a.what = registry_answer::kind::unavailable;
    a.detail = err == lock_errc::gave_up ? "the API server kept failing"
               : err == caf::sec::request_timeout ? "the lock registry did not answer in time"
                                                  : "the lock registry is not available";
  }
  return a;
}

registry_bridge spawn_registry_bridge(caf::actor_system& sys, lock_registry_actor registry,
                                      caf::timespan slack, hold_options holds) {
  registry_bridge b;
  b.actor = sys.spawn(bridge, std::move(registry), slack, std::move(holds));
  b.forward = [a = b.actor](const lock_call& c, answer_function done) {
    caf::anon_send(a, forwarded{c, std::move(done)});
  };
  return b;
}

} // namespace baorestore::lock_service
