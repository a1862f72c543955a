// The leader_elector actor: a round every retry period (read the Lease, decide, maybe
// write), a deadline timer per successful write (no renewal for renew_deadline: step down),
// and a best-effort release on a graceful stop. Decisions are election.cpp's.
#include "actors/leader/leader_elector.hpp"

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "caf/all.hpp"

namespace baorestore::leader {

namespace {

using tick_atom = caf::atom_constant<caf::atom("eltick")>;
constexpr tick_atom tick_atom_v{};
using deadline_atom = caf::atom_constant<caf::atom("eldeadline")>;
constexpr deadline_atom deadline_atom_v{};

using elector_impl = leader_elector_actor::extend<caf::reacts_to<tick_atom>,
                                                  caf::reacts_to<deadline_atom, std::uint64_t>>;

struct elector_state {
  static inline const char* name = "leader_elector";
  elector_config config;
  caf::actor_clock::time_point started_at;
  model::micro_timestamp wall_at_start;
  bool leading = false;
  bool reported = false; // leadership told at least once (a follower's first round tells)
  bool busy = false;     // a round (read, then maybe a write) is in flight
  bool stopping = false; // an exit arrived: releasing, then quitting
  /// The Lease as last read or written by us: the resourceVersion of the next update.
  std::optional<model::lease> observed;
  /// Generation of the deadline timer: bumped by each successful write.
  std::uint64_t renewals = 0;
  caf::actor_clock::time_point last_renewal;
};

using self_ptr = elector_impl::stateful_pointer<elector_state>;

model::micro_timestamp wall_at(self_ptr self, caf::actor_clock::time_point t) {
  const auto& st = self->state;
  return st.wall_at_start
         + std::chrono::duration_cast<std::chrono::microseconds>(t - st.started_at);
}

/// Requests time out after one retry period: a round never outlives the next one by much.
caf::timespan request_timeout(self_ptr self) {
  return self->state.config.timing.retry_period;
}

void set_leading(self_ptr self, bool leading) {
  auto& st = self->state;
  if (st.leading == leading && st.reported)
    return;
  st.leading = leading;
  st.reported = true;
  if (st.config.subscriber)
    caf::anon_send(st.config.subscriber, leadership_changed{leading});
  if (st.config.on_change)
    st.config.on_change(leading);
}

/// A write that made us the holder succeeded; `started` is when the round read the clock
/// (the renewTime written). We lead until renew_deadline after it, unless renewed again.
void on_written(self_ptr self, caf::actor_clock::time_point started, model::lease& written) {
  auto& st = self->state;
  st.busy = false;
  if (st.stopping)
    return;
  st.observed = std::move(written);
  auto elapsed = self->clock().now() - started;
  caf::timespan deadline = st.config.timing.renew_deadline;
  if (elapsed >= deadline) {
    // Answered too late to count: the deadline timer of the previous write decides.
    return;
  }
  st.last_renewal = started;
  self->delayed_send(self, deadline - elapsed, deadline_atom_v, ++st.renewals);
  set_leading(self, true);
}

void on_write_failed(self_ptr self) {
  // A lost race (409), a failed renewal: the next round reads again; a leader keeps leading
  // until its deadline timer says otherwise.
  self->state.busy = false;
}

void act(self_ptr self, std::optional<model::lease> current) {
  auto& st = self->state;
  if (st.stopping) {
    st.busy = false;
    return;
  }
  auto started = self->clock().now();
  auto d = decide(current, st.config.identity, st.leading, wall_at(self, started),
                  st.config.timing);
  // Leadership continues only through a renewal of our own Lease: anything else means the
  // record we held is gone or someone else's (a later write may make us leader again).
  if (st.leading && d.action != election_action::renew)
    set_leading(self, false);
  auto ok = [self, started](model::lease& l) { on_written(self, started, l); };
  auto failed = [self](caf::error&) { on_write_failed(self); };
  switch (d.action) {
    case election_action::follow:
      st.observed = std::move(current);
      st.busy = false;
      set_leading(self, false); // tells once that this replica follows (readiness)
      return;
    case election_action::create: {
      model::lease l;
      l.metadata.namespace_ = st.config.namespace_;
      l.metadata.name = st.config.name;
      l.spec = std::move(d.spec);
      self
        ->request(st.config.gateway, request_timeout(self), gateway::create_atom_v,
                  gateway::create_request<model::lease>{std::move(l), gateway::priority::high})
        .then(ok, failed);
      return;
    }
    case election_action::take_over:
    case election_action::renew: {
      auto l = std::move(*current); // its resourceVersion is the precondition
      l.spec = std::move(d.spec);
      self
        ->request(st.config.gateway, request_timeout(self), gateway::update_atom_v,
                  gateway::update_request<model::lease>{std::move(l), gateway::priority::high})
        .then(ok, failed);
      return;
    }
  }
}

void start_round(self_ptr self) {
  auto& st = self->state;
  if (st.busy || st.stopping)
    return;
  st.busy = true;
  gateway::get_request<model::lease> req{{st.config.namespace_, st.config.name},
                                         gateway::priority::high};
  self->request(st.config.gateway, request_timeout(self), caf::get_atom_v, std::move(req))
    .then([self](model::lease& l) { act(self, std::move(l)); },
          [self](caf::error& e) {
            if (e == gateway::api_errc::not_found)
              act(self, std::nullopt);
            else
              self->state.busy = false; // unreadable: try again next round
          });
}

/// Graceful stop: stop leading, then release the Lease (best effort: a failure or a lost
/// race only means the successor waits for it to expire) and quit.
void on_exit(self_ptr self, caf::exit_msg& msg) {
  auto& st = self->state;
  auto reason = msg.reason;
  if (st.stopping)
    return self->quit(reason);
  st.stopping = true;
  bool held = st.leading && st.observed && st.observed->spec.holder_identity == st.config.identity;
  set_leading(self, false);
  if (!held)
    return self->quit(reason);
  auto l = *st.observed;
  l.spec = released(l.spec, wall_at(self, self->clock().now()));
  self
    ->request(st.config.gateway, request_timeout(self), gateway::update_atom_v,
              gateway::update_request<model::lease>{std::move(l), gateway::priority::high})
    .then([self, reason](model::lease&) { self->quit(reason); },
          [self, reason](caf::error&) { self->quit(reason); });
}

elector_impl::behavior_type leader_elector(self_ptr self, elector_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.started_at = self->clock().now();
  st.wall_at_start = st.config.wall_clock_start.value_or(
    std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()));
  self->set_exit_handler([self](caf::exit_msg& msg) { on_exit(self, msg); });
  self->send(self, tick_atom_v);
  return {
    [self](is_leader_atom) { return self->state.leading; },
    [self](tick_atom) {
      auto& st = self->state;
      if (st.stopping)
        return;
      start_round(self);
      self->delayed_send(self, st.config.timing.retry_period, tick_atom_v);
    },
    [self](deadline_atom, std::uint64_t generation) {
      auto& st = self->state;
      if (generation == st.renewals && st.leading)
        set_leading(self, false);
    },
  };
}

} // namespace

std::string default_identity() {
  char host[HOST_NAME_MAX + 1] = {};
  std::string name = gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0' ? host
                                                                                 : "baorestore";
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof(suffix), "%08x", static_cast<unsigned>(rd()));
  return name + "-" + suffix;
}

leader_elector_actor spawn_leader_elector(caf::actor_system& sys, elector_config config) {
  if (auto why = validate(config.timing))
    throw std::invalid_argument("leader election: " + *why);
  if (!config.gateway)
    throw std::invalid_argument("leader election: no gateway");
  if (config.namespace_.empty() || config.name.empty())
    throw std::invalid_argument("leader election: the Lease needs a namespace and a name");
  if (config.identity.empty())
    config.identity = default_identity();
  return caf::actor_cast<leader_elector_actor>(sys.spawn(leader_elector, std::move(config)));
}

} // namespace baorestore::leader
