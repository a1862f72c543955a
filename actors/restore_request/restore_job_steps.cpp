// The restore_request actor's steps about its Job: create it suspended (with the pod's
// ServiceAccount), read and judge it, unsuspend it, delete it, and watch it until it ends. A
// Job that exists under the restore's name is adopted only when it is ours (restore_job.hpp).
#include <boost/json.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/job_watcher/job_outcome.hpp"
#include "actors/restore_request/detail/restore_state.hpp"

namespace baorestore::restore::detail {

namespace {

using namespace std::chrono_literals;
using gateway::api_errc;

/// The Job is seen anew: the lock must be read live again before it may be unsuspended.
void set_job(self_ptr self, job_seen seen) {
  self->state.obs.job = std::move(seen);
  self->state.obs.cluster_read_after_job = false;
}

void set_missing(self_ptr self) {
  job_seen j;
  j.state = job_state::missing;
  set_job(self, std::move(j));
}

/// What a Job read (or created, or patched) means for this restore.
void judge_job(self_ptr self, const model::job& j) {
  job_seen seen;
  seen.uid = j.metadata.uid;
  seen.resource_version = j.metadata.resource_version;
  seen.deleting = j.metadata.deletion_timestamp.has_value();
  if (!is_our_job(j, self->state.obs.restore)) {
    seen.state = job_state::foreign;
    return set_job(self, std::move(seen));
  }
  auto out = job_watch::classify(j);
  seen.state = out.phase == job_watch::job_phase::succeeded ? job_state::succeeded
               : out.phase == job_watch::job_phase::failed  ? job_state::failed
               : j.spec.suspend.value_or(false)             ? job_state::suspended
                                                            : job_state::running;
  seen.reason = out.reason;
  seen.message = out.message;
  set_job(self, std::move(seen));
}

} // namespace

void look_up_job(self_ptr self) {
  auto& st = self->state;
  auto name = restore_job_name(st.name_);
  self
    ->request(st.config.gateway, caf::infinite, caf::get_atom_v,
              gateway::get_request<model::job>{{st.ns, name}})
    .then(
      [self](model::job& j) {
        judge_job(self, j);
        resume(self);
      },
      [self](caf::error& e) {
        if (e == api_errc::not_found) {
          set_missing(self);
          resume(self);
          return;
        }
        retry_later(self, "Job read")(e);
      });
}

/// The pod's identity, created when missing (owned by the cluster), then the Job.
void create_job(self_ptr self) {
  auto& st = self->state;
  if (st.obs.cluster_state != lookup::found) {
    st.obs.job = {};
    look_up_cluster(self, false);
    return;
  }
  const auto& c = *st.obs.cluster;
  auto sa = build_service_account(c);
  auto job = build_restore_job(st.obs.restore, c, st.obs.fence, st.config.job);
  auto make_job = [self, job]() {
    self
      ->request(self->state.config.gateway, caf::infinite, gateway::create_atom_v,
                gateway::create_request<model::job>{job, gateway::priority::high})
      .then(
        [self](model::job& j) {
          // Judged like a looked-up Job, from the create's answer (no GET).
          judge_job(self, j);
          resume(self);
        },
        [self](caf::error& e) {
          if (e == api_errc::already_exists) // created before (a restart): read and judge it
            return look_up_job(self);
          retry_later(self, "Job create", request_kind::create)(e);
        });
  };
  self
    ->request(st.config.gateway, caf::infinite, gateway::create_atom_v,
              gateway::create_request<model::service_account>{std::move(sa)})
    .then([make_job](const model::service_account&) { make_job(); },
          [self, make_job](caf::error& e) {
            if (e == api_errc::already_exists)
              make_job();
            else
              retry_later(self, "ServiceAccount create", request_kind::create)(e);
          });
}

/// DESIGN §4 step 4: spec.suspend false and the fence of the live read, on the very version
/// of the Job that was judged (409 otherwise: it is read again, and so is the lock).
void unsuspend_job(self_ptr self, std::int64_t fence) {
  namespace json = boost::json;
  auto& st = self->state;
  json::object patch{{"spec", json::object{{"suspend", false}}}};
  if (fence != 0) // 0: the stored lock has none (pruned by upstream's CRD); keep the create's
    patch["metadata"] = json::object{
      {"annotations", json::object{{annotation_fence, std::to_string(fence)}}}};
  gateway::patch_request<model::job> req{{st.ns, restore_job_name(st.name_)},
                                         json::serialize(patch), st.obs.job.resource_version,
                                         gateway::priority::high};
  self->request(st.config.gateway, caf::infinite, gateway::patch_atom_v, std::move(req))
    .then(
      [self, fence](model::job& j) {
        if (fence != 0)
          self->state.obs.fence = fence;
        judge_job(self, j);
        resume(self);
      },
      [self](caf::error& e) {
        if (e == api_errc::conflict) // changed since judged (its status, say): judge it again
          return look_up_job(self);
        if (e == api_errc::not_found) {
          set_missing(self);
          return resume(self);
        }
        retry_later(self, "Job unsuspend")(e);
      });
}

void delete_job(self_ptr self) {
  auto& st = self->state;
  gateway::delete_request<model::job> req{{st.ns, restore_job_name(st.name_)},
                                          gateway::propagation::foreground, st.obs.job.uid,
                                          gateway::priority::high};
  self->request(st.config.gateway, caf::infinite, caf::delete_atom_v, std::move(req))
    .then(
      [self](gateway::deleted) {
        set_job(self, {}); // observe it again: it lingers until its pods are gone
        wait_then_resume(self, 500ms);
      },
      [self](caf::error& e) {
        if (e == api_errc::not_found) {
          set_missing(self);
          resume(self);
          return;
        }
        retry_later(self, "Job delete", request_kind::write)(e);
      });
}

void watch_job(self_ptr self) {
  auto& st = self->state;
  if (st.watcher)
    return; // it reports when the Job ends
  job_watch::job_watch_config c;
  c.gateway = st.config.gateway;
  c.locks = st.config.locks;
  c.cluster = cluster_key_of(self);
  c.job = {st.ns, restore_job_name(st.name_), st.obs.job.uid};
  c.holder = holder_of(st.obs.restore);
  c.fence = st.obs.fence;
  c.schedule = st.config.job_polls;
  st.watcher = job_watch::spawn_job_watcher(self, std::move(c));
}

} // namespace baorestore::restore::detail
