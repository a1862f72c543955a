#pragma once
// The observations the pure restore tables start from (next_step_test, admission_test): a
// valid restore of tenant-a/vault with a JWT role, with the finalizer, its generation
// validated, the cluster found and initialized. Each case changes what it is about.

#include <chrono>
#include <string>

#include "actors/restore_request/observation.hpp"
#include "model/time.hpp"

namespace restore_tables {

using namespace baorestore;
using namespace baorestore::restore;

inline model::timestamp at(int seconds) {
  return *model::parse_rfc3339("2026-11-25T10:00:00Z") + std::chrono::seconds{seconds};
}

inline observation valid_restore(model::restore_phase phase = model::restore_phase::validating) {
  observation o;
  auto& r = o.restore;
  r.metadata.name = "restore-1";
  r.metadata.namespace_ = "tenant-a";
  r.metadata.uid = "uid-1";
  r.metadata.generation = 1;
  r.metadata.finalizers = {model::restore_finalizer};
  r.spec.cluster = "vault";
  r.spec.source.target.bucket = "b";
  r.spec.source.key = "k.snap";
  r.spec.jwt_auth_role = "restore";
  r.status.phase = phase;
  r.status.observed_generation = 1;
  model::openbao_cluster c;
  c.metadata.name = "vault";
  c.metadata.namespace_ = "tenant-a";
  c.status.initialized = true;
  o.cluster = c;
  o.cluster_state = lookup::found;
  o.now = at(0);
  return o;
}

} // namespace restore_tables
