// The operator's configuration (issue 7): defaults, the file (every key, unknown keys with
// suggestions, every bad value, all problems at once, size bound), the environment, the
// precedence of the sources, to_yaml and the shipped example file.
#define CAF_SUITE config.operator
#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "config/config_rules.hpp"
#include "config/operator_config.hpp"

using namespace baorestore::config;
using namespace std::chrono_literals;

namespace {

std::string dump(const config_problems& problems) {
  std::string out;
  for (const auto& p : problems)
    out += to_string(p) + "\n";
  return out;
}

operator_config load_ok(const std::string& text) {
  auto loaded = load_config_text(text, "test.yaml");
  if (auto* problems = std::get_if<config_problems>(&loaded))
    CAF_FAIL("unexpected problems:\n" << dump(*problems));
  return std::get<operator_config>(loaded);
}

config_problems load_bad(const std::string& text) {
  auto loaded = load_config_text(text, "test.yaml");
  if (std::holds_alternative<operator_config>(loaded))
    CAF_FAIL("expected problems, the file loaded:\n" << text);
  return std::get<config_problems>(loaded);
}

// The problems as "path: message" lines, for exact comparisons.
std::vector<std::string> lines(const config_problems& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems)
    out.push_back(to_string(p));
  return out;
}

bool has_problem(const config_problems& problems, const std::string& path,
                 const std::string& fragment) {
  for (const auto& p : problems)
    if (p.path == path && p.message.find(fragment) != std::string::npos)
      return true;
  return false;
}

getenv_function fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto i = vars.find(name);
    if (i == vars.end())
      return std::nullopt;
    return i->second;
  };
}

// A temporary file, removed at the end of the test.
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& content) {
    path = std::filesystem::temp_directory_path()
           / ("baorestore-config-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream out{path, std::ios::binary};
    out << content;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

const char* const full_file = R"(
watchedNamespaces: [tenant-a, tenant-b]
qps: 12.5
burst: 20
jobPollInitial: 500ms
jobPollCeiling: 1m30s
perTenantRunningLimit: 2
lockWaitDeadline: 45s
validationDeadline: 5m
supervisor:
  intensity: 3
  period: 30s
metricsAddress: 127.0.0.1:9090
healthAddress: "[::1]:9091"
leaderElection:
  enabled: true
  leaseName: my-lease
  leaseNamespace: baorestore-system
  leaseDuration: 30s
  renewDeadline: 20s
  retryPeriod: 5s
logLevel: debug
shutdownGracePeriod: 20s
executorImage: registry.example/backup:1.2
kubeconfig: /etc/kube/config
)";

operator_config full_config() {
  operator_config c;
  c.watched_namespaces = {"tenant-a", "tenant-b"};
  c.qps = 12.5;
  c.burst = 20;
  c.job_poll_initial = 500ms;
  c.job_poll_ceiling = 90s;
  c.per_tenant_running_limit = 2;
  c.lock_wait_deadline = 45s;
  c.validation_deadline = 5min;
  c.supervisor.intensity = 3;
  c.supervisor.period = 30s;
  c.metrics_address = "127.0.0.1:9090";
  c.health_address = "[::1]:9091";
  c.leader_election.enabled = true;
  c.leader_election.lease_name = "my-lease";
  c.leader_election.lease_namespace = "baorestore-system";
  c.leader_election.lease_duration = 30s;
  c.leader_election.renew_deadline = 20s;
  c.leader_election.retry_period = 5s;
  c.log = log_level::debug;
  c.shutdown_grace_period = 20s;
  c.executor_image = "registry.example/backup:1.2";
  c.kubeconfig = "/etc/kube/config";
  return c;
}

} // namespace

