#define CAF_SUITE devcluster.store_write
#include "caf/test/unit_test.hpp"

#include "model/merge_patch.hpp"
#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

namespace {

enum class how { update, merge, json_patch };

struct write_case {
  const char* what;
  how kind;
  dc::subresource sub;
  const char* body; // for update: merged onto the current object first (a client's edit)
  int code;         // 0: success
  const char* expect_pointer = nullptr; // after success: this pointer ...
  const char* expect_value = nullptr;   // ... holds this string ("" = absent)
  bool bumps_rv = true;
  std::int64_t generation = 1;
};

/// Runs one write against restore "r" (spec {"cluster":"c"}, status {"phase":"Running"}).
dc::result<json::object> run(store_fixture& f, const write_case& c) {
  switch (c.kind) {
    case how::update: {
      json::value doc = *f.store->get(restores, "ns", "r");
      baorestore::model::apply_merge_patch(doc, val(c.body));
      return f.store->update(restores, "ns", "r", doc.as_object(), c.sub);
    }
    case how::merge:
      return f.store->merge_patch(restores, "ns", "r", val(c.body), c.sub);
    case how::json_patch:
      break;
  }
  return f.store->json_patch(restores, "ns", "r", val(c.body), c.sub);
}

} // namespace

CAF_TEST(writes to restores) {
  using dc::subresource;
  const write_case cases[] = {
    // resourceVersion preconditions: rv of "r" is 2 here
    {"update stale rv", how::update, subresource::none,
     R"({"metadata":{"resourceVersion":"1","labels":{"a":"b"}}})", 409},
    {"update current rv", how::update, subresource::none,
     R"({"metadata":{"resourceVersion":"2","labels":{"a":"b"}}})", 0, "/metadata/labels/a", "b"},
    {"update without rv", how::update, subresource::none,
     R"({"metadata":{"resourceVersion":null,"labels":{"a":"b"}}})", 0, "/metadata/labels/a", "b"},
    {"merge stale rv", how::merge, subresource::none,
     R"({"metadata":{"resourceVersion":"1","labels":{"a":"b"}}})", 409},
    {"merge current rv", how::merge, subresource::none,
     R"({"metadata":{"resourceVersion":"2","labels":{"a":"b"}}})", 0, "/metadata/labels/a", "b"},
    {"json patch stale rv", how::json_patch, subresource::none,
     R"([{"op":"replace","path":"/metadata/resourceVersion","value":"1"}])", 409},
    // status subresource semantics
    {"main write ignores status", how::merge, subresource::none,
     R"({"status":{"phase":"Failed"}})", 0, "/status/phase", "Running", false},
    {"main write cannot drop status", how::merge, subresource::none, R"({"status":null})", 0,
     "/status/phase", "Running", false},
    {"status write sets status", how::merge, subresource::status,
     R"({"status":{"phase":"Failed"}})", 0, "/status/phase", "Failed"},
    {"status write ignores labels", how::merge, subresource::status,
     R"({"metadata":{"labels":{"a":"b"}},"status":{"phase":"Failed"}})", 0, "/metadata/labels/a",
     ""},
    {"status update ignores spec", how::update, subresource::status,
     R"({"spec":{"cluster":"x"},"status":{"phase":"Failed"}})", 0, "/spec/cluster", "c"},
    {"status json patch", how::json_patch, subresource::status,
     R"([{"op":"replace","path":"/status/phase","value":"Completed"}])", 0, "/status/phase",
     "Completed"},
    {"status write stale rv", how::merge, subresource::status,
     R"({"metadata":{"resourceVersion":"1"},"status":{"phase":"Failed"}})", 409},
    // server-managed metadata
    {"uid kept", how::merge, subresource::none, R"({"metadata":{"uid":"x"}})", 0,
     "/metadata/uid", nullptr, false},
    {"creationTimestamp kept", how::merge, subresource::none,
     R"({"metadata":{"creationTimestamp":"2000-01-01T00:00:00Z"}})", 0,
     "/metadata/creationTimestamp", "2026-11-25T08:00:00Z", false},
    {"generation kept", how::merge, subresource::none, R"({"metadata":{"generation":7}})", 0,
     nullptr, nullptr, false},
    {"deletionTimestamp kept", how::merge, subresource::none,
     R"({"metadata":{"deletionTimestamp":"2030-01-01T00:00:00Z"}})", 0,
     "/metadata/deletionTimestamp", "", false},
    {"same values write nothing", how::merge, subresource::none,
     R"({"spec":{"cluster":"c"}})", 0, nullptr, nullptr, false},
    // identity
    {"rename refused", how::merge, subresource::none, R"({"metadata":{"name":"other"}})", 400},
    {"move refused", how::merge, subresource::none, R"({"metadata":{"namespace":"x"}})", 400},
    {"kind change refused", how::merge, subresource::none, R"({"kind":"Job"})", 400},
    // admission: the restore spec is immutable
    {"spec change refused", how::merge, subresource::none, R"({"spec":{"cluster":"d"}})", 422},
    {"spec removal refused", how::json_patch, subresource::none,
     R"([{"op":"remove","path":"/spec"}])", 422},
    // malformed patches
    {"merge patch not an object", how::merge, subresource::none, R"([1])", 400},
    {"json patch not an array", how::json_patch, subresource::none, R"({})", 400},
    {"json patch failed test", how::json_patch, subresource::none,
     R"([{"op":"test","path":"/spec/cluster","value":"z"}])", 422},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.what);
    store_fixture f;
    auto created = f.restore("r");
    CAF_REQUIRE(f.store->merge_patch(restores, "ns", "r", val(R"({"status":{"phase":"Running"}})"),
                                     dc::subresource::status));
    auto before = *f.store->get(restores, "ns", "r");
    auto r = run(f, c);
    if (c.code != 0) {
      CAF_REQUIRE(!r);
      CAF_CHECK_EQUAL(r.error().code, c.code);
      CAF_CHECK(*f.store->get(restores, "ns", "r") == before);
      CAF_CHECK_EQUAL(f.store->resource_version(), 2u);
      continue;
    }
    CAF_REQUIRE(r);
    CAF_CHECK(*f.store->get(restores, "ns", "r") == *r);
    CAF_CHECK_EQUAL(f.store->resource_version(), c.bumps_rv ? 3u : 2u);
    CAF_CHECK_EQUAL(str(*r, "/metadata/resourceVersion"), c.bumps_rv ? "3" : "2");
    CAF_CHECK_EQUAL(str(*r, "/metadata/uid"), str(created, "/metadata/uid"));
    CAF_CHECK_EQUAL(r->at("metadata").at("generation").as_int64(), c.generation);
    if (c.expect_pointer && c.expect_value) {
      if (*c.expect_value == '\0')
        CAF_CHECK(!has(*r, c.expect_pointer));
      else
        CAF_CHECK_EQUAL(str(*r, c.expect_pointer), c.expect_value);
    }
  }
}

