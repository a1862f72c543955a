// The HTTP gateway's throughput and CPU cost (issue 5's benchmark; not a test).
//
// The embedded cluster runs as its own process (`baorestore devcluster`, plain HTTP on
// 127.0.0.1), so that this process's CPU time is the gateway's: its actor, the HTTP client's
// Asio thread, and the requester actors, which do nothing but ask again. `requesters` actors
// each loop one request kind through the gateway for `seconds`:
//   get    GET of one OpenBaoCluster, decoded into the model (a poll);
//   patch  a status merge patch that changes a field each time (a lock or phase write).
// Reported: requests per second, and CPU microseconds of this process per request.
//
//   build/bench/gateway_bench --requesters 1,8,64 --seconds 5

#include <atomic>
#include <chrono>
#include <cstdio>
#include <csignal>
#include <future>
#include <thread>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/http_gateway.hpp"
#include "net/http_client.hpp"

using namespace baorestore;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string requesters = "1,8,64";
  double seconds = 5;
  std::size_t in_flight = 16;
  std::string server_binary = BAORESTORE_BINARY;
};

/// `baorestore devcluster` as a child process; its port read from its first line.
struct child_server {
  pid_t pid = -1;
  std::uint16_t port = 0;

  explicit child_server(const std::string& binary) {
    int fds[2];
    if (pipe(fds) != 0)
      throw std::runtime_error("pipe failed");
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      execl(binary.c_str(), binary.c_str(), "devcluster", "--listen", "127.0.0.1:0",
            "--crds", BAORESTORE_SOURCE_DIR "/deploy/crds", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n')
      line += c;
    close(fds[0]); // the rest of its output (the kubeconfig) is not needed
    auto at = line.rfind(':');
    if (line.rfind("devcluster: serving http://", 0) != 0 || at == std::string::npos)
      throw std::runtime_error("unexpected first line from the server: " + line);
    port = static_cast<std::uint16_t>(std::stoi(line.substr(at + 1)));
  }

  ~child_server() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

void post(net::http_client& client, const std::string& target, const std::string& body) {
  std::promise<net::client_result> done;
  net::client_request req;
  req.method = "POST";
  req.target = target;
  req.headers["content-type"] = "application/json";
  req.body = body;
  req.deadline = clock_type::now() + 5s;
  client.send(req, [&](net::client_result r) { done.set_value(std::move(r)); });
  auto r = done.get_future().get();
  auto* res = std::get_if<net::client_response>(&r);
  if (!res || res->status >= 300)
    throw std::runtime_error("seeding " + target + " failed");
}

void seed(std::uint16_t port) {
  net::client_options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tls = false;
  net::http_client client{o};
  post(client, "/api/v1/namespaces",
       R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
  post(client, "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaoclusters",
       R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
       R"("metadata":{"name":"vault","namespace":"tenant-a"},)"
       R"("spec":{"version":"2.4.0","replicas":3}})");
}

/// One requester: asks, and asks again when answered, until `stop`.
caf::behavior requester(caf::event_based_actor* self, gateway::api_gateway_actor gw, bool patch,
                        int id, std::atomic<bool>* stop, std::atomic<std::uint64_t>* done,
                        std::atomic<int>* alive) {
  self->attach_functor([alive] { alive->fetch_sub(1); });
  auto next = std::make_shared<std::function<void()>>();
  auto count = std::make_shared<std::uint64_t>(0);
  *next = [=] {
    if (stop->load(std::memory_order_relaxed)) {
      self->quit();
      return;
    }
    auto again = [=](const gateway::cluster&) {
      done->fetch_add(1, std::memory_order_relaxed);
      (*next)();
    };
    auto failed = [=](caf::error& e) {
      std::fprintf(stderr, "requester %d: %s\n", id, gateway::api_error_message(e).c_str());
      self->quit();
    };
    gateway::object_ref<gateway::cluster> ref{"tenant-a", "vault"};
    if (patch)
      self
        ->request(gw, caf::infinite, gateway::patch_status_atom_v,
                  gateway::patch_request<gateway::cluster>{
                    ref,
                    R"({"status":{"phase":"p)" + std::to_string(id) + "-"
                      + std::to_string(++*count) + R"("}})",
                    ""})
        .then(again, failed);
    else
      self->request(gw, caf::infinite, caf::get_atom_v, gateway::get_request<gateway::cluster>{ref})
        .then(again, failed);
  };
  (*next)();
  return {[](caf::unit_t) {}};
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

void run(caf::actor_system& sys, gateway::api_gateway_actor gw, int requesters, bool patch,
         double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> done{0};
  std::atomic<int> alive{requesters};
  auto cpu0 = cpu_seconds();
  auto t0 = clock_type::now();
  for (int i = 0; i < requesters; ++i)
    sys.spawn(requester, gw, patch, i, &stop, &done, &alive);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  auto n = done.load();
  std::chrono::duration<double> elapsed = clock_type::now() - t0;
  auto cpu = cpu_seconds() - cpu0;
  stop = true;
  while (alive.load() > 0) // requesters finish their last request; the gateway stays
    std::this_thread::sleep_for(10ms);
  std::printf("%-12s %3d requesters %10.0f req/s %8.1f us CPU/request\n",
              patch ? "status PATCH" : "GET", requesters, static_cast<double>(n) / elapsed.count(),
              n ? cpu * 1e6 / static_cast<double>(n) : 0.0);
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"Throughput and CPU per request of the HTTP gateway against the embedded cluster"};
  app.add_option("--requesters", opts.requesters, "comma-separated requester counts");
  app.add_option("--seconds", opts.seconds, "duration of each run");
  app.add_option("--in-flight", opts.in_flight, "gateway requests in flight at most");
  app.add_option("--server-binary", opts.server_binary, "the baorestore executable");
  CLI11_PARSE(app, argc, argv);

  child_server server{opts.server_binary};
  seed(server.port);
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  gateway::http_gateway_config gc;
  gc.connection.server = {false, "127.0.0.1", server.port, ""};
  gc.qps = 0; // the client-side limit would be the measurement otherwise
  gc.max_in_flight = opts.in_flight;
  auto gw = gateway::spawn_http_gateway(sys, gc);
  std::printf("gateway: %zu in flight, %.0f s per run, server in its own process\n",
              opts.in_flight, opts.seconds);
  std::stringstream list{opts.requesters};
  std::vector<int> counts;
  for (std::string item; std::getline(list, item, ',');)
    counts.push_back(std::stoi(item));
  for (bool patch : {false, true})
    for (int n : counts)
      run(sys, gw, n, patch, opts.seconds);
  caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
  return 0;
}