CAF_TEST(defaults are those of issue 7) {
  operator_config c;
  CAF_CHECK(c.watched_namespaces.empty());
  CAF_CHECK_EQUAL(c.qps, 50.0);
  CAF_CHECK_EQUAL(c.burst, 100);
  CAF_CHECK(c.job_poll_initial == 1s);
  CAF_CHECK(c.job_poll_ceiling == 15s);
  CAF_CHECK_EQUAL(c.per_tenant_running_limit, 0);
  CAF_CHECK(c.lock_wait_deadline == 30s);
  CAF_CHECK(c.validation_deadline == 120s);
  CAF_CHECK(!c.leader_election.enabled);
  CAF_CHECK(c.leader_election.lease_duration == 15s);
  CAF_CHECK(c.leader_election.renew_deadline == 10s);
  CAF_CHECK(c.leader_election.retry_period == 2s);
  CAF_CHECK(c.log == log_level::info);
  CAF_CHECK(c.shutdown_grace_period == 10s);
  auto problems = validate(c);
  CAF_CHECK_EQUAL(dump(problems), "");
  // An empty file, a file of comments and an empty mapping are the defaults.
  CAF_CHECK(load_ok("") == operator_config{});
  CAF_CHECK(load_ok("# nothing\n") == operator_config{});
  CAF_CHECK(load_ok("{}") == operator_config{});
  // A key without a value keeps its default.
  CAF_CHECK(load_ok("qps:\nleaderElection:\n") == operator_config{});
}

CAF_TEST(a full file sets every setting) {
  auto c = load_ok(full_file);
  CAF_CHECK(c == full_config());
  // JSON is read too.
  auto j = load_ok(R"({"qps": 7, "leaderElection": {"enabled": true}})");
  CAF_CHECK_EQUAL(j.qps, 7.0);
  CAF_CHECK(j.leader_election.enabled);
}

CAF_TEST(to_yaml reads back to the same configuration) {
  auto full = full_config();
  auto again = load_ok(to_yaml(full));
  CAF_CHECK(again == full);
  auto defaults = load_ok(to_yaml(operator_config{}));
  CAF_CHECK(defaults == operator_config{});
  auto text = to_yaml(operator_config{});
  CAF_CHECK(text.find("leaderElection:\n  enabled: false\n") != std::string::npos);
  CAF_CHECK(text.find("validationDeadline: 2m\n") != std::string::npos);
  // Strings that YAML would read as something else are quoted.
  operator_config odd;
  odd.executor_image = "true";
  odd.kubeconfig = "/path with \"quotes\"/and: colon";
  auto odd_again = load_ok(to_yaml(odd));
  CAF_CHECK(odd_again == odd);
}

CAF_TEST(unknown keys are reported with their path and a suggestion) {
  auto problems = load_bad(R"(
qsp: 10
watchedNamespace: [a]
lease_duration: 5s
leaderElection:
  renewDeadlin: 5s
  leaseDuraton: 20s
  frobnicate: 1
supervisor:
  intensty: 2
namespaces: [x]
leaseName: x
totallyUnrelated: 1
)");
  auto expected = std::vector<std::string>{
    "qsp: unknown setting; did you mean qps?",
    "watchedNamespace: unknown setting; did you mean watchedNamespaces?",
    "lease_duration: unknown setting; did you mean leaderElection.leaseDuration?",
    "leaderElection.renewDeadlin: unknown setting; did you mean leaderElection.renewDeadline?",
    "leaderElection.leaseDuraton: unknown setting; did you mean leaderElection.leaseDuration?",
    "leaderElection.frobnicate: unknown setting",
    "supervisor.intensty: unknown setting; did you mean supervisor.intensity?",
    "namespaces: unknown setting; did you mean watchedNamespaces?",
    "leaseName: unknown setting; did you mean leaderElection.leaseName?",
    "totallyUnrelated: unknown setting",
  };
  auto got = lines(problems);
  CAF_CHECK_EQUAL(got, expected);
}

