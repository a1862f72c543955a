// Property: random interleavings of acquire, release, renew, forced takeovers, lock actor
// crashes, writers outside the process and API failures, over three clusters and five
// holders, never leave two holders and never lose a grant:
// - whenever the system is quiet, every holder that believes it holds a cluster's lock (it
//   was granted it and has neither released it nor been told lock_lost) is the holder stored
//   on the cluster, so at most one believes per cluster;
// - a believer is never answered busy or not_holder for its own lock without lock_lost first;
// - every request gets exactly one answer.
// Each run is deterministic: rapidcheck draws the commands, including which actor runs next.
#define CAF_SUITE lock_property
#include <cstdlib>
#include <type_traits>

#include <rapidcheck.h>

#include "caf/test/dsl.hpp"

#include "tests/cluster_lock/lock_fixture.hpp"

using namespace lock_test;

namespace {

constexpr int n_clusters = 3;
constexpr int n_holders = 5;

const cluster_operation holder_ops[n_holders] = {restore_op, restore_op, backup_op, upgrade_op,
                                                 backup_op};

std::string holder_name(int i) {
  return "holder/" + std::to_string(i);
}

/// Outcomes over all runs, to show that the runs reach the interesting cases.
struct tally {
  int granted = 0;
  int busy = 0;
  int errors = 0;
  int lost = 0;
  int forced = 0;
};

tally totals;

/// What one holder believes and what happened to its requests.
struct belief_log {
  std::map<cluster_key, bool> holds;
  int sent = 0;
  int answered = 0;
  std::vector<std::string> violations;
};

caf::behavior belief_client(caf::event_based_actor* self, lock_registry_actor registry,
                            std::shared_ptr<belief_log> log) {
  auto forward = [=](auto request, bool is_acquire) {
    auto key = request.cluster;
    constexpr bool is_release = std::is_same_v<decltype(request), release_request>;
    ++log->sent;
    self->request(registry, caf::infinite, std::move(request))
      .then(
        [=](lock_reply& r) {
          ++log->answered;
          totals.granted += r.outcome == lock_outcome::granted ? 1 : 0;
          totals.busy += r.outcome == lock_outcome::busy ? 1 : 0;
          totals.forced += r.previous ? 1 : 0;
          auto& holds = log->holds[key];
          if (r.outcome == lock_outcome::granted && is_acquire)
            holds = true;
          else if (r.outcome == lock_outcome::released)
            holds = false;
          else if (holds
                   && (r.outcome == lock_outcome::busy
                       || r.outcome == lock_outcome::not_holder))
            log->violations.push_back("lost " + to_string(key) + " without lock_lost: "
                                      + to_string(r.outcome));
        },
        [=](caf::error&) {
          ++log->answered;
          ++totals.errors;
          // A release that failed may still have been written (its lock actor was killed
          // between the write and the reply): the holder gave the lock up either way, so
          // its belief no longer counts. Acquire and renew errors leave the belief as it is.
          if (is_release)
            log->holds[key] = false;
        });
  };
  return {
    [=](acquire_request& r) { forward(std::move(r), true); },
    [=](release_request& r) { forward(std::move(r), false); },
    [=](renew_request& r) { forward(std::move(r), false); },
    [=](lock_lost& l) {
      ++totals.lost;
      log->holds[l.cluster] = false;
    },
  };
}

/// Crashes the lock actor of a cluster, if one runs when the lookup arrives.
caf::behavior crasher(caf::event_based_actor* self, detail::lock_registry_impl registry,
                      cluster_key key) {
  self->request(registry, caf::infinite, detail::lookup_atom_v, key)
    .then([=](caf::actor& a) {
      if (a)
        self->send_exit(a, caf::exit_reason::kill);
      self->quit();
    });
  return {[] {}};
}

enum class kind {
  acquire,
  release,
  renew,
  step,
  advance,
  crash,   // a lock actor
  restart, // a holder's actor dies and comes back under the same holder name
  outside,
  fault,
  settle,
};

struct command {
  kind what = kind::step;
  int holder = 0;
  int cluster = 0;
  int choice = 0; // wait, time, pick or fault, depending on `what`
  bool flag = false;
};

// How rapidcheck prints a failing command list.
void showValue(const command& c, std::ostream& os) {
  const char* names[] = {"acquire", "release", "renew",   "step",  "advance",
                         "crash",   "restart", "outside", "fault", "settle"};
  os << names[static_cast<int>(c.what)] << "(holder " << c.holder << ", cluster " << c.cluster
     << ", choice " << c.choice << ", flag " << c.flag << ")";
}

rc::Gen<command> gen_command() {
  return rc::gen::apply(
    [](kind what, int holder, int cluster, int choice, bool flag) {
      return command{what, holder, cluster, choice, flag};
    },
    rc::gen::weightedElement<kind>({{6, kind::acquire},
                                    {4, kind::release},
                                    {1, kind::renew},
                                    {6, kind::step},
                                    {2, kind::advance},
                                    {1, kind::crash},
                                    {1, kind::restart},
                                    {1, kind::outside},
                                    {1, kind::fault},
                                    {1, kind::settle}}),
    rc::gen::inRange(0, n_holders), rc::gen::inRange(0, n_clusters), rc::gen::inRange(0, 1000),
    rc::gen::arbitrary<bool>());
}

struct world : lock_fixture {
  std::vector<cluster_key> keys;
  std::vector<caf::actor> clients;
  std::vector<std::shared_ptr<belief_log>> logs;
  std::vector<std::string> dead_violations;

