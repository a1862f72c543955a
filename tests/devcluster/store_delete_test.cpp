#define CAF_SUITE devcluster.store_delete
#include "caf/test/unit_test.hpp"

#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

namespace {

/// The types of events for `res` after rv 0, in order ("A", "M", "D").
std::string trace(store_fixture& f, const dc::resource_id& res) {
  std::string out;
  auto evs = f.store->events_since(res, "", 0);
  for (const auto& ev : *evs)
    out += to_string(ev.type).substr(0, 1);
  return out;
}

std::string owned_by(const json::object& owner, bool block = false) {
  return R"(,"ownerReferences":[{"apiVersion":"v1","kind":"Secret","name":")"
         + str(owner, "/metadata/name") + R"(","uid":")" + str(owner, "/metadata/uid") + "\""
         + (block ? R"(,"blockOwnerDeletion":true)" : "") + "}]";
}

} // namespace

CAF_TEST(delete without finalizers removes at once) {
  store_fixture f;
  f.secret("s");
  auto d = f.store->remove(secrets, "ns", "s");
  CAF_REQUIRE(d);
  CAF_CHECK(d->removed);
  CAF_CHECK_EQUAL(str(d->object, "/metadata/resourceVersion"), "2");
  CAF_CHECK(!f.store->get(secrets, "ns", "s"));
  CAF_CHECK_EQUAL(trace(f, secrets), "AD");
  auto again = f.store->remove(secrets, "ns", "s");
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(again.error().code, 404);
}

CAF_TEST(finalizers hold the object until emptied) {
  store_fixture f;
  f.restore("r");
  CAF_REQUIRE(f.store->merge_patch(restores, "ns", "r",
    val(R"({"metadata":{"finalizers":["openbao.org/openbaorestore-finalizer","b"]}})")));
  f.now += std::chrono::seconds{5};
  auto d = f.store->remove(restores, "ns", "r");
  CAF_REQUIRE(d);
  CAF_CHECK(!d->removed);
  CAF_CHECK_EQUAL(str(d->object, "/metadata/deletionTimestamp"), "2026-11-25T08:00:05Z");
  CAF_CHECK_EQUAL(d->object.at("metadata").at("deletionGracePeriodSeconds").as_int64(), 0);
  CAF_CHECK_EQUAL(d->object.at("metadata").at("generation").as_int64(), 2);
  // A second delete changes nothing.
  auto d2 = f.store->remove(restores, "ns", "r");
  CAF_REQUIRE(d2);
  CAF_CHECK(!d2->removed);
  CAF_CHECK_EQUAL(f.store->resource_version(), 3u);
  // No new finalizers while terminating.
  auto add = f.store->merge_patch(restores, "ns", "r",
                                  val(R"({"metadata":{"finalizers":["b","c"]}})"));
  CAF_REQUIRE(!add);
  CAF_CHECK_EQUAL(add.error().code, 422);
  // Status writes still work while terminating; the deletionTimestamp cannot be cleared.
  CAF_CHECK(f.store->merge_patch(restores, "ns", "r", val(R"({"status":{"phase":"Failed"}})"),
                                 dc::subresource::status));
  auto keep = f.store->merge_patch(restores, "ns", "r",
    val(R"({"metadata":{"deletionTimestamp":null,"finalizers":["b"]}})"));
  CAF_REQUIRE(keep);
  CAF_CHECK(has(*keep, "/metadata/deletionTimestamp"));
  CAF_CHECK(f.store->get(restores, "ns", "r"));
  // The last finalizer goes: so does the object, with a DELETED event.
  auto last = f.store->json_patch(restores, "ns", "r",
                                  val(R"([{"op":"remove","path":"/metadata/finalizers"}])"));
  CAF_REQUIRE(last);
  CAF_CHECK(!f.store->get(restores, "ns", "r"));
  CAF_CHECK_EQUAL(trace(f, restores), "AMMMMD"); // create, finalizers, mark, status, one finalizer dropped, gone
  auto evs = *f.store->events_since(restores, "ns", 0);
  CAF_CHECK_EQUAL(evs.back().resource_version, f.store->resource_version());
  CAF_CHECK_EQUAL(str(evs.back().object, "/metadata/resourceVersion"),
                  std::to_string(f.store->resource_version()));
}

CAF_TEST(delete preconditions) {
  struct pre_case {
    const char* what;
    std::optional<std::string> uid;
    std::optional<std::string> rv;
    int code;
  };
  store_fixture probe;
  auto uid = str(probe.secret("s"), "/metadata/uid"); // same seed: same uid in each fixture
  const pre_case cases[] = {
    {"none", std::nullopt, std::nullopt, 0},
    {"uid matches", uid, std::nullopt, 0},
    {"uid differs", std::string{"other"}, std::nullopt, 409},
    {"rv matches", std::nullopt, std::string{"1"}, 0},
    {"rv differs", std::nullopt, std::string{"9"}, 409},
    {"both match", uid, std::string{"1"}, 0},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.what);
    store_fixture f;
    f.secret("s");
    dc::delete_options o;
    o.uid = c.uid;
    o.resource_version = c.rv;
    auto d = f.store->remove(secrets, "ns", "s", o);
    CAF_CHECK_EQUAL(static_cast<bool>(d), c.code == 0);
    if (!d) {
      CAF_CHECK_EQUAL(d.error().code, c.code);
      CAF_CHECK_EQUAL(d.error().reason, "Conflict");
      CAF_CHECK(d.error().message.find("Precondition failed: ") != std::string::npos);
      CAF_CHECK(f.store->get(secrets, "ns", "s"));
    }
  }
}