CAF_TEST(every bad value is a problem) {
  struct bad_case {
    std::string yaml;
    std::string path;
    std::string fragment;
  };
  std::vector<bad_case> cases = {
    {"qps: -1", "qps", "must be greater than 0"},
    {"qps: 0", "qps", "must be greater than 0"},
    {"qps: fast", "qps", "expected a number, got the string \"fast\""},
    {"burst: 0", "burst", "at least 1"},
    {"burst: 1.5", "burst", "expected an integer"},
    {"burst: 99999999999999999999", "burst", ""},
    {"jobPollInitial: 1", "jobPollInitial", "expected a duration"},
    {"jobPollInitial: 0s", "jobPollInitial", "longer than 0s"},
    {"jobPollInitial: soon", "jobPollInitial", "expected a duration"},
    {"jobPollInitial: -1s", "jobPollInitial", "expected a duration"},
    {"jobPollInitial: 1x", "jobPollInitial", "expected a duration"},
    {"jobPollInitial: 99999h", "jobPollInitial", "expected a duration"},
    {"jobPollInitial: 20s", "jobPollCeiling", "must not be shorter than jobPollInitial (20s)"},
    {"perTenantRunningLimit: -1", "perTenantRunningLimit", "must not be negative"},
    {"validationDeadline: 0s", "validationDeadline", "longer than 0s"},
    {"supervisor: 3", "supervisor", "expected a mapping, got a number"},
    {"supervisor: {intensity: -1}", "supervisor.intensity", "must not be negative"},
    {"supervisor: {period: 0s}", "supervisor.period", "longer than 0s"},
    {"metricsAddress: 8080", "metricsAddress", "expected a string"},
    {"metricsAddress: localhost", "metricsAddress", "expected HOST:PORT"},
    {"metricsAddress: localhost:8080", "metricsAddress", "is not an IP address"},
    {"metricsAddress: \":8080\"", "metricsAddress", "the host is missing"},
    {"metricsAddress: 127.0.0.1:70000", "metricsAddress", "port \"70000\""},
    {"healthAddress: 127.0.0.1:http", "healthAddress", "port \"http\""},
    {"healthAddress: 999.1.1.1:80", "healthAddress", "is not an IP address"},
    {"healthAddress: \"[nope]:80\"", "healthAddress", "not an IPv6 address"},
    {"healthAddress: bad_host:80", "healthAddress", "is not an IP address"},
    {"leaderElection: {enabled: yes}", "leaderElection.enabled", "expected true or false"},
    {"leaderElection: {leaseName: Bad_Name}", "leaderElection.leaseName", "not a Lease name"},
    {"leaderElection: {leaseNamespace: a.b}", "leaderElection.leaseNamespace",
     "not a namespace name"},
    {"leaderElection: {renewDeadline: 15s}", "leaderElection.renewDeadline",
     "must be shorter than leaderElection.leaseDuration (15s)"},
    {"leaderElection: {renewDeadline: 20s}", "leaderElection.renewDeadline",
     "must be shorter than leaderElection.leaseDuration (15s)"},
    {"leaderElection: {retryPeriod: 10s}", "leaderElection.retryPeriod",
     "must be shorter than leaderElection.renewDeadline (10s)"},
    {"leaderElection: {retryPeriod: 0s}", "leaderElection.retryPeriod", "longer than 0s"},
    {"logLevel: verbose", "logLevel", "expected debug, info, warn or error"},
    {"logLevel: INFO", "logLevel", "expected debug, info, warn or error"},
    {"watchedNamespaces: tenant-a", "watchedNamespaces", "expected a sequence of strings"},
    {"watchedNamespaces: [Tenant-A]", "watchedNamespaces[0]", "not a namespace name"},
    {"watchedNamespaces: [a, 1]", "watchedNamespaces[1]", "expected a string, got a number"},
    {"watchedNamespaces: [a, b, a]", "watchedNamespaces[2]", "listed twice"},
    {"executorImage: [x]", "executorImage", "expected a string, got a sequence"},
    {"executorImage: \"img:1 --privileged\"", "executorImage", "spaces"},
    {"kubeconfig: {a: 1}", "kubeconfig", "expected a string, got a mapping"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.yaml);
    auto problems = load_bad(c.yaml + "\n");
    CAF_CHECK(has_problem(problems, c.path, c.fragment));
    CAF_CHECK_EQUAL(problems.size(), 1u);
    if (problems.size() != 1u)
      CAF_MESSAGE(dump(problems));
  }
  // Whole-file problems: not a mapping, two documents, a syntax error.
  auto seq = load_bad("- a\n- b\n");
  CAF_CHECK(has_problem(seq, "test.yaml#1", "expected a mapping of settings, got a sequence"));
  auto two = load_bad("qps: 1\n---\nqps: 2\n");
  CAF_CHECK(has_problem(two, "test.yaml", "expected one YAML document, got 2"));
  auto syntax = load_bad("qps: [1\n");
  CAF_CHECK_EQUAL(syntax.size(), 1u);
  CAF_CHECK(has_problem(syntax, "test.yaml#1", "line "));
}