CAF_TEST(conflict and immutability wording) {
  store_fixture f;
  f.restore("restore-1");
  auto stale = f.store->merge_patch(restores, "ns", "restore-1",
                                    val(R"({"metadata":{"resourceVersion":"0"}})"));
  CAF_REQUIRE(!stale);
  CAF_CHECK_EQUAL(stale.error().reason, "Conflict");
  CAF_CHECK_EQUAL(stale.error().message,
                  "Operation cannot be fulfilled on openbaorestores.openbao.org \"restore-1\": "
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
  auto edit = f.store->merge_patch(restores, "ns", "restore-1", val(R"({"spec":{"force":true}})"));
  CAF_REQUIRE(!edit);
  CAF_CHECK_EQUAL(edit.error().reason, "Invalid");
  CAF_CHECK_EQUAL(edit.error().kind, "OpenBaoRestore");
  CAF_CHECK_EQUAL(edit.error().message, "OpenBaoRestore.openbao.org \"restore-1\" is invalid: "
                                        "spec: Forbidden: spec is immutable");
  CAF_REQUIRE_EQUAL(edit.error().causes.size(), 1u);
  CAF_CHECK(edit.error().causes[0]
            == (dc::status_cause{"FieldValueForbidden", "Forbidden: spec is immutable", "spec"}));
}

CAF_TEST(generation follows spec changes only) {
  store_fixture f;
  CAF_REQUIRE(f.store->create(jobs, "ns", obj(R"({"metadata":{"name":"j"},"spec":{"a":1}})")));
  auto gen = [&] { return f.store->get(jobs, "ns", "j")->at("metadata").at("generation").as_int64(); };
  struct step {
    const char* patch;
    dc::subresource sub;
    std::int64_t generation;
  } steps[] = {
    {R"({"spec":{"a":2}})", dc::subresource::none, 2},
    {R"({"metadata":{"labels":{"x":"y"}}})", dc::subresource::none, 2},
    {R"({"status":{"active":1}})", dc::subresource::status, 2},
    {R"({"spec":{"b":true}})", dc::subresource::none, 3},
    {R"({"spec":{"b":true}})", dc::subresource::none, 3}, // no change
  };
  for (const auto& s : steps) {
    CAF_REQUIRE(f.store->merge_patch(jobs, "ns", "j", val(s.patch), s.sub));
    CAF_CHECK_EQUAL(gen(), s.generation);
  }
  CAF_CHECK_EQUAL(f.store->resource_version(), 5u);
}

CAF_TEST(status subresource only where declared) {
  store_fixture f;
  f.secret("s");
  auto r = f.store->merge_patch(secrets, "ns", "s", val(R"({"status":{}})"), dc::subresource::status);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().code, 404);
  // Without a status subresource, the main resource writes status like anything else.
  auto m = f.store->merge_patch(secrets, "ns", "s", val(R"({"status":{"x":1}})"));
  CAF_REQUIRE(m);
  CAF_CHECK(has(*m, "/status/x"));
  auto missing = f.store->merge_patch(secrets, "ns", "nope", val("{}"));
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(missing.error().message, R"(secrets "nope" not found)");
}

CAF_TEST(custom admission hooks) {
  store_fixture f;
  f.store->add_admission([](const dc::resource_def& d, const json::object*,
                            const json::object& updated) -> dc::status_causes {
    if (d.kind != "Secret" || has(updated, "/data/required"))
      return {};
    return {{"FieldValueRequired", "Required value", "data.required"}};
  });
  auto r = f.store->create(secrets, "ns", obj(R"({"metadata":{"name":"s"}})"));
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().code, 422);
  CAF_CHECK_EQUAL(r.error().message, R"(Secret "s" is invalid: data.required: Required value)");
  CAF_CHECK(f.store->create(secrets, "ns", obj(R"({"metadata":{"name":"s"},"data":{"required":"x"}})")));
  auto drop = f.store->json_patch(secrets, "ns", "s", val(R"([{"op":"remove","path":"/data/required"}])"));
  CAF_REQUIRE(!drop);
  CAF_CHECK_EQUAL(drop.error().code, 422);
}
