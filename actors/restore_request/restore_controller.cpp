// The restore controller: watch events in, restore_request actors (supervised) out.
#include "actors/restore_request/restore_controller.hpp"

#include <type_traits>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/supervisor/supervisor.hpp"

namespace baorestore::restore {

namespace {

using namespace std::chrono_literals;
using restore = model::openbao_restore;

struct controller_state {
  static inline const char* name = "restore_controller";
  controller_config config;
  supervision::supervisor_actor supervisor;
};

using self_ptr = caf::stateful_actor<controller_state>*;

std::string child_id(const std::string& ns, const std::string& name) {
  return "restore/" + ns + "/" + name;
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

void stop(self_ptr self, const restore& r) {
  // false (no such child) is fine: its actor may have finished already.
  self->request(self->state.supervisor, caf::infinite,
                supervision::stop_child{child_id(r.metadata.namespace_, r.metadata.name)})
    .then([](bool) {}, [](const caf::error&) {});
}

/// Watches restores (and clusters) in `ns`; a refused watch is asked for again later.
template <class T>
void subscribe(self_ptr self, const std::string& ns) {
  gateway::watch_request<T> req{ns, "", caf::actor_cast<caf::actor>(self)};
  self->request(self->state.config.restores.gateway, caf::infinite, gateway::watch_atom_v, req)
    .then([](std::uint64_t) {},
          [self, ns](caf::error& e) {
            if (self->state.config.restores.log)
              self->state.config.restores.log("watch of \"" + ns
                                              + "\" failed: " + gateway::api_error_message(e));
            auto again = std::is_same_v<T, restore> ? caf::atom("resub") : caf::atom("resubc");
            self->delayed_send(self, 5s, again, ns);
          });
}

/// A cluster seen by the watch goes to the lock registry, so that a lock written outside
/// this process (or freed) is noticed at once by the cluster's lock actor.
void observe(self_ptr self, model::openbao_cluster c) {
  self->send(self->state.config.restores.locks, cluster_lock::cluster_observed{std::move(c)});
}

caf::behavior controller(self_ptr self, controller_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.supervisor = supervision::spawn_supervisor(self->system(), st.config.restarts);
  self->link_to(st.supervisor);
  auto namespaces = st.config.namespaces;
  if (namespaces.empty())
    namespaces.emplace_back(); // all
  for (const auto& ns : namespaces) {
    subscribe<restore>(self, ns);
    subscribe<model::openbao_cluster>(self, ns);
  }
  return {
    [self](gateway::watch_synced<restore>& s) {
      if (auto& stats = self->state.config.stats)
        stats->resync(s.items);
      for (auto& r : s.items)
        ensure(self, std::move(r));
    },
    [self](gateway::watch_event<restore>& e) {
      auto& stats = self->state.config.stats;
      if (e.type == gateway::watch_event_type::deleted) {
        if (stats)
          stats->forget(e.object.metadata.namespace_, e.object.metadata.name);
        stop(self, e.object);
        return;
      }
      if (stats)
        stats->observe(e.object);
      ensure(self, std::move(e.object));
    },
    [self](gateway::watch_synced<model::openbao_cluster>& s) {
      for (auto& c : s.items)
        observe(self, std::move(c));
    },
    [self](gateway::watch_event<model::openbao_cluster>& e) {
      if (e.type != gateway::watch_event_type::deleted)
        observe(self, std::move(e.object));
    },
    [self](caf::atom_value a, const std::string& ns) {
      if (a == caf::atom("resub"))
        subscribe<restore>(self, ns);
      else if (a == caf::atom("resubc"))
        subscribe<model::openbao_cluster>(self, ns);
    },
  };
}

} // namespace

caf::actor spawn_restore_controller(caf::actor_system& sys, controller_config config) {
  return sys.spawn(controller, std::move(config));
}

} // namespace baorestore::restore
