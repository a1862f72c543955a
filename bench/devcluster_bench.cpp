// The embedded cluster's speed and memory (issue 4's benchmark; not a test).
//
// Throughput: the server as `baorestore devcluster` runs it (object store, HTTP API with
// deploy/crds loaded, net::http_server on 127.0.0.1) and `connections` client threads, each
// on one keep-alive connection, looping one request kind for `seconds`:
//   get    GET of one OpenBaoCluster (what a poll costs);
//   patch  a merge patch of its status subresource that changes a field each time (a lock
//          or phase write: one commit, one watch event).
// The clients share the machine with the server: on 2 cores that is what a developer's
// laptop running the operator beside it sees.
//
// Memory: heap bytes in use (mallinfo2) before and after `objects` OpenBaoRestores (the
// sample's spec, distinct names) are created through the API, divided by the count. Each
// create is also an event in the store's watch window (a copy of the object), as in
// `baorestore devcluster`; --watch-window 1 measures the objects alone.
//
//   build/bench/devcluster_bench --connections 8 --seconds 5 --objects 10000

#include <atomic>
#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "devcluster/api/cluster_api.hpp"
#include "devcluster/object_store.hpp"
#include "net/http_server.hpp"

using namespace baorestore;
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int connections = 8;
  double seconds = 5;
  int objects = 10000;
  std::size_t watch_window = 10'000;
  std::string crds = BAORESTORE_SOURCE_DIR "/deploy/crds";
};

const std::string cluster_path =
  "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaoclusters/vault";

net::request post(std::string target, std::string body) {
  net::request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

void must(const net::response& r, const char* what) {
  if (r.status >= 300) {
    std::fprintf(stderr, "%s: %d %s\n", what, r.status, r.body.c_str());
    std::exit(1);
  }
}

void seed(devcluster::api::cluster_api& api) {
  must(api.handle(post("/api/v1/namespaces",
                       R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})")),
       "namespace");
  must(api.handle(post("/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaoclusters",
                       R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
                       R"("metadata":{"name":"vault","namespace":"tenant-a"},)"
                       R"("spec":{"version":"2.4.0","replicas":3}})")),
       "cluster");
}

std::string restore_body(int i) {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore","metadata":{"name":"r-)"
         + std::to_string(i) + R"(","namespace":"tenant-a","labels":{"team":"a"}},)"
         + R"("spec":{"cluster":"vault","source":{"target":{"provider":"s3",)"
           R"("endpoint":"http://127.0.0.1:4568","bucket":"openbao-backups",)"
           R"("pathPrefix":"clusters/vault/","region":"us-east-1","usePathStyle":true,)"
           R"("credentialsSecretRef":{"name":"s3-credentials"}},)"
           R"("key":"clusters/vault/2026-11-24T030000Z.snap"},)"
           R"("tokenSecretRef":{"name":"restore-token"}}})";
}

/// One client: a keep-alive connection looping one request kind until `stop`.
std::uint64_t client_loop(std::uint16_t port, bool patch, int id, const std::atomic<bool>& stop) {
  asio::io_context io;
  beast::tcp_stream stream{io};
  stream.connect({asio::ip::make_address("127.0.0.1"), port});
  beast::flat_buffer buf;
  std::uint64_t done = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    http::request<http::string_body> req{patch ? http::verb::patch : http::verb::get,
                                         patch ? cluster_path + "/status" : cluster_path, 11};
    req.set(http::field::host, "127.0.0.1");
    if (patch) {
      req.set(http::field::content_type, "application/merge-patch+json");
      req.body() = R"({"status":{"phase":"p)" + std::to_string(id) + "-"
                   + std::to_string(done) + R"("}})";
      req.prepare_payload();
    }
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    if (res.result_int() != 200) {
      std::fprintf(stderr, "client %d: %u %s\n", id, res.result_int(), res.body().c_str());
      std::exit(1);
    }
    ++done;
  }
  return done;
}

double run_clients(std::uint16_t port, bool patch, const options& opts) {
  std::atomic<bool> stop{false};
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(opts.connections));
  std::vector<std::thread> threads;
  auto start = clock_type::now();
  for (int i = 0; i < opts.connections; ++i)
    threads.emplace_back([&, i] {
      counts[static_cast<std::size_t>(i)] = client_loop(port, patch, i, stop);
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  std::chrono::duration<double> elapsed = clock_type::now() - start;
  std::uint64_t total = 0;
  for (auto c : counts)
    total += c;
  return static_cast<double>(total) / elapsed.count();
}

void measure_memory(devcluster::api::cluster_api& api, int objects) {
  auto before = mallinfo2().uordblks;
  for (int i = 0; i < objects; ++i)
    must(api.handle(post("/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores",
                         restore_body(i))),
         "restore");
  auto after = mallinfo2().uordblks;
  auto per = static_cast<double>(after - before) / objects;
  std::printf("memory: %d OpenBaoRestores, %.0f B each, %.1f MiB per 10,000\n", objects, per,
              per * 10000 / (1 << 20));
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"The embedded cluster's GET and status PATCH throughput, and memory per object"};
  app.add_option("--connections", opts.connections, "client threads, one connection each");
  app.add_option("--seconds", opts.seconds, "duration of each throughput run");
  app.add_option("--objects", opts.objects, "objects created for the memory measurement");
  app.add_option("--crds", opts.crds, "CRD directory");
  app.add_option("--watch-window", opts.watch_window,
                 "events the store keeps for watches (each holds a copy of its object)");
  CLI11_PARSE(app, argc, argv);

  devcluster::store_options so;
  so.watch_window = opts.watch_window;
  devcluster::object_store store{so};
  devcluster::api::cluster_api api{store};
  for (const auto& p : api.load_crds(opts.crds))
    std::fprintf(stderr, "CRD: %s\n", p.c_str());
  seed(api);
  net::http_server server{{}, [&api](const net::request& r) { return api.handle(r); }};
  server.start();

  std::printf("connections: %d, %.0f s each\n", opts.connections, opts.seconds);
  std::printf("GET          %10.0f req/s\n", run_clients(server.port(), false, opts));
  std::printf("status PATCH %10.0f req/s\n", run_clients(server.port(), true, opts));
  server.stop();
  measure_memory(api, opts.objects);
  return 0;
}
