// The restore controller: watch events in, restore_request actors (supervised) out; the
// per-tenant running limit's slots (admission.hpp) granted here.
#include "actors/restore_request/restore_controller.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/restore_request/undecodable_restore.hpp"
#include "actors/restore_request/lock_reclaim.hpp"
#include "actors/supervisor/supervisor.hpp"

namespace baorestore::restore {

namespace {

using namespace std::chrono_literals;
using restore = model::openbao_restore;

/// A slot asked for before the watches synced: answered once the holders are known.
struct deferred_ask {
  slot_request req;
  caf::actor_addr from;
  caf::typed_response_promise<slot_verdict> promise;
};

/// A restore that may hold a slot after a restart (not finished, not being deleted).
struct slot_candidate {
  std::string ns;
  std::string name;
  std::string cluster_key; // "ns/cluster"
  std::string holder;
  bool running = false;
};

struct controller_state {
  static inline const char* name = "restore_controller";
  controller_config config;
  supervision::supervisor_actor supervisor;
  std::vector<std::string> scopes;                        // watched namespaces, "" for all
  std::set<std::string> restores_synced, clusters_synced; // scopes whose list arrived
  /// "ns/cluster" -> holder of its operation lock, for locked clusters only.
  std::unordered_map<std::string, std::string> lock_holders;
  /// uid -> the resourceVersion at which its actor found nothing left to do.
  std::unordered_map<std::string, std::string> done_at;
  /// Finished restores listed before their namespace's clusters were.
  std::vector<restore> undecided;
  // The per-tenant running limit.
  admission slots;
  bool seeded = false; // holders known: asks are answered
  std::vector<slot_candidate> candidates; // from the restore lists, until seeded
  std::vector<deferred_ask> deferred;
  std::map<std::string, caf::actor_addr> waiters; // "ns/name" of queued restores
  std::map<std::uint64_t, std::string> watch_scopes; // watch id -> its namespace
  // Orphan Restore locks (orphan_lock.hpp).
  std::unordered_map<std::string, std::string> restore_uids; // uid -> namespace, per watch
  std::set<std::string> suspects; // "ns/cluster" looked at, or about to be
};

using self_ptr = caf::stateful_actor<controller_state>*;

std::string child_id(const std::string& ns, const std::string& name) {
  return "restore/" + ns + "/" + name;
}

std::string key_of(const std::string& ns, const std::string& name) {
  return ns + "/" + name;
}

bool is_finished(const restore& r) {
  return r.status.phase == model::restore_phase::completed
         || r.status.phase == model::restore_phase::failed;
}

/// Whether resourceVersion `a` is later than `b` (numeric when both are).
bool newer(const std::string& a, const std::string& b) {
  bool numeric = !a.empty() && !b.empty() && a.size() < 19 && b.size() < 19
                 && a.find_first_not_of("0123456789") == std::string::npos
                 && b.find_first_not_of("0123456789") == std::string::npos;
  return numeric ? std::stoll(a) > std::stoll(b) : a != b;
}

bool covered(const std::set<std::string>& synced, const std::string& ns) {
  return synced.count("") > 0 || synced.count(ns) > 0;
}

bool holds_lock(self_ptr self, const std::string& cluster_key, const std::string& holder) {
  auto it = self->state.lock_holders.find(cluster_key);
  return it != self->state.lock_holders.end() && it->second == holder;
}

/// A finished restore needs an actor only while its lock cleanup may be owed: when its
/// cluster's lock is still its own, per the cluster watch. Nullopt: cannot tell yet.
std::optional<bool> needs_actor(self_ptr self, const restore& r) {
  auto& st = self->state;
  if (r.metadata.deletion_timestamp || !is_finished(r))
    return true;
  if (auto it = st.done_at.find(r.metadata.uid);
      it != st.done_at.end() && !newer(r.metadata.resource_version, it->second))
    return false; // nothing new since its actor was done
  if (!covered(st.clusters_synced, r.metadata.namespace_))
    return std::nullopt;
  return holds_lock(self, key_of(r.metadata.namespace_, r.spec.cluster), holder_of(r));
}

/// Hands `r` to its actor, starting one when there is none (or it has finished).
void ensure(self_ptr self, restore r) {
  auto& st = self->state;
  auto id = child_id(r.metadata.namespace_, r.metadata.name);
  self->request(st.supervisor, caf::infinite, supervision::which_children{})
    .then([self, id, r = std::move(r)](std::vector<supervision::child_info>& children) mutable {
      for (auto& c : children)
        if (c.id == id) {
          if (c.actor)
            self->send(caf::actor_cast<restore_request_actor>(c.actor), restore_changed{r});
          return; // a restart pending: the new incarnation reads the restore itself
        }
      auto ns = r.metadata.namespace_;
      auto name = r.metadata.name;
      auto cfg = self->state.config.restores;
      cfg.controller = caf::actor_cast<caf::actor>(self);
      cfg.limited = is_limited(self->state.slots);
      auto factory = supervision::make_child_factory([ns, name, cfg](caf::local_actor* s) {
        return spawn_restore_request(s->system(), ns, name, cfg);
      });
      self->request(self->state.supervisor, caf::infinite, supervision::start_child{id, factory})
        .then([](const caf::actor&) {},
              [](const caf::error&) {
                // duplicate_child: started meanwhile by an earlier event; it reads the
                // restore itself.
              });
    });
}

/// A restore seen by the watch: to its actor, unless it is finished and owes nothing.
void consider(self_ptr self, restore r) {
  auto needed = needs_actor(self, r);
  if (!needed)
    self->state.undecided.push_back(std::move(r));
  else if (*needed)
    ensure(self, std::move(r));
}

void stop(self_ptr self, const restore& r) {
  // false (no such child) is fine: its actor may have finished already.
  self->request(self->state.supervisor, caf::infinite,
                supervision::stop_child{child_id(r.metadata.namespace_, r.metadata.name)})
    .then([](bool) {}, [](const caf::error&) {});
}

// -- the per-tenant running limit ------------------------------------------------------------

/// Decides an ask; a queued asker is told later (slot_granted) when a slot frees.
slot_verdict answer(self_ptr self, const slot_request& r, const caf::actor_addr& from) {
  auto& st = self->state;
  slot_ask ask{r.ns, r.name, r.created,
               holds_lock(self, key_of(r.ns, r.cluster), r.holder)};
  auto v = decide_ask(st.slots, ask);
  if (!v.granted)
    st.waiters[key_of(r.ns, r.name)] = from;
  return v;
}

/// Frees the slot (or queue place) of ns/name and tells the restores admitted instead.
void free_slot(self_ptr self, const std::string& ns, const std::string& name) {
  auto& st = self->state;
  if (!is_limited(st.slots))
    return;
  st.waiters.erase(key_of(ns, name));
  for (auto& admitted : decide_release(st.slots, ns, name)) {
    auto it = st.waiters.find(key_of(ns, admitted));
    if (it == st.waiters.end())
      continue;
    if (auto hdl = caf::actor_cast<caf::actor>(it->second))
      caf::anon_send(hdl, slot_granted{});
    st.waiters.erase(it);
  }
}

bool all_synced(self_ptr self) {
  auto& st = self->state;
  return std::all_of(st.scopes.begin(), st.scopes.end(), [&](const std::string& s) {
    return st.restores_synced.count(s) && st.clusters_synced.count(s);
  });
}

/// Once both watches listed everything: the holders from the API server (Running, or
/// holding the lock), then the asks that waited for them, oldest first.
void seed_when_synced(self_ptr self) {
  auto& st = self->state;
  if (st.seeded || !all_synced(self))
    return;
  st.seeded = true;
  for (const auto& c : st.candidates)
    if (c.running || holds_lock(self, c.cluster_key, c.holder))
      hold(st.slots, c.ns, c.name);
  st.candidates.clear();
  auto asks = std::move(st.deferred);
  std::sort(asks.begin(), asks.end(), [](const deferred_ask& a, const deferred_ask& b) {
    return std::tie(a.req.created, a.req.name) < std::tie(b.req.created, b.req.name);
  });
  for (auto& a : asks)
    a.promise.deliver(answer(self, a.req, a.from));
}

/// A (re)listing of restores in `scope`: slot candidates before seeding; after it (a relist
/// on 410 Gone), the slots of restores that finished or went meanwhile are freed.
void restores_listed(self_ptr self, const std::string& scope, const std::vector<restore>& items) {
  auto& st = self->state;
  if (!is_limited(st.slots))
    return;
  std::set<std::string> live;
  for (const auto& r : items) {
    if (is_finished(r))
      continue;
    const auto& m = r.metadata;
    live.insert(key_of(m.namespace_, m.name));
    if (!st.seeded)
      st.candidates.push_back({m.namespace_, m.name, key_of(m.namespace_, r.spec.cluster),
                               holder_of(r), r.status.phase == model::restore_phase::running});
  }
  if (!st.seeded)
    return;
  std::vector<std::pair<std::string, std::string>> gone;
  for (const auto& [ns, t] : st.slots.tenants) {
    if (!scope.empty() && ns != scope)
      continue;
    for (const auto& name : t.running)
      if (!live.count(key_of(ns, name)))
        gone.emplace_back(ns, name);
    for (const auto& w : t.waiting)
      if (!live.count(key_of(ns, w.name)))
        gone.emplace_back(ns, w.name);
  }
  for (const auto& [ns, name] : gone)
    free_slot(self, ns, name);
}

// -- restores that do not decode ---------------------------------------------------------------

void warn(self_ptr self, const model::object_meta& m, std::string msg, std::string phase = {}) {
  if (!self->state.config.restores.log)
    return;
  log_entry entry;
  entry.level = log_entry::severity::warn;
  entry.namespace_ = m.namespace_;
  entry.name = m.name;
  entry.phase = std::move(phase);
  entry.msg = std::move(msg);
  self->state.config.restores.log(entry);
}

model::timestamp now_of(self_ptr self) {
  const auto& clock = self->state.config.restores.clock;
  return clock ? clock()
               : model::timestamp{std::chrono::time_point_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now())};
}

void record_invalid_event(self_ptr self, const model::object_meta& m, const event_note& note,
                          model::timestamp now) {
  const auto& cfg = self->state.config.restores;
  model::event ev;
  ev.metadata.generate_name = m.name + ".";
  ev.metadata.namespace_ = m.namespace_;
  ev.involved_object = {model::openbao_api_version, model::restore_kind, m.name, m.namespace_,
                        m.uid, m.resource_version};
  ev.reason = note.reason;
  ev.message = note.message;
  ev.type = model::event_type::warning;
  ev.count = 1;
  ev.first_timestamp = now;
  ev.last_timestamp = now;
  ev.source.component = cfg.component;
  ev.reporting_component = cfg.component;
  self
    ->request(cfg.gateway, caf::infinite, gateway::create_atom_v,
              gateway::create_request<model::event>{std::move(ev)})
    .then([](const model::event&) {},
          [self, m](caf::error& e) {
            warn(self, m, "event: " + gateway::api_error_message(e));
          });
}

/// A restore no actor can read: Failed (InvalidSpec, the fields named) from what the watch
/// read of it, with its resourceVersion as precondition (a newer version comes by the watch
/// and is judged again); then a Warning Event and a log line.
void fail_undecodable(self_ptr self, const model::undecodable_object& obj) {
  auto now = now_of(self);
  auto verdict = judge_undecodable(obj, now);
  if (!verdict)
    return;
  const auto& m = obj.metadata;
  gateway::patch_request<restore> req{{m.namespace_, m.name}, verdict->patch,
                                      m.resource_version, gateway::priority::high};
  auto written = [self, m, v = *verdict, now] {
    warn(self, m, "failed: InvalidSpec: " + v.message, "Failed");
    record_invalid_event(self, m, v.event, now);
  };
  self->request(self->state.config.restores.gateway, caf::infinite, gateway::patch_status_atom_v,
                std::move(req))
    .then([written](const restore&) { written(); },
          [self, m, written](caf::error& e) {
            // The server took the write; only its answer (still this object) does not decode.
            if (e == gateway::api_errc::bad_response)
              return written();
            if (e != gateway::api_errc::conflict && e != gateway::api_errc::not_found)
              warn(self, m, "cannot mark the undecodable restore Failed: "
                              + gateway::api_error_message(e));
          });
}

// -- orphan Restore locks ---------------------------------------------------------------------

/// Looks at the lock of ns/cluster live after `after` when the watches say it is held by a
/// restore uid the restore watch does not hold; once at a time per cluster.
void suspect_orphan(self_ptr self, const std::string& ns, const std::string& cluster,
                    std::chrono::milliseconds after) {
  auto& st = self->state;
  auto key = key_of(ns, cluster);
  auto it = st.lock_holders.find(key);
  if (it == st.lock_holders.end() || !covered(st.restores_synced, ns) || st.suspects.count(key))
    return;
  auto holder = parse_restore_holder(it->second);
  if (!holder || st.restore_uids.count(holder->uid))
    return;
  st.suspects.insert(key);
  self->delayed_send(self, after, caf::atom("reclaim"), key);
}

/// The grace period is over: still a suspect by the watches, it is read live.
void look_at_suspect(self_ptr self, const std::string& key) {
  auto& st = self->state;
  st.suspects.erase(key);
  auto slash = key.find('/');
  auto ns = key.substr(0, slash);
  auto cluster = key.substr(slash + 1);
  auto it = st.lock_holders.find(key);
  auto holder = it == st.lock_holders.end() ? std::nullopt : parse_restore_holder(it->second);
  if (!holder || st.restore_uids.count(holder->uid))
    return;
  st.suspects.insert(key);
  const auto& rc = st.config.restores;
  spawn_lock_reclaim(self, reclaim_config{rc.gateway, rc.locks, rc.component, rc.clock},
                     reclaim_suspect{ns, cluster, it->second});
}

void on_reclaim_done(self_ptr self, const reclaim_done& d) {
  auto& st = self->state;
  const auto& s = d.suspect;
  st.suspects.erase(key_of(s.namespace_, s.cluster));
  auto say = [&](std::string msg) {
    if (!st.config.restores.log)
      return;
    log_entry entry;
    entry.level = log_entry::severity::warn;
    entry.namespace_ = s.namespace_;
    entry.msg = std::move(msg);
    st.config.restores.log(entry);
  };
  auto lock = "operation lock of OpenBaoCluster " + s.namespace_ + "/" + s.cluster;
  if (d.verdict == orphan_verdict::reclaim) {
    say("reclaimed the " + lock + " from " + s.holder + ": its restore no longer exists"
        + (d.event_error.empty() ? "" : " (event: " + d.event_error + ")"));
    return;
  }
  if (!d.verdict)
    say("cannot tell whether the " + lock + " held by " + s.holder
        + " is an orphan: " + d.error);
  if (!d.verdict || d.verdict == orphan_verdict::job_runs)
    suspect_orphan(self, s.namespace_, s.cluster, st.config.orphan_recheck);
}

/// Every suspect in `ns` ("" for all), once the restore watch of `ns` has listed.
void suspect_all(self_ptr self, const std::string& ns) {
  std::vector<std::string> keys;
  for (const auto& [key, holder] : self->state.lock_holders)
    if (ns.empty() || key.rfind(ns + "/", 0) == 0)
      keys.push_back(key);
  for (const auto& key : keys) {
    auto slash = key.find('/');
    suspect_orphan(self, key.substr(0, slash), key.substr(slash + 1),
                   self->state.config.orphan_grace);
  }
}

// -- suspended Jobs of vanished restores ----------------------------------------------------

using sweep_atom = caf::atom_constant<caf::atom("rcsweep")>;

/// When, after a restore's deletion, its Job is looked for: a create held by the network
/// (measured up to 35 s, past the gateway's 30 s deadline) can land after its restore is
/// gone. Such a Job is suspended and never runs; it is removed so that nothing is left
/// behind (on a real cluster the garbage collector removes it too, by its owner reference).
constexpr std::array<std::chrono::seconds, 3> job_sweeps{0s, 45s, 120s};

/// Looks for the Job of deleted restore ns/name (uid) and deletes it when it is a suspended
/// Job of ours owned by that restore (by labels, owner uid and spec.suspend, never by name
/// alone); then looks again at the next sweep time.
void sweep_job(self_ptr self, const std::string& ns, const std::string& name,
               const std::string& uid, std::size_t round) {
  auto gw = self->state.config.restores.gateway;
  auto next = [self, ns, name, uid, round] {
    if (round + 1 < job_sweeps.size())
      self->delayed_send(self, job_sweeps[round + 1] - job_sweeps[round], sweep_atom::value,
                         ns, name, uid, static_cast<std::uint64_t>(round + 1));
  };
  self
    ->request(gw, caf::infinite, caf::get_atom_v,
              gateway::get_request<model::job>{{ns, restore_job_name(name)}})
    .then(
      [self, gw, ns, name, uid, next](model::job& j) {
        if (is_abandoned_suspended_job(j, uid)) {
          gateway::delete_request<model::job> del{{ns, j.metadata.name},
                                                  gateway::propagation::background,
                                                  j.metadata.uid};
          self->request(gw, caf::infinite, caf::delete_atom_v, std::move(del))
            .then([](gateway::deleted) {}, [](caf::error&) {});
          if (auto& log = self->state.config.restores.log) {
            log_entry e;
            e.namespace_ = ns;
            e.name = name;
            e.msg = "deleted suspended Job " + j.metadata.name + " of a restore that is gone";
            log(e);
          }
        }
        next();
      },
      [next](caf::error&) { next(); });
}

// -- the watches ----------------------------------------------------------------------------

/// Watches restores (and clusters) in `ns`; a refused watch is asked for again later.
template <class T>
void subscribe(self_ptr self, const std::string& ns) {
  gateway::watch_request<T> req{ns, "", caf::actor_cast<caf::actor>(self)};
  self->request(self->state.config.restores.gateway, caf::infinite, gateway::watch_atom_v, req)
    .then([self, ns](std::uint64_t id) { self->state.watch_scopes[id] = ns; },
          [self, ns](caf::error& e) {
            if (self->state.config.restores.log) {
              log_entry entry;
              entry.level = log_entry::severity::warn;
              entry.namespace_ = ns;
              entry.msg = "watch of \"" + ns + "\" failed: " + gateway::api_error_message(e);
              self->state.config.restores.log(entry);
            }
            auto again = std::is_same_v<T, restore> ? caf::atom("resub") : caf::atom("resubc");
            self->delayed_send(self, 5s, again, ns);
          });
}

/// A cluster seen by the watch goes to the lock registry, so that a lock written outside
/// this process (or freed) is noticed at once by the cluster's lock actor; its lock holder
/// is remembered here.
void observe(self_ptr self, model::openbao_cluster c) {
  auto key = key_of(c.metadata.namespace_, c.metadata.name);
  if (c.status.lock && !c.status.lock->holder.empty())
    self->state.lock_holders[key] = c.status.lock->holder;
  else
    self->state.lock_holders.erase(key);
  suspect_orphan(self, c.metadata.namespace_, c.metadata.name, self->state.config.orphan_grace);
  self->send(self->state.config.restores.locks, cluster_lock::cluster_observed{std::move(c)});
}

void clusters_listed(self_ptr self, const std::string& scope) {
  auto& st = self->state;
  st.clusters_synced.insert(scope);
  // Finished restores that waited for the clusters of their namespace.
  std::vector<restore> waiting;
  std::swap(waiting, st.undecided);
  for (auto& r : waiting)
    consider(self, std::move(r));
  seed_when_synced(self);
}

/// The scope of a listing: the namespace of its watch (the gateway answers the watch
/// request before it lists); else the only scope, or the one all items are in.
std::string scope_of(self_ptr self, std::uint64_t watch_id,
                     const std::vector<std::string>& item_namespaces) {
  auto& scopes = self->state.scopes;
  if (auto it = self->state.watch_scopes.find(watch_id); it != self->state.watch_scopes.end())
    return it->second;
  if (scopes.size() == 1)
    return scopes.front();
  for (const auto& s : scopes)
    if (!item_namespaces.empty()
        && std::all_of(item_namespaces.begin(), item_namespaces.end(),
                       [&](const std::string& ns) { return ns == s; }))
      return s;
  return {};
}

caf::behavior controller(self_ptr self, controller_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.slots.limit = st.config.per_tenant_running_limit;
  st.supervisor = supervision::spawn_supervisor(self->system(), st.config.restarts, {},
                                                st.config.restart_counts);
  self->link_to(st.supervisor);
  st.scopes = st.config.namespaces;
  if (st.scopes.empty())
    st.scopes.emplace_back(); // all
  for (const auto& ns : st.scopes) {
    subscribe<model::openbao_cluster>(self, ns);
    subscribe<restore>(self, ns);
  }
  return {
    [self](gateway::watch_synced<restore>& s) {
      auto& st = self->state;
      if (auto& stats = st.config.stats)
        stats->resync(s.items);
      std::vector<std::string> nss;
      for (const auto& r : s.items)
        nss.push_back(r.metadata.namespace_);
      auto scope = scope_of(self, s.watch_id, nss);
      restores_listed(self, scope, s.items);
      st.restores_synced.insert(scope);
      for (auto it = st.restore_uids.begin(); it != st.restore_uids.end();)
        it = scope.empty() || it->second == scope ? st.restore_uids.erase(it) : std::next(it);
      for (const auto& r : s.items)
        st.restore_uids[r.metadata.uid] = r.metadata.namespace_;
      suspect_all(self, scope);
      seed_when_synced(self);
      for (auto& r : s.items)
        consider(self, std::move(r));
    },
    [self](gateway::watch_event<restore>& e) {
      auto& st = self->state;
      auto& stats = st.config.stats;
      const auto& m = e.object.metadata;
      if (e.type == gateway::watch_event_type::deleted) {
        st.restore_uids.erase(m.uid);
        suspect_all(self, m.namespace_); // a lock it may have left behind
        if (stats)
          stats->forget(m.namespace_, m.name);
        st.done_at.erase(m.uid);
        free_slot(self, m.namespace_, m.name);
        stop(self, e.object);
        sweep_job(self, m.namespace_, m.name, m.uid, 0);
        return;
      }
      st.restore_uids[m.uid] = m.namespace_;
      if (stats)
        stats->observe(e.object);
      if (is_finished(e.object))
        free_slot(self, m.namespace_, m.name);
      consider(self, std::move(e.object));
    },
    [self](gateway::watch_undecodable<restore>& u) {
      const auto& m = u.object.metadata;
      if (u.type == gateway::watch_event_type::deleted) {
        if (auto& stats = self->state.config.stats)
          stats->forget(m.namespace_, m.name);
        free_slot(self, m.namespace_, m.name);
        return;
      }
      fail_undecodable(self, u.object);
    },
    [](gateway::watch_undecodable<model::openbao_cluster>&) {
      // Counted and logged by the gateway; a cluster we cannot read has no lock we can see,
      // and the restores of it fail validation when they look it up.
    },
    [self](gateway::watch_synced<model::openbao_cluster>& s) {
      std::vector<std::string> nss;
      for (const auto& c : s.items)
        nss.push_back(c.metadata.namespace_);
      auto scope = scope_of(self, s.watch_id, nss);
      auto& holders = self->state.lock_holders;
      for (auto it = holders.begin(); it != holders.end();)
        it = scope.empty() || it->first.rfind(scope + "/", 0) == 0 ? holders.erase(it)
                                                                   : std::next(it);
      for (auto& c : s.items)
        observe(self, std::move(c));
      clusters_listed(self, scope);
    },
    [self](gateway::watch_event<model::openbao_cluster>& e) {
      if (e.type != gateway::watch_event_type::deleted) {
        observe(self, std::move(e.object));
        return;
      }
      self->state.lock_holders.erase(key_of(e.object.metadata.namespace_,
                                            e.object.metadata.name));
    },
    [self](slot_request& r) -> caf::result<slot_verdict> {
      auto& st = self->state;
      auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
      if (!st.seeded) {
        auto rp = self->make_response_promise<slot_verdict>();
        st.deferred.push_back({std::move(r), from, rp});
        return rp;
      }
      return answer(self, r, from);
    },
    [self](restore_done& d) {
      auto& at = self->state.done_at[d.uid];
      if (at.empty() || newer(d.resource_version, at))
        at = std::move(d.resource_version);
    },
    [self](sweep_atom, const std::string& ns, const std::string& name, const std::string& uid,
           std::uint64_t round) { sweep_job(self, ns, name, uid, round); },
    [self](caf::atom_value a, const std::string& ns) {
      if (a == caf::atom("resub"))
        subscribe<restore>(self, ns);
      else if (a == caf::atom("resubc"))
        subscribe<model::openbao_cluster>(self, ns);
      else if (a == caf::atom("reclaim"))
        look_at_suspect(self, ns); // here "ns/cluster"
    },
    [self](reclaim_done& d) { on_reclaim_done(self, d); },
  };
}

} // namespace

caf::actor spawn_restore_controller(caf::actor_system& sys, controller_config config) {
  return sys.spawn(controller, std::move(config));
}

} // namespace baorestore::restore
