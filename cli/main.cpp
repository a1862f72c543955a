// The baorestore executable: CLI11 wiring only. Each subcommand is one add_<name>_command
// function that declares its options and, when chosen, runs the command's logic
// (cli/<name>_command.hpp, testable without a process) and keeps its exit code.

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/dev_command.hpp"
#include "cli/devcluster_command.hpp"
#include "cli/exit_code.hpp"
#include "cli/lock_command.hpp"
#include "cli/run_command.hpp"
#include "cli/validate_command.hpp"

namespace {

using namespace baorestore::cli;

void add_validate_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
    "validate", "Check manifests (YAML or JSON) offline, one verdict per document");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Manifest files; - reads standard input")->required();
  cmd->callback([files, &exit_code] { exit_code = run_validate(*files, std::cout, std::cerr); });
}

void add_devcluster_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
    "devcluster", "Run the embedded development cluster (a Kubernetes API kubectl can drive)");
  auto opts = std::make_shared<devcluster_options>();
  cmd->add_option("--listen", opts->listen, "HOST:PORT to serve on (port 0: any free port)")
    ->capture_default_str();
  auto* crds = cmd->add_option("--crds", opts->crds_dir, "Directory of CRDs to serve from the start")
                 ->capture_default_str();
  cmd->add_option("--data-dir", opts->data_dir, "Persist the objects here (default: memory only)");
  cmd->add_flag("--tls", opts->tls, "Serve HTTPS with a self-signed certificate generated at start");
  cmd->add_option("--token", opts->token,
                  "Bearer token required on every request (with --tls; default: a random one)");
  cmd->add_flag("--legacy-discovery", opts->legacy_discovery,
                "Serve only legacy discovery, never aggregated (apidiscovery.k8s.io/v2)");
  cmd->add_option("--job-duration", opts->job_duration,
                  "How long a Job runs before it finishes (per Job: annotation "
                  "devcluster.baorestore.io/duration)")
    ->capture_default_str();
  cmd->add_option("--job-outcome", opts->job_outcome,
                  "succeed or fail: how a Job finishes (per Job: annotation "
                  "devcluster.baorestore.io/outcome)")
    ->capture_default_str();
  cmd->callback([opts, crds, &exit_code] {
    opts->crds_dir_given = crds->count() > 0;
    exit_code = run_devcluster(*opts, std::cout, std::cerr);
  });
}

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
    "run", "Run the operator against a Kubernetes API server (kubeconfig or in-cluster)");
  auto opts = std::make_shared<run_options>();
  // Options that override a setting of the configuration, by the setting's path.
  std::vector<std::pair<CLI::Option*, std::string>> settings;
  auto setting = [&settings](CLI::Option* o, std::string path) {
    settings.emplace_back(o, std::move(path));
    return o;
  };
  cmd->add_option("--config", opts->config_file,
                  "Configuration file (YAML, config/baorestore.yaml); BAORESTORE_* environment "
                  "variables override it, flags given override both");
  cmd->add_flag("--print-config", opts->print_config,
                "Print the effective configuration as YAML and exit");
  auto* kubeconfig = cmd->add_option("--kubeconfig", opts->kubeconfig,
                  "kubeconfig file (default: the in-cluster configuration)");
  setting(kubeconfig, "kubeconfig");
  cmd->add_option("--context", opts->context, "kubeconfig context (default: its current one)");
  setting(cmd->add_option("--namespace", opts->namespaces,
                          "Namespace to watch (repeatable; default all)"),
          "watchedNamespaces");
  setting(cmd->add_option(
            "--executor-image", opts->executor_image,
            "Restore executor image when neither the restore nor its cluster names one"),
          "executorImage");
  setting(cmd->add_option("--qps", opts->qps, "API requests per second (client-side)")
            ->capture_default_str(),
          "qps");
  setting(cmd->add_option("--burst", opts->burst, "API request burst")->capture_default_str(),
          "burst");
  setting(cmd->add_option("--job-poll-initial", opts->job_poll_initial,
                          "First interval between Job polls, seconds")
            ->capture_default_str(),
          "jobPollInitial");
  setting(cmd->add_option("--job-poll-ceiling", opts->job_poll_ceiling,
                          "Longest interval between Job polls, seconds")
            ->capture_default_str(),
          "jobPollCeiling");
  cmd->add_flag("--quiet", opts->quiet, "No line per restore step on stderr");
  auto log_format = std::make_shared<std::string>("json");
  cmd->add_option("--log-format", *log_format, "Log lines on stderr: json or text")
    ->check(CLI::IsMember({"json", "text"}))
    ->capture_default_str();
  setting(cmd->add_option("--metrics-address", opts->metrics_address,
                          "HOST:PORT for /metrics, /healthz and /readyz (port 0: any free one)"),
          "metricsAddress");
  cmd->callback([opts, settings, log_format, &exit_code] {
    opts->log_format = baorestore::log::parse_format(*log_format).value_or(opts->log_format);
    for (const auto& [option, path] : settings)
      if (option->count() > 0)
        opts->given.insert(path);
    exit_code = run_operator(*opts, std::cout, std::cerr);
  });
}

