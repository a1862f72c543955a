#include "actors/restore_request/lock_reclaim.hpp"

#include <chrono>
#include <utility>

#include "caf/all.hpp"

#include "actors/restore_request/restore_job.hpp"
#include "model/event.hpp"
#include "model/openbao_restore.hpp"

namespace baorestore::restore {

namespace {

struct reclaim_state {
  static inline const char* name = "lock_reclaim";
  reclaim_config config;
  reclaim_suspect suspect;
  restore_holder holder; // parsed from suspect.holder
  caf::actor parent;
  model::openbao_cluster cluster; // as read live
  orphan_reads reads;
};

using self_ptr = caf::stateful_actor<reclaim_state>*;

void done(self_ptr self, std::optional<orphan_verdict> verdict, std::string error = {},
          std::string event_error = {}) {
  auto& st = self->state;
  self->send(st.parent, reclaim_done{st.suspect, verdict, std::move(error),
                                     std::move(event_error)});
  self->quit();
}

auto failed(self_ptr self, const char* what) {
  return [self, what](caf::error& e) {
    done(self, std::nullopt, std::string{what} + ": " + gateway::api_error_message(e));
  };
}

model::timestamp now(self_ptr self) {
  if (self->state.config.clock)
    return self->state.config.clock();
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

model::event reclaim_event(self_ptr self) {
  auto& st = self->state;
  const auto& c = st.cluster.metadata;
  model::event ev;
  ev.metadata.name = reclaim_event_name(c.name, st.holder);
  ev.metadata.namespace_ = c.namespace_;
  ev.involved_object = {model::openbao_api_version, model::cluster_kind, c.name,
                        c.namespace_, c.uid, {}};
  ev.reason = "LockReclaimed";
  ev.message = "released the operation lock held by " + st.suspect.holder
               + ": no OpenBaoRestore with uid " + st.holder.uid + " exists in "
               + c.namespace_ + " and no Job of it runs";
  ev.type = model::event_type::warning;
  ev.count = 1;
  ev.first_timestamp = now(self);
  ev.last_timestamp = ev.first_timestamp;
  ev.source.component = st.config.component;
  ev.reporting_component = st.config.component;
  return ev;
}

void write_event(self_ptr self) {
  auto& st = self->state;
  self
    ->request(st.config.gateway, caf::infinite, gateway::create_atom_v,
              gateway::create_request<model::event>{reclaim_event(self)})
    .then([self](const model::event&) { done(self, orphan_verdict::reclaim); },
          [self](caf::error& e) {
            // Another operator process reclaimed it too and said so first.
            if (e == gateway::api_errc::already_exists)
              return done(self, orphan_verdict::reclaim);
            done(self, orphan_verdict::reclaim, {}, gateway::api_error_message(e));
          });
}

void release(self_ptr self) {
  auto& st = self->state;
  cluster_lock::cluster_key key{st.suspect.namespace_, st.suspect.cluster};
  // The lock actor decides on its copy of the cluster: make it at least as new as ours.
  self->send(st.config.locks, cluster_lock::cluster_observed{st.cluster});
  self
    ->request(st.config.locks, caf::infinite,
              cluster_lock::release_request{key, model::cluster_operation::restore,
                                            st.suspect.holder})
    .then(
      [self](cluster_lock::lock_reply& r) {
        if (r.outcome == cluster_lock::lock_outcome::released)
          return write_event(self);
        done(self, orphan_verdict::not_orphan); // taken or freed meanwhile
      },
      failed(self, "release"));
}

void judge(self_ptr self) {
  auto& st = self->state;
  auto verdict = judge_orphan(st.suspect.holder, st.reads);
  if (verdict == orphan_verdict::reclaim)
    return release(self);
  done(self, verdict);
}

void read_job(self_ptr self) {
  auto& st = self->state;
  gateway::get_request<model::job> get{
    {st.suspect.namespace_, restore_job_name(st.holder.name)}, gateway::priority::normal};
  get.cached = false;
  self->request(st.config.gateway, caf::infinite, caf::get_atom_v, std::move(get))
    .then(
      [self](model::job& j) {
        self->state.reads.job = view_of(j);
        judge(self);
      },
      [self](caf::error& e) {
        if (e != gateway::api_errc::not_found)
          return failed(self, "read Job")(e);
        judge(self);
      });
}

void read_restore(self_ptr self) {
  auto& st = self->state;
  gateway::get_request<model::openbao_restore> get{{st.suspect.namespace_, st.holder.name},
                                                   gateway::priority::normal};
  get.cached = false;
  self->request(st.config.gateway, caf::infinite, caf::get_atom_v, std::move(get))
    .then(
      [self](model::openbao_restore& r) {
        self->state.reads.restore_uid = r.metadata.uid;
        if (judge_orphan(self->state.suspect.holder, self->state.reads)
            == orphan_verdict::restore_exists)
          return done(self, orphan_verdict::restore_exists);
        read_job(self);
      },
      [self](caf::error& e) {
        if (e != gateway::api_errc::not_found)
          return failed(self, "read OpenBaoRestore")(e);
        read_job(self);
      });
}

void read_cluster(self_ptr self) {
  auto& st = self->state;
  gateway::get_request<model::openbao_cluster> get{{st.suspect.namespace_, st.suspect.cluster},
                                                   gateway::priority::normal};
  get.cached = false;
  self->request(st.config.gateway, caf::infinite, caf::get_atom_v, std::move(get))
    .then(
      [self](model::openbao_cluster& c) {
        auto& st = self->state;
        st.reads.lock = c.status.lock;
        st.cluster = std::move(c);
        if (judge_orphan(st.suspect.holder, st.reads) == orphan_verdict::not_orphan)
          return done(self, orphan_verdict::not_orphan);
        read_restore(self);
      },
      [self](caf::error& e) {
        if (e == gateway::api_errc::not_found)
          return done(self, orphan_verdict::not_orphan); // no cluster, no lock
        failed(self, "read OpenBaoCluster")(e);
      });
}

caf::behavior reclaimer(self_ptr self, reclaim_config config, reclaim_suspect suspect,
                        caf::actor parent) {
  auto& st = self->state;
  st.config = std::move(config);
  st.suspect = std::move(suspect);
  st.parent = std::move(parent);
  if (auto h = parse_restore_holder(st.suspect.holder)) {
    st.holder = std::move(*h);
    read_cluster(self);
  } else {
    done(self, orphan_verdict::not_orphan);
  }
  return {
    [](caf::ok_atom) {
      // nop: everything happens in the responses to its requests
    },
  };
}

} // namespace

void spawn_lock_reclaim(caf::local_actor* parent, reclaim_config config,
                        reclaim_suspect suspect) {
  parent->spawn(reclaimer, std::move(config), std::move(suspect),
                caf::actor_cast<caf::actor>(parent));
}

} // namespace baorestore::restore