CAF_TEST(all problems are reported at once) {
  auto problems = load_bad(R"(
qps: -5
burst: lots
jobPollInitial: 1
leaderElection:
  leaseDuration: 10s
  renewDeadline: 12s
  retryPeriod: 12s
  leaseNam: x
logLevel: loud
metricsAddress: nowhere
)");
  auto expected = std::vector<std::string>{
    "burst: expected an integer, got the string \"lots\"",
    "jobPollInitial: expected a duration such as \"30s\", \"500ms\" or \"1m30s\", got a number",
    "leaderElection.leaseNam: unknown setting; did you mean leaderElection.leaseName?",
    "logLevel: expected debug, info, warn or error, got the string \"loud\"",
    "qps: must be greater than 0",
    "metricsAddress: expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, got \"nowhere\"",
    "leaderElection.renewDeadline: must be shorter than leaderElection.leaseDuration (10s)",
    "leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline (12s)",
  };
  auto got = lines(problems);
  CAF_CHECK_EQUAL(got, expected);
}

CAF_TEST(a value that cannot be read does not cause a second problem) {
  // jobPollInitial unreadable: jobPollCeiling is not compared with its default.
  auto a = load_bad("jobPollInitial: x\njobPollCeiling: 500ms\n");
  CAF_CHECK_EQUAL(a.size(), 1u);
  // leaseDuration unreadable: renewDeadline is not compared with its default.
  auto b = load_bad("leaderElection: {leaseDuration: x, renewDeadline: 20s, retryPeriod: 3s}\n");
  CAF_CHECK_EQUAL(b.size(), 1u);
}

CAF_TEST(durations parse and format Go style) {
  auto check = [](std::string_view text, std::optional<duration> expected) {
    CAF_MESSAGE(text);
    auto got = parse_duration(text);
    CAF_CHECK(got == expected);
  };
  check("0", 0ms);
  check("0s", 0ms);
  check("500ms", 500ms);
  check("1.5s", 1500ms);
  check(".5s", 500ms);
  check("1m30s", 90s);
  check("2h", 2h);
  check("1h1m1s1ms", 1h + 1min + 1s + 1ms);
  check("8760h", 8760h);
  check("8761h", std::nullopt);
  check("", std::nullopt);
  check("1", std::nullopt);
  check("s", std::nullopt);
  check("1.2.3s", std::nullopt);
  check("1 s", std::nullopt);
  check("-1s", std::nullopt);
  check("1us", std::nullopt);
  check("99999999999999999999s", std::nullopt);
  CAF_CHECK_EQUAL(format_duration(0ms), "0s");
  CAF_CHECK_EQUAL(format_duration(500ms), "500ms");
  CAF_CHECK_EQUAL(format_duration(90s), "1m30s");
  CAF_CHECK_EQUAL(format_duration(120s), "2m");
  CAF_CHECK_EQUAL(format_duration(1h + 1500ms), "1h1s500ms");
  for (auto d : {1ms, 999ms, 1001ms, 3599999ms, 3600000ms, 86400000ms}) {
    auto again = parse_duration(format_duration(d));
    CAF_CHECK(again == d);
  }
}

CAF_TEST(suggestions and addresses) {
  using namespace baorestore::config::detail;
  CAF_CHECK_EQUAL(edit_distance("qps", "qsp"), 1u);
  CAF_CHECK_EQUAL(edit_distance("", "abc"), 3u);
  std::vector<std::string> keys = {"qps", "burst", "logLevel"};
  CAF_CHECK_EQUAL(suggest("QPS", keys), "qps");
  CAF_CHECK_EQUAL(suggest("log_level", keys), "logLevel");
  CAF_CHECK_EQUAL(suggest("brust", keys), "burst");
  CAF_CHECK_EQUAL(suggest("zzz", keys), "");
  // The keys of the first ConfigMap (deploy/operator/30-config.yaml before the loader).
  std::vector<std::string> ours = {"watchedNamespaces", "jobPollInitial", "jobPollCeiling",
                                   "lockWaitDeadline", "validationDeadline"};
  CAF_CHECK_EQUAL(suggest("namespaces", ours), "watchedNamespaces");
  CAF_CHECK_EQUAL(suggest("jobPollInitialSeconds", ours), "jobPollInitial");
  CAF_CHECK_EQUAL(suggest("jobPollCeilingSeconds", ours), "jobPollCeiling");
  CAF_CHECK_EQUAL(suggest("lockWaitSeconds", ours), "lockWaitDeadline");
  CAF_CHECK_EQUAL(suggest("validationDeadlineSeconds", ours), "validationDeadline");
  CAF_CHECK_EQUAL(suggest("stepLog", ours), "");
  CAF_CHECK_EQUAL(suggest(std::string(10000, 'q'), keys), "");
  for (auto ok : {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "[::]:65535"})
    CAF_CHECK_EQUAL(address_problem(ok), "");
  for (auto bad : {"", ":", "127.0.0.1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:65536",
                   "::1:8080", "[::1:8080", "a b:80", "1.2.3:80", "[]:80",
                   "localhost:80"})
    CAF_CHECK_NOT_EQUAL(address_problem(bad), "");
}