void add_dev_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
    "dev", "The embedded cluster and the operator in one process, with a live progress view");
  auto opts = std::make_shared<dev_options>();
  cmd->add_flag("--demo", opts->demo,
                "Play a scripted scenario across three tenants; exit 0 only if it ends as expected");
  cmd->add_option("--listen", opts->listen, "HOST:PORT of the embedded cluster")
    ->capture_default_str();
  cmd->add_option("--crds", opts->crds_dir, "CRD directory")->capture_default_str();
  cmd->add_option("--samples", opts->samples_dir, "Manifests applied at start (not with --demo)")
    ->capture_default_str();
  cmd->add_option("--kubeconfig-out", opts->kubeconfig_out,
                  "Where to write the kubeconfig (default: in the temp directory)");
  cmd->add_option("--job-duration", opts->job_duration, "How long a restore Job runs")
    ->capture_default_str();
  cmd->add_option("--demo-timeout", opts->demo_timeout, "Seconds the demo may take")
    ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = run_dev(*opts, std::cout, std::cerr); });
}

// `baorestore lock acquire|release|renew|show|run` (issue 8): client of the lock service.
void add_lock_command(CLI::App& app, int& exit_code) {
  auto* lock_cmd = app.add_subcommand(
    "lock", "Take, renew, release or show a cluster's operation lock through the lock service");
  lock_cmd->require_subcommand(1);
  auto opts = std::make_shared<lock_options>();
  // The connection flags, on each verb so they may follow it (`lock show --server ...`).
  auto add_common = [opts](CLI::App* cmd) {
    cmd->add_option("--server", opts->server, "Lock service URL, https://HOST[:PORT]")
      ->envname("BAORESTORE_LOCK_SERVER");
    cmd->add_option("--token-file", opts->token_file,
                    "File holding the bearer token (else BAORESTORE_LOCK_TOKEN holds it)")
      ->envname("BAORESTORE_LOCK_TOKEN_FILE");
    cmd->add_option("--ca-file", opts->ca_file,
                    "PEM CA certificate(s) to trust (default: the system's trust store)");
    cmd->add_option("--cluster", opts->cluster, "The cluster, NAMESPACE/NAME")->required();
    cmd->add_option("--timeout", opts->timeout, "Seconds each request may take (30, 30s, 1m)")
      ->capture_default_str();
  };
  auto add_holder = [opts](CLI::App* cmd, bool with_operation) {
    if (with_operation)
      cmd->add_option("--operation", opts->operation, "Backup or Upgrade")
        ->check(CLI::IsMember({"Backup", "Upgrade"}));
    cmd->add_option("--holder", opts->holder, "Who holds the lock (e.g. openbaocluster/backup)");
  };
  auto add_acquire_flags = [opts](CLI::App* cmd) {
    cmd->add_option("--message", opts->message, "Why the lock is held (shown to others)");
    cmd->add_option("--wait", opts->wait, "How long the service may queue the request (30s, 2m)")
      ->capture_default_str();
  };
  struct verb_def {
    const char* name;
    const char* help;
    lock::verb verb;
  };
  for (auto [name, help, v] : {
         verb_def{"show", "Print the cluster's lock (JSON on stdout)", lock::verb::show},
         verb_def{"acquire", "Take the lock (exit 3 when busy)", lock::verb::acquire},
         verb_def{"release", "Give the lock back (exit 3 when not the holder)", lock::verb::release},
         verb_def{"renew", "Renew a held lock (exit 3 when not the holder)", lock::verb::renew}}) {
    auto* cmd = lock_cmd->add_subcommand(name, help);
    add_common(cmd);
    if (v != lock::verb::show)
      add_holder(cmd, v != lock::verb::renew);
    if (v == lock::verb::acquire)
      add_acquire_flags(cmd);
    cmd->callback([opts, v, &exit_code] { exit_code = run_lock(v, *opts, std::cout, std::cerr); });
  }
  auto* run = lock_cmd->add_subcommand(
    "run", "Acquire, run COMMAND (given after --) while renewing, release; exit with its code");
  add_common(run);
  add_holder(run, true);
  add_acquire_flags(run);
  run->add_option("--renew-every", opts->renew_every, "Renew period while the command runs (0: never)")
    ->capture_default_str();
  run->add_option("--kill-after", opts->kill_after,
                  "After forwarding SIGTERM/SIGINT, how long the command may take before SIGKILL")
    ->capture_default_str();
  run->add_option("command", opts->command, "The command and its arguments, after --")->required();
  run->callback([opts, &exit_code] { exit_code = run_lock_run(*opts, std::cout, std::cerr); });
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Restores OpenBao clusters on Kubernetes from snapshots", "baorestore"};
  app.set_version_flag("--version", BAORESTORE_VERSION);
  app.require_subcommand(1);
  int exit_code = exit_ok;
  add_validate_command(app, exit_code);
  add_devcluster_command(app, exit_code);
  add_run_command(app, exit_code);
  add_dev_command(app, exit_code);
  add_lock_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with code 0 (CLI11 prints them); any other parse error
    // is a usage error, whatever CLI11's own code for it.
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  return exit_code;
}
