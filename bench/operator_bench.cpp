// The operator end to end (issue 7's benchmark; not a test).
//
// The embedded development cluster runs in this process (object store, HTTP API with
// deploy/crds, net::http_server on 127.0.0.1, the job runner with instant Jobs); the operator
// is `baorestore run --kubeconfig` as a child process, so that its RSS and CPU (read from
// /proc/<pid>) are its own. The run:
//   1. `clusters` initialized OpenBaoClusters spread over `tenants` namespaces, seeded into
//      the store directly (no API requests);
//   2. the operator starts and syncs its watches; it then idles for `idle-seconds` with every
//      cluster watched: VmRSS, and CPU from utime + stime over that time;
//   3. `restores` OpenBaoRestores (jwtAuthRole, S3 without credentials: nothing to look up
//      but the cluster), each on its own cluster, round-robin over the tenants, created
//      into the store directly (all at once, or `rate` per second); a watcher on the store's
//      watch log stamps when each restore is seen Running and Completed, and when its Job is
//      seen created and finished;
//   4. once every restore ended and the API server has seen no request for 2 s, the
//      server's request counters (by verb and resource, devcluster/api/cluster_api.hpp) are
//      read, and the operator idles again (now with the finished restores watched too);
//   5. the operator is restarted (SIGTERM, start): what it asks the API server for, with
//      every restore finished and every lock free, until it is quiet for 3 s.
// Reported: restores completed per second (first create to last Completed); p50/p99 from
// creation to Running, and to Completed minus the Job's own time (its creation to its
// completion as the store saw them); API requests per restore by verb and resource; the
// operator's peak RSS (VmHWM) and its idle RSS and CPU.
//
//   build/bench/operator_bench --restores 1000 --clusters 10000 --tenants 3

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "devcluster/api/cluster_api.hpp"
#include "devcluster/api/registry.hpp"
#include "devcluster/job_runner.hpp"
#include "devcluster/object_store.hpp"
#include "net/http_server.hpp"

using namespace baorestore;
namespace json = boost::json;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct options {
  int restores = 1000;
  int clusters = 10000;
  int tenants = 3;
  double rate = 0; // restores created per second; 0: all at once
  double idle_seconds = 20;
  double qps = 1000;
  double burst = 1000;
  double job_poll_initial = 0.2;
  int job_tick_ms = 50;
  double timeout = 600;
  std::string binary = BAORESTORE_BINARY;
  std::string crds = BAORESTORE_SOURCE_DIR "/deploy/crds";
  bool operator_log = false;
  bool restart = true;
};

const devcluster::resource_id restores_id{"openbao.org", "v1alpha1", "openbaorestores"};
const devcluster::resource_id clusters_id{"openbao.org", "v1alpha1", "openbaoclusters"};
const devcluster::resource_id jobs_id{"batch", "v1", "jobs"};

std::string tenant(int i) {
  return "tenant-" + std::to_string(i);
}

void must(bool ok, const std::string& what) {
  if (!ok)
    throw std::runtime_error(what);
}

void seed_clusters(devcluster::object_store& store, devcluster::api::cluster_api& api,
                   const options& opts) {
  for (int t = 0; t < opts.tenants; ++t) {
    net::request r;
    r.method = "POST";
    r.target = "/api/v1/namespaces";
    r.headers["content-type"] = "application/json";
    r.body = R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + tenant(t)
             + R"("}})";
    must(api.handle(r).status < 300, "namespace " + tenant(t));
  }
  for (int i = 0; i < opts.clusters; ++i) {
    json::object c{
      {"apiVersion", "openbao.org/v1alpha1"},
      {"kind", "OpenBaoCluster"},
      {"metadata", json::object{{"name", "vault-" + std::to_string(i)},
                                {"namespace", tenant(i % opts.tenants)}}},
      {"spec", json::object{{"version", "2.4.0"},
                            {"replicas", 3},
                            {"storage", json::object{{"size", "10Gi"}}}}},
      {"status", json::object{{"initialized", true}}}};
    must(static_cast<bool>(store.seed(clusters_id, std::move(c))), "cluster " + std::to_string(i));
  }
}

