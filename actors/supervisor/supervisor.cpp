#include "actors/supervisor/supervisor.hpp"

#include <algorithm>
#include <exception>

#include "caf/all.hpp"

namespace baorestore::supervision {

std::string to_string(supervisor_errc e) {
  switch (e) {
    case supervisor_errc::intensity_exceeded:
      return "intensity_exceeded";
    case supervisor_errc::duplicate_child:
      return "duplicate_child";
    case supervisor_errc::start_failed:
      return "start_failed";
  }
  return "unknown";
}

namespace {

struct child_entry {
  std::string id;
  child_factory factory;
  caf::actor current;         // invalid while a restart is pending
  std::uint32_t restarts = 0; // successful restarts
  std::uint32_t attempt = 0;  // consecutive crashes (restart_policy's next_attempt)
  time_point started{};
  std::uint64_t pending = 0;  // token of the pending restart timer, 0: none
};

struct supervisor_state {
  restart_policy policy;
  std::shared_ptr<restart_counters> counters; // optional
  std::vector<child_entry> children; // in start order
  std::vector<time_point> restarts;  // the supervisor's restarts within the last period
  std::uint64_t last_token = 0;

  supervisor_state() = default;
  supervisor_state(const supervisor_state&) = delete;
  supervisor_state& operator=(const supervisor_state&) = delete;

  // Runs when the supervisor terminates (stateful_actor destroys its state in on_exit), for
  // whatever reason: an escalation, a parent's exit message, a kill. Children go with it.
  ~supervisor_state() {
    for (auto& c : children)
      if (c.current)
        caf::anon_send_exit(c.current, caf::exit_reason::user_shutdown);
  }

  child_entry* find(const std::string& id) {
    auto i = std::find_if(children.begin(), children.end(),
                          [&](const child_entry& c) { return c.id == id; });
    return i == children.end() ? nullptr : &*i;
  }

  child_entry* find(const caf::actor_addr& a) {
    auto i = std::find_if(children.begin(), children.end(), [&](const child_entry& c) {
      return c.current && c.current.address() == a;
    });
    return i == children.end() ? nullptr : &*i;
  }

  void erase(const std::string& id) {
    children.erase(std::remove_if(children.begin(), children.end(),
                                  [&](const child_entry& c) { return c.id == id; }),
                   children.end());
  }

  static inline const char* name = "supervisor";
};

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

child_entry make_entry(start_child& x) {
  child_entry c;
  c.id = x.id;
  c.factory = std::move(x.factory);
  return c;
}

bool is_normal_exit(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal
         || reason == caf::exit_reason::user_shutdown;
}

/// Starts one incarnation of `c` and monitors it.
caf::expected<caf::actor> launch(self_ptr self, child_entry& c) {
  c.started = self->clock().now();
  caf::actor a;
  try {
    a = c.factory(self);
  } catch (const std::exception& e) {
    return caf::make_error(supervisor_errc::start_failed, c.id + ": " + e.what());
  } catch (...) {
    return caf::make_error(supervisor_errc::start_failed, c.id + ": unknown exception");
  }
  if (!a)
    return caf::make_error(supervisor_errc::start_failed, c.id + ": factory gave no actor");
  self->monitor(a); // an actor already gone yields a down_msg at once
  c.current = a;
  return a;
}

/// The child `id` terminated abnormally (or failed to start again): restart it after the
/// backoff, or escalate.
void on_crash(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto* c = st.find(id);
  if (c == nullptr)
    return;
  auto now = self->clock().now();
  c->current = nullptr;
  c->attempt = next_attempt(st.policy, c->attempt, now - c->started);
  auto& rs = st.restarts;
  rs.erase(std::remove_if(rs.begin(), rs.end(),
                          [&](time_point t) { return now - t >= st.policy.period; }),
           rs.end());
  auto d = decide_restart(st.policy, rs, c->attempt, now);
  if (d.action == restart_action::escalate) {
    self->quit(caf::make_error(supervisor_errc::intensity_exceeded, id));
    return;
  }
  rs.push_back(now);
  c->pending = ++st.last_token;
  if (d.delay <= duration{0})
    self->send(self, restart_atom_v, id, c->pending);
  else
    self->delayed_send(self, d.delay, restart_atom_v, id, c->pending);
}

void on_restart_due(self_ptr self, const std::string& id, std::uint64_t token) {
  auto* c = self->state.find(id);
  if (c == nullptr || c->pending != token)
    return; // stopped (or replaced) meanwhile
  c->pending = 0;
  if (launch(self, *c)) {
    ++c->restarts;
    if (self->state.counters)
      self->state.counters->record_restart(id);
  } else
    on_crash(self, id); // a failed start counts as another crash
}

supervisor_actor::behavior_type supervisor_impl(self_ptr self, restart_policy policy,
                                                std::vector<start_child> initial,
                                                std::shared_ptr<restart_counters> counters) {
  self->state.policy = policy;
  self->state.counters = std::move(counters);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto* c = self->state.find(dm.source);
    if (c == nullptr)
      return; // stopped on purpose, or an older incarnation
    if (is_normal_exit(dm.reason)) {
      self->state.erase(c->id);
      return;
    }
    on_crash(self, c->id);
  });
  for (auto& x : initial) {
    if (self->state.find(x.id) != nullptr) {
      self->quit(caf::make_error(supervisor_errc::duplicate_child, x.id));
      return supervisor_actor::behavior_type::make_empty_behavior();
    }
    self->state.children.push_back(make_entry(x));
    if (auto r = launch(self, self->state.children.back()); !r) {
      self->quit(std::move(r.error()));
      return supervisor_actor::behavior_type::make_empty_behavior();
    }
  }
  return {
    [self](start_child& x) -> caf::result<caf::actor> {
      auto& st = self->state;
      if (st.find(x.id) != nullptr)
        return caf::make_error(supervisor_errc::duplicate_child, x.id);
      if (!x.factory)
        return caf::make_error(supervisor_errc::start_failed, x.id + ": no factory");
      st.children.push_back(make_entry(x));
      auto r = launch(self, st.children.back());
      if (!r) {
        st.erase(x.id);
        return std::move(r.error());
      }
      return *r;
    },
    [self](stop_child& x) -> bool {
      auto& st = self->state;
      auto* c = st.find(x.id);
      if (c == nullptr)
        return false;
      if (c->current) {
        self->demonitor(c->current);
        self->send_exit(c->current, caf::exit_reason::user_shutdown);
      }
      st.erase(x.id); // a pending restart timer finds nothing
      return true;
    },
    [self](which_children&) -> std::vector<child_info> {
      std::vector<child_info> out;
      for (auto& c : self->state.children)
        out.push_back(child_info{c.id, c.current, c.restarts});
      return out;
    },
    [self](restart_atom, std::string& id, std::uint64_t token) {
      on_restart_due(self, id, token);
    },
  };
}

} // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, restart_policy policy,
                                  std::vector<start_child> initial,
                                  std::shared_ptr<restart_counters> counters) {
  return sys.spawn(supervisor_impl, policy, std::move(initial), std::move(counters));
}

} // namespace baorestore::supervision
