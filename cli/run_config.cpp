#include "cli/run_config.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "cli/exit_code.hpp"

namespace baorestore::cli {

namespace {

using namespace std::chrono;

// The setting's flag, when it was given on the command line.
const char* flag_of(const std::string& setting) {
  static const std::map<std::string, const char*> flags = {
    {"kubeconfig", "--kubeconfig"},         {"watchedNamespaces", "--namespace"},
    {"executorImage", "--executor-image"},  {"qps", "--qps"},
    {"burst", "--burst"},                   {"jobPollInitial", "--job-poll-initial"},
    {"jobPollCeiling", "--job-poll-ceiling"}, {"metricsAddress", "--metrics-address"},
  };
  auto i = flags.find(setting);
  return i == flags.end() ? "a flag" : i->second;
}

// A flag's seconds as a duration; nullopt when out of range (the range check is validate's).
std::optional<config::duration> seconds_flag(double s) {
  if (!std::isfinite(s) || std::abs(s) > 8760.0 * 3600)
    return std::nullopt;
  return config::duration{std::llround(s * 1000)};
}

} // namespace

config::config_problems apply_flags(config::operator_config& cfg, const run_options& flags,
                                    config::setting_origins& origins) {
  config::config_problems problems;
  auto given = [&](const run_options& f, const std::string& setting) {
    if (f.given.count(setting) == 0)
      return false;
    origins[setting] = flag_of(setting);
    return true;
  };
  if (given(flags, "kubeconfig"))
    cfg.kubeconfig = flags.kubeconfig;
  if (given(flags, "watchedNamespaces"))
    cfg.watched_namespaces = flags.namespaces;
  if (given(flags, "executorImage"))
    cfg.executor_image = flags.executor_image;
  if (given(flags, "metricsAddress"))
    cfg.metrics_address = flags.metrics_address;
  if (given(flags, "qps"))
    cfg.qps = flags.qps;
  if (given(flags, "burst")) {
    if (std::isfinite(flags.burst) && flags.burst == std::floor(flags.burst)
        && std::abs(flags.burst) < 1e15)
      cfg.burst = static_cast<std::int64_t>(flags.burst);
    else
      problems.push_back({"--burst", "expected a whole number"});
  }
  auto poll = [&](const char* setting, const char* flag, double value, config::duration& out) {
    if (!given(flags, setting))
      return;
    if (auto d = seconds_flag(value))
      out = *d;
    else
      problems.push_back({flag, "expected seconds"});
  };
  poll("jobPollInitial", "--job-poll-initial", flags.job_poll_initial, cfg.job_poll_initial);
  poll("jobPollCeiling", "--job-poll-ceiling", flags.job_poll_ceiling, cfg.job_poll_ceiling);
  return problems;
}

run_options to_run_options(const config::operator_config& cfg, const run_options& flags) {
  run_options opts;
  opts.kubeconfig = cfg.kubeconfig;
  opts.context = flags.context;
  opts.namespaces = cfg.watched_namespaces;
  opts.executor_image = cfg.executor_image;
  opts.qps = cfg.qps;
  opts.burst = static_cast<double>(cfg.burst);
  opts.lock_wait = ceil<seconds>(cfg.lock_wait_deadline);
  opts.validation_deadline = ceil<seconds>(cfg.validation_deadline);
  opts.job_poll_initial = duration<double>(cfg.job_poll_initial).count();
  opts.job_poll_ceiling = duration<double>(cfg.job_poll_ceiling).count();
  opts.quiet = flags.quiet;
  opts.per_tenant_running_limit = cfg.per_tenant_running_limit;
  opts.log_format = flags.log_format;
  opts.log_level = log::parse_level(config::to_string(cfg.log)).value_or(log::level::info);
  opts.supervisor_intensity = static_cast<std::uint32_t>(
    std::clamp<std::int64_t>(cfg.supervisor.intensity, 0, 1'000'000));
  opts.supervisor_period = duration_cast<milliseconds>(cfg.supervisor.period);
  opts.shutdown_grace = duration_cast<milliseconds>(cfg.shutdown_grace_period);
  // "[::1]:8080" as the ops server's parser wants it: "::1:8080" (HOST is up to the last ':').
  opts.leader_election = cfg.leader_election.enabled;
  opts.lease_name = cfg.leader_election.lease_name;
  opts.lease_namespace = cfg.leader_election.lease_namespace;
  opts.lease_duration = duration_cast<milliseconds>(cfg.leader_election.lease_duration);
  opts.renew_deadline = duration_cast<milliseconds>(cfg.leader_election.renew_deadline);
  opts.retry_period = duration_cast<milliseconds>(cfg.leader_election.retry_period);
  auto unbracket = [](std::string address) {
    if (address.size() > 1 && address.front() == '[') {
      auto close = address.find(']');
      if (close != std::string::npos)
        address = address.substr(1, close - 1) + address.substr(close + 1);
    }
    return address;
  };
  opts.metrics_address = unbracket(cfg.metrics_address);
  opts.health_address = unbracket(cfg.health_address);
  const auto& ls = cfg.lock_service;
  opts.lock_service.address = unbracket(ls.address);
  opts.lock_service.cert_file = ls.cert_file;
  opts.lock_service.key_file = ls.key_file;
  opts.lock_service.tokens_file = ls.tokens_file;
  opts.lock_service.max_body_bytes = static_cast<std::size_t>(ls.max_body_bytes);
  opts.lock_service.requests_per_second = ls.requests_per_second;
  opts.lock_service.burst = static_cast<double>(ls.burst);
  opts.lock_service.max_waits_per_token = static_cast<std::size_t>(ls.max_waits_per_token);
  opts.lock_service.max_wait_seconds = ls.max_wait_seconds;
  opts.lock_service.hold_timeout = ls.hold_timeout;
  return opts;
}

std::vector<std::string> unimplemented_settings(const config::operator_config& cfg) {
  std::vector<std::string> out;
  for (const auto& path : config::differing_settings(config::operator_config{}, cfg)) {
    bool honoured = path.rfind("lockService.", 0) == 0 || path == "watchedNamespaces" || path == "qps" || path == "burst"
                    || path == "jobPollInitial" || path == "jobPollCeiling"
                    || path == "lockWaitDeadline" || path == "validationDeadline"
                    || path == "executorImage" || path == "kubeconfig"
                    || path == "metricsAddress" || path.rfind("leaderElection.", 0) == 0
                    || path == "perTenantRunningLimit"
                    || path == "logLevel" || path.rfind("supervisor.", 0) == 0
                    || path == "shutdownGracePeriod" || path == "healthAddress";
    if (!honoured)
      out.push_back(path);
  }
  return out;
}

std::variant<run_options, int> resolve_run_options(const run_options& requested,
                                                   const config::getenv_function& getenv,
                                                   std::ostream& out, std::ostream& err) {
  config::operator_config cfg;
  if (!requested.config_file.empty()) {
    auto loaded = config::load_config_file(requested.config_file);
    if (auto* problems = std::get_if<config::config_problems>(&loaded)) {
      // Settings' problems are named by the file and their path; the file's own (unreadable,
      // too large, a syntax error) already name the file.
      for (const auto& p : *problems) {
        bool names_file = p.path.empty() || p.path.rfind(requested.config_file, 0) == 0;
        err << "run: " << (names_file ? "" : requested.config_file + ": ") << to_string(p)
            << "\n";
      }
      return static_cast<int>(exit_usage);
    }
    cfg = std::get<config::operator_config>(std::move(loaded));
  }
  config::setting_origins origins;
  auto problems = config::read_environment(cfg, getenv, origins);
  auto flag_problems = apply_flags(cfg, requested, origins);
  problems.insert(problems.end(), flag_problems.begin(), flag_problems.end());
  // The rules on the final values, each problem named with where its value came from.
  if (problems.empty()) {
    problems = config::validate(cfg);
    config::attribute(problems, origins);
  }
  if (!problems.empty()) {
    for (const auto& p : problems)
      err << "run: " << to_string(p) << "\n";
    return static_cast<int>(exit_usage);
  }
  if (requested.print_config) {
    out << config::to_yaml(cfg) << std::flush;
    return static_cast<int>(exit_ok);
  }
  auto ignored = unimplemented_settings(cfg);
  if (!ignored.empty()) {
    err << "run: not yet implemented, ignored:";
    for (std::size_t i = 0; i < ignored.size(); ++i)
      err << (i ? ", " : " ") << ignored[i];
    err << "\n";
  }
  return to_run_options(cfg, requested);
}

} // namespace baorestore::cli