CAF_TEST(environment variables override the settings) {
  CAF_CHECK_EQUAL(environment_variable("qps"), "BAORESTORE_QPS");
  CAF_CHECK_EQUAL(environment_variable("logLevel"), "BAORESTORE_LOG_LEVEL");
  CAF_CHECK_EQUAL(environment_variable("leaderElection.enabled"),
                  "BAORESTORE_LEADER_ELECTION_ENABLED");
  CAF_CHECK_EQUAL(environment_variable("supervisor.period"), "BAORESTORE_SUPERVISOR_PERIOD");
  CAF_CHECK_EQUAL(environment_variable("perTenantRunningLimit"),
                  "BAORESTORE_PER_TENANT_RUNNING_LIMIT");
  operator_config c;
  auto problems = apply_environment(c, fake_env({
                                         {"BAORESTORE_QPS", "7.5"},
                                         {"BAORESTORE_BURST", " 9 "},
                                         {"BAORESTORE_LOG_LEVEL", "warn"},
                                         {"BAORESTORE_WATCHED_NAMESPACES", "a, b,,c"},
                                         {"BAORESTORE_LEADER_ELECTION_ENABLED", "TRUE"},
                                         {"BAORESTORE_LEADER_ELECTION_LEASE_DURATION", "20s"},
                                         {"BAORESTORE_JOB_POLL_CEILING", "1m"},
                                         {"BAORESTORE_SUPERVISOR_INTENSITY", "0"},
                                         {"BAORESTORE_EXECUTOR_IMAGE", "img:2"},
                                         {"BAORESTORE_KUBECONFIG", "/k"},
                                         {"BAORESTORE_UNRELATED", "whatever"},
                                       }));
  CAF_CHECK_EQUAL(dump(problems), "");
  auto expected = operator_config{};
  expected.qps = 7.5;
  expected.burst = 9;
  expected.log = log_level::warn;
  expected.watched_namespaces = {"a", "b", "c"};
  expected.leader_election.enabled = true;
  expected.leader_election.lease_duration = 20s;
  expected.job_poll_ceiling = 1min;
  expected.supervisor.intensity = 0;
  expected.executor_image = "img:2";
  expected.kubeconfig = "/k";
  CAF_CHECK(c == expected);
  // An empty namespace list is all namespaces.
  operator_config d;
  d.watched_namespaces = {"x"};
  auto none = apply_environment(d, fake_env({{"BAORESTORE_WATCHED_NAMESPACES", ""}}));
  CAF_CHECK(none.empty());
  CAF_CHECK(d.watched_namespaces.empty());
}

CAF_TEST(bad environment variables are problems named by the variable) {
  operator_config c;
  auto problems = apply_environment(c, fake_env({
                                         {"BAORESTORE_QPS", "fast"},
                                         {"BAORESTORE_BURST", "-3"},
                                         {"BAORESTORE_LOG_LEVEL", "loud"},
                                         {"BAORESTORE_LEADER_ELECTION_ENABLED", "yes"},
                                         {"BAORESTORE_LEADER_ELECTION_RENEW_DEADLINE", "30s"},
                                         {"BAORESTORE_JOB_POLL_INITIAL", "1"},
                                       }));
  auto expected = std::vector<std::string>{
    "BAORESTORE_QPS: expected a number, got \"fast\"",
    "BAORESTORE_JOB_POLL_INITIAL: expected a duration such as \"30s\", \"500ms\" or \"1m30s\", "
    "got \"1\"",
    "BAORESTORE_LEADER_ELECTION_ENABLED: expected true or false, got \"yes\"",
    "BAORESTORE_LOG_LEVEL: expected debug, info, warn or error, got \"loud\"",
    "burst: must be at least 1 (from BAORESTORE_BURST)",
    "leaderElection.renewDeadline: must be shorter than leaderElection.leaseDuration (15s) "
    "(from BAORESTORE_LEADER_ELECTION_RENEW_DEADLINE)",
  };
  auto got = lines(problems);
  CAF_CHECK_EQUAL(got, expected);
  // The settings that did not parse keep their values.
  CAF_CHECK_EQUAL(c.qps, 50.0);
  CAF_CHECK(c.log == log_level::info);
}

