#pragma once
// The restore controller (issue 6): follows OpenBaoRestore objects through the gateway's
// watch (in the watched namespaces, or all), and keeps one restore_request actor per restore
// under a one-for-one supervisor: a restore that is not finished, one being deleted, and one
// finished whose lock cleanup may still be owed (it checks, and quits when nothing is). The
// changes the watch sees are handed to that restore's actor; a restore gone from the API
// server stops it. It also watches OpenBaoClusters and hands each version it sees to the
// lock registry (cluster_observed), so that a lock written or freed outside this process is
// noticed at once. State is never kept here beyond the watches: actors re-read what they need.
// Two things are derived from the watches: the holders of the clusters' locks (a finished
// restore whose cluster it no longer holds gets no actor), and the per-tenant running limit
// (admission.hpp): restore actors ask the controller for a slot before the lock, and the
// holders are seeded from the API server (Running, or holding the lock) before anyone is
// answered. Third, orphan Restore locks (orphan_lock.hpp): a cluster locked by a restore uid
// the restore watch does not hold is a suspect, which a reclaimer (lock_reclaim.hpp) looks at
// live after a grace period, and again later while that restore's Job still runs.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/typed_actor.hpp"

#include "actors/restore_request/restore_request.hpp"
#include "actors/restore_request/restore_stats.hpp"
#include "actors/supervisor/restart_counters.hpp"
#include "actors/supervisor/restart_policy.hpp"

namespace baorestore::restore {

struct controller_config {
  /// Namespaces to watch; empty: all namespaces.
  std::vector<std::string> namespaces;
  restore_request_config restores;
  /// Fed with every restore the watch delivers (metrics, readiness); optional.
  std::shared_ptr<restore_stats> stats;
  /// At most this many restores of one namespace hold a slot (ask for the lock, run a Job)
  /// at once; 0: unlimited (perTenantRunningLimit, admission.hpp).
  std::size_t per_tenant_running_limit = 0;
  supervision::restart_policy restarts{50, std::chrono::seconds{60},
                                       std::chrono::milliseconds{200}, std::chrono::seconds{10}};
  /// Restarts of restore actors, for /metrics; optional.
  std::shared_ptr<supervision::restart_counters> restart_counts;
  /// Orphan Restore locks: a suspect is read live this long after the watches showed it (a
  /// restore's own release may still be on its way), and again this often while a Job of
  /// its restore runs or the reads fail.
  std::chrono::milliseconds orphan_grace{std::chrono::seconds{5}};
  std::chrono::milliseconds orphan_recheck{std::chrono::seconds{30}};
};

/// The controller takes no requests: it runs until it is stopped (its supervisor and
/// restore actors stop with it).
caf::actor spawn_restore_controller(caf::actor_system& sys, controller_config config);

} // namespace baorestore::restore
