#pragma once
// `baorestore dev`: the embedded development cluster and the operator in one process
// (issue 7). It loads deploy/crds, applies deploy/samples (and marks the sample cluster
// initialized, as the OpenBao operator would), writes a kubeconfig and says how to point
// kubectl at it, then shows every restore's progress until SIGINT/SIGTERM.
//
// `baorestore dev --demo` plays a scripted scenario across three tenants instead of the
// samples and exits 0 only if every restore ends in the phase the scenario expects:
//   tenant-a  a backup holds the lock (through the in-process lock client); the restore
//             waits for it and completes once the backup releases;
//   tenant-b  an invalid restore (its cluster does not exist) fails before anything
//             destructive, and a restore with force + overrideOperationLock takes the lock
//             from an upgrade and completes;
//   tenant-c  the restore Job fails (the embedded Job runner is told so), and so does the
//             restore, releasing the lock.

#include <chrono>
#include <ostream>
#include <string>

namespace baorestore::cli {

struct dev_options {
  std::string listen = "127.0.0.1:0";
  std::string crds_dir = "deploy/crds";
  std::string samples_dir = "deploy/samples";
  std::string kubeconfig_out; // empty: <temp dir>/baorestore-dev.kubeconfig
  std::string job_duration = "3s";
  bool demo = false;
  double demo_timeout = 120; // seconds
};

/// Exit codes: 0 stopped by a signal, or a demo that went as expected; 1 a demo that did
/// not; 2 unusable options or files.
int run_dev(const dev_options& opts, std::ostream& out, std::ostream& err);

} // namespace baorestore::cli