json::object restore_object(int i, const options& opts) {
  // Restore i targets cluster i * (clusters / restores): each its own cluster, in the
  // cluster's tenant.
  int step = std::max(1, opts.clusters / opts.restores);
  int c = (i * step) % opts.clusters;
  return json::object{
    {"apiVersion", "openbao.org/v1alpha1"},
    {"kind", "OpenBaoRestore"},
    {"metadata", json::object{{"name", "r-" + std::to_string(i)},
                              {"namespace", tenant(c % opts.tenants)}}},
    {"spec",
     json::object{{"cluster", "vault-" + std::to_string(c)},
                  {"jwtAuthRole", "restore"},
                  {"source", json::object{{"target", json::object{{"provider", "s3"},
                                                                   {"endpoint",
                                                                    "http://127.0.0.1:4568"},
                                                                   {"bucket", "b"}}},
                                          {"key", "clusters/vault/s.snap"}}}}}};
}

// -- the operator process -------------------------------------------------------------------

struct child_operator {
  pid_t pid = -1;

  child_operator(const options& opts, const std::string& kubeconfig) {
    auto num = [](double v) {
      std::ostringstream s;
      s << v;
      return s.str();
    };
    std::vector<std::string> args{opts.binary, "run", "--kubeconfig", kubeconfig,
                                  "--qps", num(opts.qps), "--burst", num(opts.burst),
                                  "--job-poll-initial", num(opts.job_poll_initial)};
    if (!opts.operator_log)
      args.emplace_back("--quiet");
    pid = fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      if (!opts.operator_log) {
        auto* devnull = std::fopen("/dev/null", "w");
        dup2(fileno(devnull), 1);
        dup2(fileno(devnull), 2);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
    must(pid > 0, "fork failed");
  }

  ~child_operator() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

/// VmRSS or VmHWM of `pid` in KiB.
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::stol(line.substr(field.size() + 1));
  return -1;
}

/// utime + stime of `pid`, in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string all{std::istreambuf_iterator<char>{in}, {}};
  auto close = all.rfind(')'); // the command may contain spaces
  std::istringstream rest{all.substr(close + 2)};
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::uint64_t total(const devcluster::api::cluster_api::request_counts& c) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : c)
    n += v;
  return n;
}

void idle(pid_t pid, devcluster::api::cluster_api& api, double seconds, const char* when) {
  auto r0 = total(api.requests());
  auto c0 = cpu_seconds(pid);
  auto t0 = clock_type::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  auto c1 = cpu_seconds(pid);
  std::chrono::duration<double> dt = clock_type::now() - t0;
  std::printf("idle %s: %.0f s, CPU %.2f %% (%.3f s), VmRSS %.1f MiB, VmHWM %.1f MiB, "
              "API requests %llu\n",
              when, dt.count(), 100 * (c1 - c0) / dt.count(), c1 - c0,
              static_cast<double>(status_kib(pid, "VmRSS")) / 1024,
              static_cast<double>(status_kib(pid, "VmHWM")) / 1024,
              static_cast<unsigned long long>(total(api.requests()) - r0));
}

// -- what the store sees --------------------------------------------------------------------

struct stamps {
  clock_type::time_point created, running, ended, job_created, job_done;
  bool has_running = false, ended_ok = false, ended_failed = false;
  bool has_job = false, has_job_done = false;
};

