// Lock throughput, latency and memory (issue 3's benchmark; not a test).
//
// Throughput and latency: `clients` actors each loop acquire -> release on their own share
// of `clusters` clusters (so every acquire is granted: this measures the lock path, not
// contention), through the registry, the lock actors and one in-memory gateway, on a CAF
// scheduler with `threads` workers. Memory: heap bytes in use (mallinfo2) before and after
// `clusters` lock actors are made to exist idle (a query each) and then active (an acquire
// each), divided by the count.
//
//   build/bench/lock_bench --clusters 10000 --clients 64 --seconds 5 --threads 2

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <memory>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/memory_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "actors/cluster_lock/lock_registry.hpp"

using namespace baorestore;
using namespace baorestore::cluster_lock;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int clusters = 10000;
  int clients = 64;
  double seconds = 5;
  int threads = 2;
  int gateways = 1;
  std::string policy = "stealing";
};

cluster_key key_of(int i) {
  return {"tenant-" + std::to_string(i % 100), "cluster-" + std::to_string(i)};
}

void seed(gateway::memory_store& store, int clusters) {
  for (int i = 0; i < clusters; ++i) {
    model::openbao_cluster c;
    auto k = key_of(i);
    c.metadata.namespace_ = k.namespace_;
    c.metadata.name = k.name;
    c.spec.version = "2.4.0";
    c.spec.replicas = 3;
    c.status.initialized = true;
    store.put(std::move(c));
  }
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

/// Shared between the client actors and main: stop flag and results.
struct run_state {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> pairs{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<int> done{0};
  std::vector<std::vector<double>> latencies_us; // one vector per client, no sharing
};

struct client_state {
  std::vector<cluster_key> keys;
  std::size_t next = 0;
  clock_type::time_point started;
  static inline const char* name = "bench_client";
};

using client_actor = caf::stateful_actor<client_state>;

void acquire_next(client_actor* self, lock_registry_actor reg, std::shared_ptr<run_state> run,
                  std::size_t id);

void release(client_actor* self, lock_registry_actor reg, std::shared_ptr<run_state> run,
             std::size_t id, cluster_key key) {
  release_request rel{key, model::cluster_operation::backup, "bench/" + std::to_string(id)};
  self->request(reg, caf::infinite, std::move(rel))
    .then(
      [=](lock_reply&) {
        auto us = std::chrono::duration<double, std::micro>(clock_type::now()
                                                            - self->state.started)
                    .count();
        run->latencies_us[id].push_back(us);
        run->pairs.fetch_add(1, std::memory_order_relaxed);
        acquire_next(self, reg, run, id);
      },
      [=](caf::error&) {
        run->failures.fetch_add(1);
        run->done.fetch_add(1);
        self->quit();
      });
}

void acquire_next(client_actor* self, lock_registry_actor reg, std::shared_ptr<run_state> run,
                  std::size_t id) {
  if (run->stop.load(std::memory_order_relaxed)) {
    run->done.fetch_add(1);
    self->quit();
    return;
  }
  auto& st = self->state;
  auto key = st.keys[st.next++ % st.keys.size()];
  st.started = clock_type::now();
  acquire_request req{key, model::cluster_operation::backup, "bench/" + std::to_string(id),
                      "benchmark", false, caf::timespan{0}};
  self->request(reg, caf::infinite, std::move(req))
    .then(
      [=](lock_reply& r) {
        if (r.outcome != lock_outcome::granted) {
          run->failures.fetch_add(1);
          run->done.fetch_add(1);
          self->quit();
          return;
        }
        release(self, reg, run, id, key);
      },
      [=](caf::error&) {
        run->failures.fetch_add(1);
        run->done.fetch_add(1);
        self->quit();
      });
}

caf::behavior bench_client(client_actor* self, lock_registry_actor reg,
                           std::shared_ptr<run_state> run, std::size_t id,
                           std::vector<cluster_key> keys) {
  self->state.keys = std::move(keys);
  acquire_next(self, reg, run, id);
  return {[](caf::unit_t) {}};
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty())
    return 0;
  auto n = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end());
  return v[n];
}

