#pragma once
// The restore controller (issue 6): follows OpenBaoRestore objects through the gateway's
// watch (in the watched namespaces, or all), and keeps one restore_request actor per restore
// under a one-for-one supervisor: a restore that is not finished, one being deleted, and one
// finished whose lock cleanup may still be owed (it checks, and quits when nothing is). The
// changes the watch sees are handed to that restore's actor; a restore gone from the API
// server stops it. It also watches OpenBaoClusters and hands each version it sees to the
// lock registry (cluster_observed), so that a lock written or freed outside this process is
// noticed at once. State is never kept here beyond the watches: actors re-read what they need.

#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/typed_actor.hpp"

#include "actors/restore_request/restore_request.hpp"
#include "actors/restore_request/restore_stats.hpp"
#include "actors/supervisor/restart_policy.hpp"

namespace baorestore::restore {

struct controller_config {
  /// Namespaces to watch; empty: all namespaces.
  std::vector<std::string> namespaces;
  restore_request_config restores;
  /// Fed with every restore the watch delivers (metrics, readiness); optional.
  std::shared_ptr<restore_stats> stats;
  supervision::restart_policy restarts{50, std::chrono::seconds{60},
                                       std::chrono::milliseconds{200}, std::chrono::seconds{10}};
};

/// The controller takes no requests: it runs until it is stopped (its supervisor and
/// restore actors stop with it).
caf::actor spawn_restore_controller(caf::actor_system& sys, controller_config config);

} // namespace baorestore::restore
