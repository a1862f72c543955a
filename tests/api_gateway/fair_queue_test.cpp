#define CAF_SUITE gateway.fair_queue
// The gateway's queue: high before normal, round-robin across tenants, FIFO per tenant.
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "actors/api_gateway/fair_queue.hpp"

using namespace baorestore::gateway;

namespace {

/// Pops everything, as "tenant:item" strings.
template <class Item>
std::vector<std::string> drain(fair_queue<Item>& q) {
  std::vector<std::string> out;
  while (auto x = q.pop())
    out.push_back(*x);
  return out;
}

using strings = std::vector<std::string>;

} // namespace

CAF_TEST(an empty queue pops nothing) {
  fair_queue<int> q;
  CAF_CHECK(!q.pop().has_value());
  CAF_CHECK_EQUAL(q.size(), 0u);
  CAF_CHECK(q.empty());
  CAF_CHECK(q.depths().empty());
  CAF_CHECK_EQUAL(q.depth("a"), 0u);
}

CAF_TEST(one tenant is first in first out) {
  fair_queue<std::string> q;
  for (auto x : {"1", "2", "3"})
    q.push("a", priority::normal, x);
  auto got = drain(q);
  CAF_CHECK_EQUAL(got, (strings{"1", "2", "3"}));
}

CAF_TEST(tenants take turns in order of arrival) {
  fair_queue<std::string> q;
  for (auto x : {"a1", "a2", "a3"})
    q.push("a", priority::normal, x);
  for (auto x : {"b1", "b2"})
    q.push("b", priority::normal, x);
  q.push("", priority::normal, "cluster1"); // cluster-scoped requests are a tenant too
  auto got = drain(q);
  CAF_CHECK_EQUAL(got, (strings{"a1", "b1", "cluster1", "a2", "b2", "a3"}));
}

CAF_TEST(a tenant that empties rejoins at the back) {
  fair_queue<std::string> q;
  q.push("a", priority::normal, "a1");
  q.push("a", priority::normal, "a2");
  q.push("b", priority::normal, "b1");
  auto first = q.pop();  // rotation: b, a
  auto second = q.pop(); // b empties and leaves: a
  CAF_CHECK_EQUAL(*first, "a1");
  CAF_CHECK_EQUAL(*second, "b1");
  q.push("b", priority::normal, "b2"); // b rejoins behind a
  q.push("c", priority::normal, "c1");
  auto got = drain(q);
  CAF_CHECK_EQUAL(got, (strings{"a2", "b2", "c1"}));
}

CAF_TEST(high priority of any tenant goes before all normal items) {
  fair_queue<std::string> q;
  q.push("a", priority::normal, "a-n1");
  q.push("b", priority::high, "b-h1");
  q.push("a", priority::high, "a-h1");
  q.push("b", priority::normal, "b-n1");
  q.push("b", priority::high, "b-h2");
  auto got = drain(q);
  // High: b, a in order of arrival at that level; then normal: a, b.
  CAF_CHECK_EQUAL(got, (strings{"b-h1", "a-h1", "b-h2", "a-n1", "b-n1"}));
}

CAF_TEST(a busy tenant delays another by at most one pop) {
  fair_queue<std::string> q;
  for (int i = 0; i < 1000; ++i)
    q.push("a", priority::normal, "a" + std::to_string(i));
  for (int offset = 0; offset < 5; ++offset) { // B arrives at various points of A's backlog
    for (int i = 0; i < offset; ++i)
      q.pop();
    q.push("b", priority::normal, "b");
    auto first = q.pop();
    auto second = q.pop();
    CAF_CHECK(*first == "b" || *second == "b");
  }
  q.push("b", priority::normal, "b-normal");
  q.pop();
  q.push("b", priority::high, "b-high"); // whatever is queued, high goes next
  auto next = q.pop();
  CAF_CHECK_EQUAL(*next, "b-high");
  q.push("c", priority::high, "c-high");
  next = q.pop();
  CAF_CHECK_EQUAL(*next, "c-high");
}