std::string str_at(const json::object& o, std::initializer_list<const char*> path) {
  const json::object* cur = &o;
  const json::value* v = nullptr;
  for (auto* k : path) {
    if (!cur)
      return {};
    v = cur->if_contains(k);
    if (!v)
      return {};
    cur = v->if_object();
  }
  return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

bool job_finished(const json::object& job) {
  const json::value* st = job.if_contains("status");
  if (!st || !st->is_object())
    return false;
  for (auto* k : {"succeeded", "failed"})
    if (auto* n = st->as_object().if_contains(k); n && n->is_int64() && n->as_int64() > 0)
      return true;
  return false;
}

/// Reads the store's watch log for restores and Jobs, stamping what it sees.
class observer {
public:
  observer(devcluster::object_store& store, std::map<std::string, stamps>& s)
    : store_(store), s_(s), rv_r_(store.resource_version()), rv_j_(rv_r_) {}

  /// One pass; returns the number of restores ended so far.
  int poll() {
    auto now = clock_type::now();
    if (auto evs = store_.events_since(restores_id, "", rv_r_)) {
      for (auto& e : *evs) {
        rv_r_ = std::max(rv_r_, e.resource_version);
        auto key = e.ns + "/" + str_at(e.object, {"metadata", "name"});
        auto it = s_.find(key);
        if (it == s_.end())
          continue;
        auto phase = str_at(e.object, {"status", "phase"});
        auto& st = it->second;
        if (phase == "Running" && !st.has_running) {
          st.has_running = true;
          st.running = now;
        }
        if ((phase == "Completed" || phase == "Failed") && !st.ended_ok && !st.ended_failed) {
          (phase == "Completed" ? st.ended_ok : st.ended_failed) = true;
          st.ended = now;
          ++ended_;
        }
      }
    } else {
      throw std::runtime_error("the watch window is too small for the observer (410)");
    }
    if (auto evs = store_.events_since(jobs_id, "", rv_j_)) {
      for (auto& e : *evs) {
        rv_j_ = std::max(rv_j_, e.resource_version);
        auto name = str_at(e.object, {"metadata", "name"});
        auto it = s_.find(e.ns + "/" + name.substr(std::string{"restore-"}.size()));
        if (it == s_.end())
          continue;
        auto& st = it->second;
        if (!st.has_job) {
          st.has_job = true;
          st.job_created = now;
        }
        if (!st.has_job_done && job_finished(e.object)) {
          st.has_job_done = true;
          st.job_done = now;
        }
      }
    }
    return ended_;
  }

private:
  devcluster::object_store& store_;
  std::map<std::string, stamps>& s_;
  std::uint64_t rv_r_, rv_j_;
  int ended_ = 0;
};

double ms(clock_type::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report_requests(const devcluster::api::cluster_api::request_counts& before,
                     const devcluster::api::cluster_api::request_counts& after, int restores) {
  std::map<std::string, double> by_verb;
  double all = 0, job_gets = 0;
  std::printf("API requests per restore by verb and resource:\n");
  for (const auto& [k, v] : after) {
    auto b = before.count(k) ? before.at(k) : 0;
    if (v == b)
      continue;
    double per = static_cast<double>(v - b) / restores;
    std::printf("  %-8s %-28s %7.2f  (%llu)\n", k.first.c_str(), k.second.c_str(), per,
                static_cast<unsigned long long>(v - b));
    by_verb[k.first] += per;
    all += per;
    if (k.first == "get" && k.second == "jobs")
      job_gets += per;
  }
  std::printf("  by verb:");
  for (const auto& [verb, per] : by_verb)
    std::printf(" %s %.2f", verb.c_str(), per);
  std::printf("\n  total %.2f per restore; without Job GETs (the watcher's polls and the "
              "actor's Job lookups) %.2f\n",
              all, all - job_gets);
}

std::string write_kubeconfig(std::uint16_t port) {
  char dir[] = "/tmp/operator-bench-XXXXXX";
  must(mkdtemp(dir) != nullptr, "mkdtemp failed");
  std::string path = std::string{dir} + "/kubeconfig";
  std::ofstream out{path};
  out << "apiVersion: v1\nkind: Config\n"
      << "clusters: [{name: dev, cluster: {server: \"http://127.0.0.1:" << port << "\"}}]\n"
      << "users: [{name: dev, user: {}}]\n"
      << "contexts: [{name: dev, context: {cluster: dev, user: dev}}]\n"
      << "current-context: dev\n";
  return path;
}

int run(const options& opts) {
  devcluster::store_options so;
  so.watch_window = 50'000;
  devcluster::object_store store{so};
  devcluster::api::cluster_api api{store};
  for (const auto& p : api.load_crds(opts.crds))
    std::fprintf(stderr, "CRD: %s\n", p.c_str());
  auto t_seed = clock_type::now();
  seed_clusters(store, api, opts);
  std::printf("seeded %d clusters in %d tenants in %.1f s\n", opts.clusters, opts.tenants,
              ms(clock_type::now() - t_seed) / 1000);
  net::http_server server{{}, [&api](const net::request& r) { return api.handle(r); }};
  server.start();
  devcluster::job_runner_options jo;
  jo.duration = 0ms;
  devcluster::job_runner_thread runner{store, jo, std::chrono::milliseconds{opts.job_tick_ms}};
  auto kubeconfig = write_kubeconfig(server.port());

  child_operator op{opts, kubeconfig};
  auto t_start = clock_type::now();
  // Synced: both watches open (their lists came first).
  for (;;) {
    auto c = api.requests();
    if (c.count({"watch", "openbaoclusters"}) && c.count({"watch", "openbaorestores"}))
      break;
    if (clock_type::now() - t_start > 60s)
      throw std::runtime_error("the operator did not open its watches within 60 s");
    if (waitpid(op.pid, nullptr, WNOHANG) == op.pid) {
      op.pid = -1;
      throw std::runtime_error("the operator exited");
    }
    std::this_thread::sleep_for(10ms);
  }
  std::printf("operator %d synced in %.2f s\n", op.pid, ms(clock_type::now() - t_start) / 1000);
  std::this_thread::sleep_for(2s);
  idle(op.pid, api, opts.idle_seconds, "before the restores");

  std::map<std::string, stamps> s;
  std::vector<json::object> objects;
  for (int i = 0; i < opts.restores; ++i) {
    objects.push_back(restore_object(i, opts));
    s[str_at(objects.back(), {"metadata", "namespace"}) + "/"
      + str_at(objects.back(), {"metadata", "name"})] = {};
  }
  observer obs{store, s};
  auto before = api.requests();
  auto cpu_before = cpu_seconds(op.pid);
  auto t0 = clock_type::now();
  auto deadline = t0 + std::chrono::duration_cast<clock_type::duration>(
                         std::chrono::duration<double>(opts.timeout));
  int created = 0;
  int ended = 0;
  while (ended < opts.restores) {
    // Create what is due (all at once without a rate), then look at the store.
    auto now = clock_type::now();
    int due = opts.rate > 0 ? std::min<int>(opts.restores,
                                            static_cast<int>(std::chrono::duration<double>(
                                                               now - t0).count() * opts.rate)
                                              + 1)
                            : opts.restores;
    for (; created < due; ++created) {
      auto& o = objects[static_cast<std::size_t>(created)];
      auto ns = str_at(o, {"metadata", "namespace"});
      auto key = ns + "/" + str_at(o, {"metadata", "name"});
      s[key].created = clock_type::now();
      must(static_cast<bool>(store.create(restores_id, ns, std::move(o))), "create " + key);
    }
    ended = obs.poll();
    if (clock_type::now() > deadline)
      break;
    std::this_thread::sleep_for(5ms);
  }
  auto t1 = clock_type::now();
  // The lock releases come after Completed: wait until the API server is quiet.
  auto last = total(api.requests());
  for (auto quiet_since = clock_type::now(); clock_type::now() - quiet_since < 2s;) {
    std::this_thread::sleep_for(100ms);
    obs.poll();
    auto n = total(api.requests());
    if (n != last) {
      last = n;
      quiet_since = clock_type::now();
    }
  }
  auto after = api.requests();
  auto cpu_run = cpu_seconds(op.pid) - cpu_before;

  std::vector<double> to_running, to_completed, job_time;
  int ok = 0, failed = 0;
  clock_type::time_point last_end = t0;
  for (const auto& [k, st] : s) {
    ok += st.ended_ok;
    failed += st.ended_failed;
    if (st.has_running)
      to_running.push_back(ms(st.running - st.created));
    if (st.ended_ok) {
      last_end = std::max(last_end, st.ended);
      auto own = st.has_job && st.has_job_done ? st.job_done - st.job_created
                                               : clock_type::duration{};
      job_time.push_back(ms(own));
      to_completed.push_back(ms(st.ended - st.created - own));
    }
  }
  double span = ms(last_end - t0) / 1000;
  std::printf("restores: %d (%d Completed, %d Failed, %d unfinished) in %.2f s: %.1f "
              "completed/s%s\n",
              opts.restores, ok, failed, opts.restores - ok - failed, span,
              span > 0 ? ok / span : 0.0, opts.rate > 0 ? " (paced)" : "");
  std::printf("creation to Running:   p50 %7.1f ms  p99 %7.1f ms\n",
              percentile(to_running, 0.5), percentile(to_running, 0.99));
  std::printf("creation to Completed without the Job's own time: p50 %7.1f ms  p99 %7.1f ms "
              "(Job's own time p50 %.1f ms)\n",
              percentile(to_completed, 0.5), percentile(to_completed, 0.99),
              percentile(job_time, 0.5));
  std::printf("operator CPU: %.2f s for the restores, %.2f ms per restore\n", cpu_run,
              1000 * cpu_run / opts.restores);
  (void) t1;
  report_requests(before, after, opts.restores);
  std::printf("operator peak RSS (VmHWM): %.1f MiB\n",
              static_cast<double>(status_kib(op.pid, "VmHWM")) / 1024);
  idle(op.pid, api, opts.idle_seconds, "after the restores");
  if (opts.restart) {
    // A restarted operator lists everything again: what does it ask for the finished
    // restores (their lock cleanup is done)?
    kill(op.pid, SIGTERM);
    waitpid(op.pid, nullptr, 0);
    auto r0 = api.requests();
    child_operator again{opts, kubeconfig};
    op.pid = -1; // `again` stops it
    std::this_thread::sleep_for(1s);
    auto last_n = total(api.requests());
    for (auto quiet_since = clock_type::now(); clock_type::now() - quiet_since < 3s;) {
      std::this_thread::sleep_for(100ms);
      auto n = total(api.requests());
      if (n != last_n) {
        last_n = n;
        quiet_since = clock_type::now();
      }
    }
    std::printf("after a restart of the operator with %d finished restores:\n", ok + failed);
    auto r1 = api.requests();
    for (const auto& [k, v] : r1) {
      auto b = r0.count(k) ? r0.at(k) : 0;
      if (v != b)
        std::printf("  %-8s %-28s %llu\n", k.first.c_str(), k.second.c_str(),
                    static_cast<unsigned long long>(v - b));
    }
    std::printf("  total %llu API requests\n",
                static_cast<unsigned long long>(total(r1) - total(r0)));
  }
  return ok == opts.restores ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"baorestore run end to end on the embedded cluster: restores/s, latency, API "
               "requests per restore, the operator's RSS and idle CPU"};
  app.add_option("--restores", opts.restores, "restores, each on its own cluster");
  app.add_option("--clusters", opts.clusters, "OpenBaoClusters, spread over the tenants");
  app.add_option("--tenants", opts.tenants, "namespaces");
  app.add_option("--rate", opts.rate, "restores created per second; 0: all at once");
  app.add_option("--idle-seconds", opts.idle_seconds, "each idle measurement");
  app.add_option("--qps", opts.qps, "the operator's --qps");
  app.add_option("--burst", opts.burst, "the operator's --burst");
  app.add_option("--job-poll-initial", opts.job_poll_initial, "the operator's first Job poll (s)");
  app.add_option("--job-tick-ms", opts.job_tick_ms, "the job runner's tick");
  app.add_option("--timeout", opts.timeout, "seconds until unfinished restores are given up");
  app.add_option("--binary", opts.binary, "the baorestore executable");
  app.add_option("--crds", opts.crds, "CRD directory");
  app.add_flag("--operator-log", opts.operator_log, "let the operator print its steps");
  app.add_flag("--restart,!--no-restart", opts.restart,
               "restart the operator at the end and count what it asks for (default on)");
  CLI11_PARSE(app, argc, argv);
  if (opts.restores < 1 || opts.clusters < opts.restores || opts.tenants < 1) {
    std::fprintf(stderr, "want 1 <= restores <= clusters and tenants >= 1\n");
    return 2;
  }
  try {
    return run(opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "operator_bench: %s\n", e.what());
    return 1;
  }
}
