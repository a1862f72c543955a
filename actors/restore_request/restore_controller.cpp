// The restore controller: watch events in, restore_request actors (supervised) out.
#include "actors/restore_request/restore_controller.hpp"

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
  self->send(self->state.supervisor,
             supervision::stop_child{child_id(r.metadata.namespace_, r.metadata.name)});
}

void subscribe(self_ptr self, const std::string& ns) {
  gateway::watch_request<restore> req{ns, "", caf::actor_cast<caf::actor>(self)};
  self->request(self->state.config.restores.gateway, caf::infinite, gateway::watch_atom_v, req)
    .then([](std::uint64_t) {},
          [self, ns](caf::error& e) {
            if (self->state.config.restores.log)
              self->state.config.restores.log("restore watch of \"" + ns
                                              + "\" failed: " + gateway::api_error_message(e));
            self->delayed_send(self, 5s, caf::atom("resub"), ns);
          });
}

caf::behavior controller(self_ptr self, controller_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.supervisor = supervision::spawn_supervisor(self->system(), st.config.restarts);
  self->link_to(st.supervisor);
  if (st.config.namespaces.empty())
    subscribe(self, "");
  for (const auto& ns : st.config.namespaces)
    subscribe(self, ns);
  return {
    [self](gateway::watch_synced<restore>& s) {
      for (auto& r : s.items)
        ensure(self, std::move(r));
    },
    [self](gateway::watch_event<restore>& e) {
      if (e.type == gateway::watch_event_type::deleted)
        stop(self, e.object);
      else
        ensure(self, std::move(e.object));
    },
    [self](caf::atom_value a, const std::string& ns) {
      if (a == caf::atom("resub"))
        subscribe(self, ns);
    },
  };
}

} // namespace

caf::actor spawn_restore_controller(caf::actor_system& sys, controller_config config) {
  return sys.spawn(controller, std::move(config));
}

} // namespace baorestore::restore