/// Sends one request per cluster from a blocking actor and waits for every reply.
template <class Request>
void for_each_cluster(caf::actor_system& sys, lock_registry_actor reg, int clusters,
                      Request make) {
  caf::scoped_actor self{sys};
  for (int i = 0; i < clusters; ++i)
    self->send(reg, make(i));
  int answered = 0;
  self->receive_for(answered, clusters)([](lock_reply&) {}, [](lock_status&) {},
                                        [](caf::error&) {});
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"baorestore lock benchmark"};
  app.add_option("--clusters", opt.clusters);
  app.add_option("--clients", opt.clients);
  app.add_option("--seconds", opt.seconds);
  app.add_option("--threads", opt.threads);
  app.add_option("--gateways", opt.gateways,
                 "in-memory gateway actors over the one store (a round-robin pool when > 1)");
  app.add_option("--policy", opt.policy, "CAF scheduler policy: stealing or sharing");
  CLI11_PARSE(app, argc, argv);

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", opt.threads);
  cfg.set("scheduler.policy", caf::atom_from_string(opt.policy));
  caf::actor_system sys{cfg};
  auto store = std::make_shared<gateway::memory_store>();
  store->record_calls(false);
  seed(*store, opt.clusters);
  lock_config lc;
  if (opt.gateways <= 1) {
    lc.gateway = sys.spawn(gateway::memory_gateway, store);
  } else {
    // The real gateway is asynchronous I/O; the in-memory one answers on its own thread, so a
    // pool of them over the one (thread-safe) store stands in for that parallelism.
    auto pool = caf::actor_pool::make(
      sys.dummy_execution_unit(), static_cast<std::size_t>(opt.gateways),
      [&] { return caf::actor_cast<caf::actor>(sys.spawn(gateway::memory_gateway, store)); },
      caf::actor_pool::round_robin());
    lc.gateway = caf::actor_cast<gateway::api_gateway_actor>(pool);
  }
  lc.idle_timeout = std::chrono::hours{1};
  auto reg = spawn_lock_registry(sys, lc);

  // Memory: lock actors idle (spawned by a query), then active (holding a lock).
  auto heap0 = heap_in_use();
  for_each_cluster(sys, reg, opt.clusters, [](int i) { return query_request{key_of(i)}; });
  auto heap_idle = heap_in_use();
  for_each_cluster(sys, reg, opt.clusters, [](int i) {
    return acquire_request{key_of(i), model::cluster_operation::backup, "mem", "m", false,
                           caf::timespan{0}};
  });
  auto heap_active = heap_in_use();
  for_each_cluster(sys, reg, opt.clusters, [](int i) {
    return release_request{key_of(i), model::cluster_operation::backup, "mem"};
  });
  auto per = [&](std::size_t a, std::size_t b) {
    return static_cast<double>(b > a ? b - a : 0) / opt.clusters;
  };

  // Throughput and latency.
  auto run = std::make_shared<run_state>();
  run->latencies_us.resize(static_cast<std::size_t>(opt.clients));
  for (auto& v : run->latencies_us)
    v.reserve(1 << 20);
  auto t0 = clock_type::now();
  for (int c = 0; c < opt.clients; ++c) {
    std::vector<cluster_key> keys;
    for (int i = c; i < opt.clusters; i += opt.clients)
      keys.push_back(key_of(i));
    sys.spawn(bench_client, reg, run, static_cast<std::size_t>(c), std::move(keys));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
  auto pairs = run->pairs.load();
  auto elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
  run->stop = true;
  // Clients finish their pair in flight and quit; their latency vectors are theirs until then.
  for (int i = 0; i < 1000 && run->done.load() < opt.clients; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (run->done.load() < opt.clients) {
    std::fprintf(stderr, "clients did not stop\n");
    return 1;
  }
  std::vector<double> all;
  for (auto& v : run->latencies_us)
    all.insert(all.end(), v.begin(), v.end());
  auto p50 = percentile(all, 0.50);
  auto p99 = percentile(all, 0.99);
  std::printf("clusters %d, clients %d, threads %d, gateways %d, policy %s, %.1f s\n",
              opt.clusters, opt.clients, opt.threads, opt.gateways, opt.policy.c_str(), elapsed);
  std::printf("acquire+release pairs/s: %.0f (failures %llu)\n",
              static_cast<double>(pairs) / elapsed,
              static_cast<unsigned long long>(run->failures.load()));
  std::printf("pair round trip: p50 %.1f us, p99 %.1f us\n", p50, p99);
  std::printf("heap per idle lock actor: %.0f B; per active lock actor: %.0f B more\n",
              per(heap0, heap_idle), per(heap_idle, heap_active));
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(lc.gateway, caf::exit_reason::user_shutdown);
  return run->failures.load() == 0 ? 0 : 1;
}
