#include "actors/cluster_lock/lock_registry.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>
#include <vector>

#include "caf/all.hpp"

#include "actors/cluster_lock/lock_actor.hpp"

namespace baorestore::cluster_lock {

namespace {

/// A request that arrived while its cluster's lock actor was stopping.
struct parked_request {
  caf::response_promise promise;
  caf::message request;
};

struct entry {
  detail::lock_actor_impl actor;
  std::uint64_t routed = 0; // messages routed to `actor`
  bool stopping = false;    // told to stop: requests park until it is gone
  std::vector<parked_request> parked;
};

struct registry_state {
  static inline const char* name = "cluster_lock_registry";

  lock_config config;
  detail::wall_clock clock;
  std::map<cluster_key, entry> actors;
  std::map<caf::actor_addr, cluster_key> keys;  // running lock actor -> its cluster
  std::map<cluster_key, std::int64_t> fences;   // highest fence reported per cluster
  std::map<cluster_key, detail::in_process_holder> holders; // as reported by lock actors
  registry_stats stats;

  // The lock actors live as long as the registry: they hold only a weak reference to it, and
  // idle timers would otherwise keep them (and the actor system's shutdown) waiting.
  ~registry_state() {
    for (auto& [key, e] : actors) {
      caf::anon_send_exit(e.actor, caf::exit_reason::user_shutdown);
      for (auto& p : e.parked)
        p.promise.deliver(caf::make_error(caf::sec::request_receiver_down));
    }
  }
};

using registry_self = detail::lock_registry_impl::stateful_pointer<registry_state>;

bool is_valid(const cluster_key& k) {
  return !k.namespace_.empty() && !k.name.empty();
}

entry& spawn_for(registry_self self, const cluster_key& key, entry& e) {
  auto& st = self->state;
  auto fence = st.fences.find(key);
  auto holder = st.holders.find(key);
  e.actor = spawn_lock_actor(
    self->system(),
    lock_actor_args{key, st.config, st.clock, self->address(),
                    fence == st.fences.end() ? 0 : fence->second,
                    holder == st.holders.end() ? std::nullopt
                                               : std::optional{holder->second}});
  e.routed = 0;
  e.stopping = false;
  self->monitor(e.actor);
  st.keys.emplace(e.actor.address(), key);
  ++st.stats.spawned;
  return e;
}

entry& entry_for(registry_self self, const cluster_key& key) {
  auto& actors = self->state.actors;
  auto i = actors.find(key);
  if (i != actors.end())
    return i->second;
  return spawn_for(self, key, actors[key]);
}

template <class Reply, class Request>
caf::result<Reply> route(registry_self self, Request& request) {
  if (!is_valid(request.cluster))
    return caf::make_error(lock_errc::invalid_request);
  auto& e = entry_for(self, request.cluster);
  if (e.stopping) {
    auto promise = self->make_response_promise();
    e.parked.push_back({promise, caf::make_message(std::move(request))});
    return promise;
  }
  ++e.routed;
  return self->delegate(e.actor, std::move(request));
}

bool is_from_actor_of(registry_self self, const cluster_key& key) {
  auto& actors = self->state.actors;
  auto i = actors.find(key);
  return i != actors.end()
         && i->second.actor.address()
              == caf::actor_cast<caf::actor_addr>(self->current_sender());
}

void note_fence(registry_self self, const cluster_key& key, std::int64_t last_fence) {
  auto& fence = self->state.fences[key];
  fence = std::max(fence, last_fence);
}

void on_holder(registry_self self, const cluster_key& key, std::string holder,
               std::vector<caf::actor_addr> actors, std::int64_t last_fence) {
  if (!is_from_actor_of(self, key))
    return;
  note_fence(self, key, last_fence);
  if (holder.empty())
    self->state.holders.erase(key);
  else
    self->state.holders[key] = detail::in_process_holder{std::move(holder), std::move(actors)};
}

// An idle lock actor asks to be stopped. Stopping it is safe only if nothing is on its way to
// it: then it has received every message routed to it.
void on_idle(registry_self self, const cluster_key& key, std::uint64_t received,
             std::int64_t last_fence) {
  auto& st = self->state;
  if (!is_from_actor_of(self, key))
    return;
  auto i = st.actors.find(key);
  note_fence(self, key, last_fence);
  if (i->second.stopping || i->second.routed != received)
    return;
  i->second.stopping = true;
  st.holders.erase(key); // an idle actor has none
  self->send(i->second.actor, detail::stop_atom_v);
  ++st.stats.stopped_idle;
}

// A lock actor is gone: stopped when idle, or crashed. Requests parked meanwhile go to a
// fresh actor for the cluster, and so does the duty to tell an in-process holder about a
// loss; crashed actors answered their own pending requests.
void on_down(registry_self self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto k = st.keys.find(dm.source);
  if (k == st.keys.end())
    return;
  auto key = k->second;
  st.keys.erase(k);
  auto i = st.actors.find(key);
  if (i == st.actors.end() || i->second.actor.address() != dm.source)
    return;
  if (i->second.parked.empty() && !st.holders.count(key)) {
    st.actors.erase(i);
    return;
  }
  auto parked = std::move(i->second.parked);
  i->second.parked.clear();
  auto& e = spawn_for(self, key, i->second);
  for (auto& p : parked) {
    ++e.routed;
    p.promise.delegate(caf::actor_cast<caf::actor>(e.actor), std::move(p.request));
  }
}

detail::lock_registry_impl::behavior_type lock_registry(registry_self self, lock_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.clock.started_at = self->clock().now();
  st.clock.wall_at_start = st.config.wall_clock_start.value_or(
    std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  return {
    [=](acquire_request& r) { return route<lock_reply>(self, r); },
    [=](release_request& r) { return route<lock_reply>(self, r); },
    [=](renew_request& r) { return route<lock_reply>(self, r); },
    [=](query_request& r) { return route<lock_status>(self, r); },
    [=](cluster_observed& o) {
      // Only a running lock actor has anything to re-evaluate; a new one reads the cluster
      // itself when its first request comes.
      cluster_key key{o.cluster.metadata.namespace_, o.cluster.metadata.name};
      auto i = self->state.actors.find(key);
      if (i == self->state.actors.end() || i->second.stopping)
        return;
      ++i->second.routed;
      self->send(i->second.actor, std::move(o));
    },
    [=](stats_atom) {
      auto s = self->state.stats;
      s.lock_actors = self->state.actors.size();
      return s;
    },
    [=](detail::idle_atom, cluster_key& key, std::uint64_t received, std::int64_t fence) {
      on_idle(self, key, received, fence);
    },
    [=](detail::holder_atom, cluster_key& key, std::string& holder,
        std::vector<caf::actor_addr>& actors, std::int64_t fence) {
      on_holder(self, key, std::move(holder), std::move(actors), fence);
    },
    [=](detail::lookup_atom, cluster_key& key) {
      auto i = self->state.actors.find(key);
      return i == self->state.actors.end() ? caf::actor{}
                                           : caf::actor_cast<caf::actor>(i->second.actor);
    },
  };
}

} // namespace

detail::lock_registry_impl spawn_lock_registry_impl(caf::actor_system& sys,
                                                    lock_config config) {
  return sys.spawn(lock_registry, std::move(config));
}

lock_registry_actor spawn_lock_registry(caf::actor_system& sys, lock_config config) {
  return spawn_lock_registry_impl(sys, std::move(config));
}

} // namespace baorestore::cluster_lock