CAF_TEST(background propagation collects dependents) {
  store_fixture f;
  auto owner = f.secret("owner");
  auto child = f.secret("child", owned_by(owner));
  f.secret("grandchild", owned_by(child));
  f.secret("free");
  auto d = f.store->remove(secrets, "ns", "owner");
  CAF_REQUIRE(d && d->removed);
  CAF_CHECK(f.store->get(secrets, "ns", "child")); // the collector has not run yet
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 2u);  // child, then grandchild
  CAF_CHECK(!f.store->get(secrets, "ns", "child"));
  CAF_CHECK(!f.store->get(secrets, "ns", "grandchild"));
  CAF_CHECK(f.store->get(secrets, "ns", "free"));
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 0u);
}

CAF_TEST(dangling references dropped when other owners remain) {
  store_fixture f;
  auto a = f.secret("a");
  auto b = f.secret("b");
  auto refs = R"(,"ownerReferences":[{"name":"a","uid":")" + str(a, "/metadata/uid")
              + R"("},{"name":"b","uid":")" + str(b, "/metadata/uid") + R"("}])";
  f.secret("dep", refs);
  CAF_REQUIRE(f.store->remove(secrets, "ns", "a"));
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 1u);
  auto dep = f.store->get(secrets, "ns", "dep");
  CAF_REQUIRE(dep);
  CAF_CHECK_EQUAL(dep->at("metadata").at("ownerReferences").as_array().size(), 1u);
  CAF_CHECK_EQUAL(str(*dep, "/metadata/ownerReferences/0/name"), "b");
}

CAF_TEST(foreground propagation deletes dependents first) {
  store_fixture f;
  auto owner = f.secret("owner");
  f.secret("child", owned_by(owner, true));
  f.secret("held", owned_by(owner, true) + R"(,"finalizers":["x"])");
  dc::delete_options o;
  o.policy = dc::propagation::foreground;
  auto d = f.store->remove(secrets, "ns", "owner", o);
  CAF_REQUIRE(d);
  CAF_CHECK(!d->removed);
  CAF_CHECK(has(d->object, "/metadata/deletionTimestamp"));
  CAF_CHECK_EQUAL(str(d->object, "/metadata/finalizers/0"), "foregroundDeletion");
  f.store->collect_garbage();
  CAF_CHECK(!f.store->get(secrets, "ns", "child"));
  auto held = f.store->get(secrets, "ns", "held");
  CAF_REQUIRE(held);
  CAF_CHECK(has(*held, "/metadata/deletionTimestamp"));
  CAF_CHECK(f.store->get(secrets, "ns", "owner")); // waits for "held"
  CAF_REQUIRE(f.store->merge_patch(secrets, "ns", "held", val(R"({"metadata":{"finalizers":null}})")));
  CAF_CHECK(!f.store->get(secrets, "ns", "held"));
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 1u);
  CAF_CHECK(!f.store->get(secrets, "ns", "owner"));
  CAF_CHECK_EQUAL(trace(f, secrets).substr(trace(f, secrets).size() - 1), "D");
}

CAF_TEST(foreground keeps other finalizers) {
  store_fixture f;
  f.secret("owner", R"(,"finalizers":["keep"])");
  dc::delete_options o;
  o.policy = dc::propagation::foreground;
  CAF_REQUIRE(f.store->remove(secrets, "ns", "owner", o));
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 1u);
  auto left = f.store->get(secrets, "ns", "owner");
  CAF_REQUIRE(left);
  CAF_CHECK_EQUAL(left->at("metadata").at("finalizers").as_array().size(), 1u);
  CAF_CHECK_EQUAL(str(*left, "/metadata/finalizers/0"), "keep");
}

CAF_TEST(orphan propagation releases dependents) {
  store_fixture f;
  auto owner = f.secret("owner");
  f.secret("child", owned_by(owner));
  dc::delete_options o;
  o.policy = dc::propagation::orphan;
  auto d = f.store->remove(secrets, "ns", "owner", o);
  CAF_REQUIRE(d && d->removed);
  auto child = f.store->get(secrets, "ns", "child");
  CAF_REQUIRE(child);
  CAF_CHECK(!has(*child, "/metadata/ownerReferences"));
  CAF_CHECK_EQUAL(f.store->collect_garbage(), 0u);
  CAF_CHECK(f.store->get(secrets, "ns", "child"));
  CAF_CHECK_EQUAL(trace(f, secrets), "AAMD");
}
