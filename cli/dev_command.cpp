// `baorestore dev`: the embedded cluster and the operator in one process, with a live view.
#include "cli/dev_command.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <pthread.h>
#include <unistd.h>

#include "caf/all.hpp"

#include "actors/cluster_lock/lock_client.hpp"
#include "cli/dev_cluster.hpp"
#include "cli/dev_demo.hpp"
#include "cli/dev_lock_service.hpp"
#include "cli/devcluster_command.hpp"
#include "cli/exit_code.hpp"
#include "cli/run_command.hpp"
#include "model/manifest.hpp"

namespace baorestore::cli {

namespace {

using namespace std::chrono_literals;

/// Applies every manifest of `dir` (in file name order); one line per problem.
std::vector<std::string> apply_samples(dev_cluster& c, const std::string& dir) {
  std::vector<std::string> problems;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  std::filesystem::directory_iterator entries{dir, ec};
  if (ec) // a relative default run from another directory, or a typo: say so, apply nothing
    return {dir + ": cannot read the samples directory: " + ec.message() +
            " (run from the repository root, or pass --samples DIR)"};
  for (const auto& e : entries)
    if (e.path().extension() == ".yaml" || e.path().extension() == ".yml")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto m = model::read_manifest_file(f);
    if (!m.error.empty())
      problems.push_back(f.string() + ": " + m.error);
    for (const auto& d : m.documents) {
      if (!d.ok()) {
        problems.push_back(d.source + ": " + d.error);
        continue;
      }
      auto r = c.create(d.json);
      if (r.status >= 300)
        problems.push_back(d.source + ": " + std::to_string(r.status) + " " + r.body);
    }
  }
  return problems;
}

std::string write_kubeconfig(const dev_options& opts, const std::string& url) {
  auto path = opts.kubeconfig_out.empty()
                ? (std::filesystem::temp_directory_path() / "baorestore-dev.kubeconfig").string()
                : opts.kubeconfig_out;
  std::ofstream{path} << kubeconfig_for(url);
  return path;
}

/// Shows progress until `stop()` says so: a redrawn table on a terminal, else one line per
/// change.
template <class Stop>
void show_progress(dev_cluster& c, std::ostream& out, Stop stop) {
  bool tty = isatty(STDOUT_FILENO) == 1;
  std::map<std::string, progress_row> last;
  for (bool last_round = false; !last_round;) {
    last_round = stop(); // one more view after the end, so the final phases show
    auto rows = progress(c, std::chrono::system_clock::now());
    if (tty) {
      out << "\033[H\033[J" << render_table(rows) << std::flush;
    } else {
      for (const auto& r : rows) {
        auto key = r.tenant + "/" + r.name;
        auto seen = last.find(key);
        bool changed = seen == last.end() || seen->second.phase != r.phase
                       || seen->second.lock != r.lock || seen->second.message != r.message;
        if (changed)
          out << render_line(r) << std::endl;
        last[key] = r;
      }
    }
    if (!last_round)
      std::this_thread::sleep_for(500ms);
  }
}

} // namespace

int run_dev(const dev_options& opts, std::ostream& out, std::ostream& err) {
  auto listen = parse_listen(opts.listen);
  auto duration = devcluster::parse_job_duration(opts.job_duration);
  if (!listen || !duration) {
    err << "dev: --listen wants HOST:PORT and --job-duration a duration such as 3s\n";
    return exit_usage;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  devcluster::job_runner_options jobs;
  jobs.duration = *duration;
  std::unique_ptr<dev_cluster> cluster;
  try {
    cluster = std::make_unique<dev_cluster>(listen->first, listen->second, jobs);
  } catch (const std::exception& e) {
    err << "dev: cannot serve on " << opts.listen << ": " << e.what() << "\n";
    return exit_usage;
  }
  auto problems = cluster->load_crds(opts.crds_dir);
  if (!opts.demo) {
    auto more = apply_samples(*cluster, opts.samples_dir);
    problems.insert(problems.end(), more.begin(), more.end());
    // The OpenBao operator would record this; here nobody else does.
    cluster->patch_cluster_status("tenant-a", "vault", R"({"initialized":true})");
  }
  for (const auto& p : problems)
    err << "dev: " << p << "\n";
  if (!problems.empty())
    return exit_usage;
  auto kubeconfig = write_kubeconfig(opts, cluster->url());
  out << "dev: embedded cluster at " << cluster->url() << "\n"
      << "dev: point kubectl at it with: export KUBECONFIG=" << kubeconfig << "\n"
      << "dev:   kubectl get obrestore -A -o wide    kubectl get events -A" << std::endl;

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  gateway::connection_config conn;
  conn.server = {false, "127.0.0.1", cluster->port(), ""};
  run_options ropts;
  ropts.quiet = true;
  ropts.qps = 0; // the embedded cluster is in-process: no client-side limit
  ropts.job_poll_initial = 0.5;
  ropts.job_poll_ceiling = 2;
  ropts.lock_wait = std::chrono::seconds{5};
  // The lock service with a generated pair and demo token; not in --demo, whose output and
  // timing stay as they are.
  std::optional<dev_lock_files> lock_files;
  if (!opts.demo) {
    try {
      lock_files = write_dev_lock_files();
    } catch (const std::exception& e) {
      err << "dev: lock service not served: " << e.what() << "\n";
    }
  }
  if (lock_files) {
    ropts.lock_service.address = "127.0.0.1:0";
    ropts.lock_service.cert_file = lock_files->cert_file;
    ropts.lock_service.key_file = lock_files->key_file;
    ropts.lock_service.tokens_file = lock_files->tokens_file;
  }
  auto ops = start_operator(sys, conn, ropts, err);
  if (lock_files)
    print_lock_service_howto(out, *lock_files, lock_service_port(*ops));
  int code = exit_ok;
  if (opts.demo) {
    cluster_lock::lock_client locks{sys, lock_registry_of(*ops)};
    code = play_demo(*cluster, locks, opts.demo_timeout, out, [&](auto stop) {
      show_progress(*cluster, out, stop);
    });
  } else {
    std::atomic<bool> stopping{false};
    std::thread waiter{[&] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      stopping = true;
    }};
    show_progress(*cluster, out, [&] { return stopping.load(); });
    waiter.join();
    out << "dev: stopping" << std::endl;
  }
  stop_operator(*ops);
  if (lock_files)
    remove_dev_lock_files(*lock_files);
  return code;
}

} // namespace baorestore::cli
