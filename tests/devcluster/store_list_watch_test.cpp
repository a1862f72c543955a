#define CAF_SUITE devcluster.store_list_watch
#include "caf/test/unit_test.hpp"

#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

namespace {

std::string names(const std::vector<json::object>& items) {
  std::string out;
  for (const auto& o : items)
    out += (out.empty() ? "" : ",") + str(o, "/metadata/namespace") + "/" + str(o, "/metadata/name");
  return out;
}

void seed(store_fixture& f) {
  auto mk = [&](const char* ns, const char* name, const char* labels, const char* type) {
    CAF_REQUIRE(f.store->create(secrets, ns,
      obj(std::string{R"({"metadata":{"name":")"} + name + R"(","labels":)" + labels
          + R"(},"type":")" + type + "\"}")));
  };
  mk("b", "s2", R"({"app":"x","tier":"db"})", "Opaque");
  mk("a", "s1", R"({"app":"x"})", "Opaque");
  mk("a", "s3", R"({"app":"y","legacy":"1"})", "kubernetes.io/tls");
  mk("b", "s1", R"({})", "Opaque");
}

} // namespace

CAF_TEST(list selectors) {
  struct list_case {
    const char* ns;
    const char* labels;
    const char* fields;
    const char* expect; // names, or "!<code>"
  } cases[] = {
    {"", "", "", "a/s1,a/s3,b/s1,b/s2"},
    {"a", "", "", "a/s1,a/s3"},
    {"c", "", "", ""},
    {"", "app=x", "", "a/s1,b/s2"},
    {"", "app==x", "", "a/s1,b/s2"},
    {"", "app!=x", "", "a/s3,b/s1"},
    {"", "app", "", "a/s1,a/s3,b/s2"},
    {"", "!app", "", "b/s1"},
    {"", "app=x,tier", "", "b/s2"},
    {"", "app=x, !tier", "", "a/s1"},
    {"", "", "metadata.name=s1", "a/s1,b/s1"},
    {"", "", "metadata.namespace=b", "b/s1,b/s2"},
    {"", "", "metadata.name!=s1,metadata.namespace==a", "a/s3"},
    {"", "", "type=kubernetes.io/tls", "a/s3"},
    {"", "app", "metadata.name=s2", "b/s2"},
    {"", "a=b,", "", "!400"},
    {"", "=x", "", "!400"},
    {"", "", "spec.foo=x", "!400"},
    {"", "", "metadata.name", "!400"},
  };
  store_fixture f;
  seed(f);
  for (const auto& c : cases) {
    CAF_MESSAGE(c.ns << " | " << c.labels << " | " << c.fields);
    dc::list_options o;
    o.label_selector = c.labels;
    o.field_selector = c.fields;
    auto r = f.store->list(secrets, c.ns, o);
    if (c.expect[0] == '!') {
      CAF_REQUIRE(!r);
      CAF_CHECK_EQUAL(std::to_string(r.error().code), c.expect + 1);
      continue;
    }
    CAF_REQUIRE(r);
    CAF_CHECK_EQUAL(names(r->items), c.expect);
    CAF_CHECK_EQUAL(r->resource_version, 4u);
    CAF_CHECK(r->continue_token.empty());
  }
  auto bad = f.store->list(secrets, "", dc::list_options{"", "spec.foo=x", 0, ""});
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(bad.error().message, "field label not supported: spec.foo");
}

CAF_TEST(list pages with limit and continue) {
  dc::store_options opts;
  opts.max_page_size = 3;
  auto fresh = [&](store_fixture& f) {
    f.open(opts);
    for (int i = 0; i < 7; ++i)
      f.secret("s" + std::to_string(i), i % 2 ? R"(,"labels":{"odd":"1"})" : "");
  };
  store_fixture f;
  struct page_case {
    std::size_t limit;
    const char* labels;
    std::vector<std::string> pages;
  } cases[] = {
    {0, "", {"ns/s0,ns/s1,ns/s2,ns/s3,ns/s4,ns/s5,ns/s6"}},
    {2, "", {"ns/s0,ns/s1", "ns/s2,ns/s3", "ns/s4,ns/s5", "ns/s6"}},
    {7, "", {"ns/s0,ns/s1,ns/s2", "ns/s3,ns/s4,ns/s5", "ns/s6"}}, // capped at 3
    {3, "odd", {"ns/s1,ns/s3,ns/s5"}},                              // no empty last page
    {2, "odd", {"ns/s1,ns/s3", "ns/s5"}},
  };
  for (const auto& c : cases) {
    fresh(f);
    dc::list_options o;
    o.limit = c.limit;
    o.label_selector = c.labels;
    std::vector<std::string> pages;
    while (true) {
      auto r = f.store->list(secrets, "ns", o);
      CAF_REQUIRE(r);
      CAF_CHECK_EQUAL(r->resource_version, 7u);
      pages.push_back(names(r->items));
      if (r->continue_token.empty())
        break;
      o.continue_token = r->continue_token;
      // Writes between pages: later pages see them; the list RV stays the first page's.
      f.store->merge_patch(secrets, "ns", "s6", val(R"({"metadata":{"labels":{"t":"1"}}})"));
    }
    CAF_CHECK_EQUAL(pages, c.pages);
  }
  dc::list_options junk;
  junk.continue_token = "not-a-token";
  auto r = f.store->list(secrets, "ns", junk);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().code, 400);
}