  world() {
    keys.push_back(k1);
    for (int i = 1; i < n_clusters; ++i) {
      keys.push_back({"tenant-" + std::to_string(i % 2), "vault-" + std::to_string(i)});
      seed(keys.back());
    }
    for (int i = 0; i < n_holders; ++i) {
      logs.push_back(std::make_shared<belief_log>());
      clients.push_back(sys.spawn(belief_client, lock_registry_actor{registry}, logs.back()));
    }
    settle();
  }

  // Runs `n` messages, each at an actor chosen by `pick`: the interleaving.
  void step(int n, int pick) {
    for (int i = 0; i < n && !sched.jobs.empty(); ++i) {
      auto at = static_cast<std::size_t>(pick + 7 * i) % sched.jobs.size();
      std::swap(sched.jobs.front(), sched.jobs[at]);
      sched.try_run_once();
    }
  }

  void apply(const command& c) {
    auto& key = keys[c.cluster];
    auto name = holder_name(c.holder);
    auto op = holder_ops[c.holder];
    switch (c.what) {
      case kind::acquire: {
        const caf::timespan waits[] = {caf::timespan{0}, 500ms, 5s};
        bool force = c.flag && op == restore_op;
        caf::anon_send(clients[c.holder],
                       acquire_request{key, op, name, "", force, waits[c.choice % 3]});
        break;
      }
      case kind::release:
        caf::anon_send(clients[c.holder], release_request{key, op, name});
        break;
      case kind::renew:
        caf::anon_send(clients[c.holder], renew_request{key, name});
        break;
      case kind::step:
        step(1 + c.choice % 25, c.choice);
        break;
      case kind::advance: {
        const caf::timespan times[] = {100ms, 1s, 6s, 61s};
        sched.advance_time(times[c.choice % 4]);
        break;
      }
      case kind::crash:
        sys.spawn(crasher, registry, key);
        break;
      case kind::restart: {
        // Whatever the dead actor believed and asked is gone with it; only what it was told
        // before it died (violations) still counts.
        caf::anon_send_exit(clients[c.holder], caf::exit_reason::kill);
        for (auto& v : logs[c.holder]->violations)
          dead_violations.push_back(v);
        logs[c.holder] = std::make_shared<belief_log>();
        clients[c.holder] =
          sys.spawn(belief_client, lock_registry_actor{registry}, logs[c.holder]);
        break;
      }
      case kind::outside: {
        // Someone outside sets or clears the lock; a watch reports the new cluster.
        auto patch = c.flag ? R"({"status":{"operationLock":null}})"
                            : R"({"status":{"operationLock":{"operation":"Backup",)"
                              R"("holder":"outside/backup"}}})";
        store->patch_cluster_status(key.namespace_, key.name, patch);
        caf::anon_send(registry,
                       cluster_observed{*store->cluster(key.namespace_, key.name)});
        break;
      }
      case kind::fault: {
        auto v = c.flag ? gateway::verb::get : gateway::verb::patch_status;
        auto code = c.choice % 2 == 0 ? gateway::api_errc::transport
                                      : gateway::api_errc::server_error;
        store->fail_next(v, code, 1 + c.choice % 3);
        break;
      }
      case kind::settle:
        check_quiet();
        break;
    }
  }

  // Lets everything finish (all waits end, all retries run) and checks the invariants.
  void check_quiet() {
    run();
    for (int k = 0; k < n_clusters; ++k) {
      auto stored = stored_holder(keys[k]);
      for (int h = 0; h < n_holders; ++h)
        if (logs[h]->holds[keys[k]])
          RC_ASSERT(stored == holder_name(h));
    }
    for (auto& v : dead_violations)
      RC_LOG() << v << "\n";
    RC_ASSERT(dead_violations.empty());
    for (auto& log : logs) {
      RC_ASSERT(log->answered == log->sent);
      for (auto& v : log->violations)
        RC_LOG() << v << "\n";
      RC_ASSERT(log->violations.empty());
    }
  }
};

} // namespace

CAF_TEST(random interleavings never leave two holders nor lose a grant) {
  // Thousands of runs unless the caller sets RC_PARAMS (e.g. a seed to replay a failure).
  setenv("RC_PARAMS", "max_success=2000", 0);
  auto ok = rc::check("lock interleavings", [] {
    auto commands = *rc::gen::container<std::vector<command>>(gen_command());
    world w;
    for (auto& c : commands)
      w.apply(c);
    w.check_quiet();
  });
  CAF_CHECK(ok);
  CAF_MESSAGE("granted " << totals.granted << ", busy " << totals.busy << ", errors "
                         << totals.errors << ", lock_lost " << totals.lost << ", forced "
                         << totals.forced);
  CAF_CHECK_GREATER(totals.lost, 0);
  CAF_CHECK_GREATER(totals.forced, 0);
}