CAF_TEST(precedence is defaults then file then environment then flags) {
  temp_file file{"qps: 10\nburst: 20\nlogLevel: debug\n"};
  auto loaded = load_config_file(file.path);
  CAF_REQUIRE(std::holds_alternative<operator_config>(loaded));
  auto c = std::get<operator_config>(loaded);
  // The file over the defaults.
  CAF_CHECK_EQUAL(c.qps, 10.0);
  CAF_CHECK_EQUAL(c.burst, 20);
  CAF_CHECK(c.log == log_level::debug);
  CAF_CHECK(c.job_poll_ceiling == 15s);
  // The environment over the file.
  auto problems = apply_environment(c, fake_env({{"BAORESTORE_BURST", "30"}}));
  CAF_CHECK(problems.empty());
  CAF_CHECK_EQUAL(c.qps, 10.0);
  CAF_CHECK_EQUAL(c.burst, 30);
  // Flags over the environment: the CLI assigns what was given, then validates again.
  c.qps = 99;
  CAF_CHECK(validate(c).empty());
  CAF_CHECK_EQUAL(c.qps, 99.0);
  CAF_CHECK_EQUAL(c.burst, 30);
  auto changed = differing_settings(operator_config{}, c);
  auto expected = std::vector<std::string>{"qps", "burst", "logLevel"};
  CAF_CHECK_EQUAL(changed, expected);
}

CAF_TEST(oversized and unreadable files are refused) {
  std::string big = "# " + std::string(max_config_file_bytes, 'x') + "\n";
  auto problems = load_bad(big);
  CAF_CHECK_EQUAL(problems.size(), 1u);
  CAF_CHECK(has_problem(problems, "test.yaml", "larger than 1048576 bytes"));
  temp_file file{big};
  auto loaded = load_config_file(file.path);
  CAF_REQUIRE(std::holds_alternative<config_problems>(loaded));
  auto from_file = std::get<config_problems>(loaded);
  CAF_CHECK(has_problem(from_file, file.path.string(), "larger than"));
  auto missing = load_config_file("/nonexistent/baorestore.yaml");
  CAF_REQUIRE(std::holds_alternative<config_problems>(missing));
  auto missing_problems = std::get<config_problems>(missing);
  CAF_CHECK_EQUAL(dump(missing_problems),
                  "/nonexistent/baorestore.yaml: no such file or directory\n");
  // An alias bomb is stopped by the manifest reader's limits.
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char prev = 'a';
  for (char n = 'b'; n <= 'j'; ++n) {
    bomb += std::string(1, n) + ": &" + n + " [";
    for (int i = 0; i < 10; ++i)
      bomb += std::string(i ? "," : "") + "*" + prev;
    bomb += "]\n";
    prev = n;
  }
  auto bombed = load_bad(bomb);
  CAF_CHECK_EQUAL(bombed.size(), 1u);
}

CAF_TEST(the example file loads and equals the defaults) {
  auto loaded = load_config_file(BAORESTORE_SOURCE_DIR "/config/baorestore.yaml");
  if (auto* problems = std::get_if<config_problems>(&loaded))
    CAF_FAIL("the example file has problems:\n" << dump(*problems));
  auto c = std::get<operator_config>(loaded);
  CAF_CHECK(c == operator_config{});
  // It names every setting: each one, changed in the file, changes the configuration.
  std::ifstream in{BAORESTORE_SOURCE_DIR "/config/baorestore.yaml"};
  std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  for (const auto& path : setting_paths()) {
    auto key = path.substr(path.rfind('.') + 1);
    auto line = (path.find('.') == std::string::npos ? "\n" : "\n  ") + key + ":";
    CAF_MESSAGE(path);
    CAF_CHECK(text.find(line) != std::string::npos);
  }
}