CAF_TEST(sizes and depths) {
  fair_queue<int> q;
  q.push("b", priority::normal, 1);
  q.push("a", priority::high, 2);
  q.push("a", priority::normal, 3);
  q.push("", priority::normal, 4);
  CAF_CHECK_EQUAL(q.size(), 4u);
  CAF_CHECK_EQUAL(q.depth("a"), 2u);
  CAF_CHECK_EQUAL(q.depth("b"), 1u);
  CAF_CHECK_EQUAL(q.depth(""), 1u);
  CAF_CHECK_EQUAL(q.depth("zzz"), 0u);
  auto d = q.depths();
  using depth_list = std::vector<std::pair<std::string, std::size_t>>;
  CAF_CHECK(d == (depth_list{{"", 1}, {"a", 2}, {"b", 1}}));
  q.pop(); // a's high item
  q.pop(); // b
  d = q.depths();
  CAF_CHECK(d == (depth_list{{"", 1}, {"a", 1}}));
  CAF_CHECK_EQUAL(q.size(), 2u);
}

CAF_TEST(move-only items) {
  fair_queue<std::unique_ptr<int>> q;
  q.push("a", priority::normal, std::make_unique<int>(7));
  auto p = q.pop();
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(**p, 7);
}

// -- property ------------------------------------------------------------------------------

namespace {

constexpr int n_tenants = 4;

struct item {
  int tenant;
  priority prio;
  int seq; // unique over the run
};

struct op {
  bool push = true;
  int tenant = 0;
  bool high = false;
};

/// The reference: per level and tenant, the items still queued, in push order; and, for the
/// fairness rule, which tenants each tenant owes a turn to since its last pop.
struct model {
  std::map<int, std::vector<int>> queued[2]; // [level][tenant] -> seqs
  // owed[level][t]: tenants non-empty at t's last pop at this level and not popped since (a
  // tenant empties only by a pop, so these were non-empty the whole time); t must not be
  // popped again at this level while it owes any of them a turn.
  std::map<int, std::set<int>> owed[2];

  static int level(priority p) { return p == priority::high ? 0 : 1; }

  bool empty(int lv, int t) const {
    auto it = queued[lv].find(t);
    return it == queued[lv].end() || it->second.empty();
  }

  void pushed(const item& x) { queued[level(x.prio)][x.tenant].push_back(x.seq); }

  void popped(const item& x) {
    auto lv = level(x.prio);
    RC_ASSERT(lv == 0 || all_empty(0)); // high first
    auto& fifo = queued[lv][x.tenant];
    RC_ASSERT(!fifo.empty());
    RC_ASSERT(fifo.front() == x.seq); // per-tenant FIFO, nothing lost or duplicated
    fifo.erase(fifo.begin());
    RC_ASSERT(owed[lv][x.tenant].empty()); // every tenant owed a turn got it first
    for (auto& [t, set] : owed[lv])
      set.erase(x.tenant);
    owed[lv][x.tenant].clear();
    for (int u = 0; u < n_tenants; ++u)
      if (u != x.tenant && !empty(lv, u))
        owed[lv][x.tenant].insert(u);
  }

  bool all_empty(int lv) const {
    for (auto& [t, fifo] : queued[lv])
      if (!fifo.empty())
        return false;
    return true;
  }

  std::size_t total() const {
    std::size_t n = 0;
    for (auto& lv : queued)
      for (auto& [t, fifo] : lv)
        n += fifo.size();
    return n;
  }
};

rc::Gen<op> gen_op() {
  // More pushes than pops, so queues build up and several tenants compete.
  return rc::gen::build<op>(
    rc::gen::set(&op::push, rc::gen::weightedElement<bool>({{3, true}, {2, false}})),
    rc::gen::set(&op::tenant, rc::gen::inRange(0, n_tenants)),
    rc::gen::set(&op::high, rc::gen::weightedElement<bool>({{1, true}, {4, false}})));
}

void run(const std::vector<op>& ops) {
  fair_queue<item> q;
  model m;
  int seq = 0;
  auto pop_one = [&] {
    auto x = q.pop();
    RC_ASSERT(x.has_value() == (m.total() > 0));
    if (x)
      m.popped(*x);
  };
  for (const auto& o : ops) {
    if (o.push) {
      item x{o.tenant, o.high ? priority::high : priority::normal, seq++};
      q.push("t" + std::to_string(o.tenant), x.prio, x);
      m.pushed(x);
    } else {
      pop_one();
    }
    RC_ASSERT(q.size() == m.total());
  }
  while (q.size() > 0)
    pop_one();
  RC_ASSERT(m.total() == 0u);
  RC_ASSERT(!q.pop().has_value());
}

} // namespace

CAF_TEST(random pushes and pops keep FIFO order and lose nothing and take turns) {
  setenv("RC_PARAMS", "max_success=1000", 0);
  auto ok = rc::check("fair queue", [] { run(*rc::gen::container<std::vector<op>>(gen_op())); });
  CAF_CHECK(ok);
}