CAF_TEST(watch events in order) {
  store_fixture f;
  f.secret("a");                                                                  // 1
  f.restore("r");                                                                 // 2
  f.store->merge_patch(secrets, "ns", "a", val(R"({"data":{"k":"eA=="}})"));      // 3
  f.store->create(secrets, "other", obj(R"({"metadata":{"name":"b"}})"));         // 4
  f.store->merge_patch(secrets, "ns", "a", val(R"({"data":{"k":"eA=="}})"));      // no-op
  f.store->remove(secrets, "ns", "a");                                            // 5
  struct since_case {
    const char* ns;
    std::uint64_t rv;
    const char* expect; // "<type><rv>" each
  } cases[] = {
    {"", 0, "A1 M3 A4 D5"}, {"ns", 0, "A1 M3 D5"}, {"other", 0, "A4"},
    {"", 1, "M3 A4 D5"},    {"", 3, "A4 D5"},      {"", 5, ""}, {"", 99, ""},
  };
  for (const auto& c : cases) {
    auto evs = f.store->events_since(secrets, c.ns, c.rv);
    CAF_REQUIRE(evs);
    std::string got;
    for (const auto& ev : *evs) {
      got += (got.empty() ? "" : " ") + std::string{to_string(ev.type).substr(0, 1)}
             + std::to_string(ev.resource_version);
      CAF_CHECK_EQUAL(str(ev.object, "/metadata/resourceVersion"),
                      std::to_string(ev.resource_version));
    }
    CAF_CHECK_EQUAL(got, c.expect);
  }
}

CAF_TEST(watch window expires old resource versions) {
  dc::store_options opts;
  opts.watch_window = 4;
  store_fixture f{opts};
  for (int i = 0; i < 10; ++i)
    f.secret("s" + std::to_string(i)); // rv 1..10; events 7..10 kept
  struct case_ {
    std::uint64_t rv;
    int code;
    std::size_t count;
  } cases[] = {{0, 410, 0}, {5, 410, 0}, {6, 0, 4}, {7, 0, 3}, {10, 0, 0}};
  for (const auto& c : cases) {
    auto evs = f.store->events_since(secrets, "", c.rv);
    if (c.code) {
      CAF_REQUIRE(!evs);
      CAF_CHECK_EQUAL(evs.error().code, 410);
      CAF_CHECK_EQUAL(evs.error().reason, "Expired");
      CAF_CHECK_EQUAL(evs.error().message,
                      "too old resource version: " + std::to_string(c.rv) + " (6)");
    } else {
      CAF_REQUIRE(evs);
      CAF_CHECK_EQUAL(evs->size(), c.count);
    }
  }
}

CAF_TEST(ten thousand events without loss or reordering) {
  store_fixture f;
  f.secret("s");
  for (int i = 0; i < 10'000; ++i)
    f.store->merge_patch(secrets, "ns", "s",
                         val(R"({"data":{"n":")" + std::to_string(i) + "\"}}"));
  auto evs = f.store->events_since(secrets, "ns", 1);
  CAF_REQUIRE(evs);
  CAF_REQUIRE_EQUAL(evs->size(), 10'000u);
  bool ordered = true;
  for (std::size_t i = 0; i < evs->size(); ++i)
    ordered = ordered && (*evs)[i].resource_version == i + 2
              && str((*evs)[i].object, "/data/n") == std::to_string(i);
  CAF_CHECK(ordered);
  CAF_CHECK(!f.store->events_since(secrets, "ns", 0)); // rv 1 left the default window
}
