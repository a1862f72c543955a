#define CAF_SUITE devcluster.store_create
#include "caf/test/unit_test.hpp"

#include <set>

#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

namespace {

struct create_case {
  const char* what;
  dc::resource_id res;
  const char* ns;
  const char* body;
  int code; // 0: created
  const char* reason;
  const char* message; // exact when set
};

} // namespace

CAF_TEST(create assigns server metadata) {
  store_fixture f;
  auto r = f.store->create(restores, "ns",
                           obj(R"({"metadata":{"name":"r1","uid":"mine","resourceVersion":"77",)"
                               R"("generation":9,"deletionTimestamp":"2020-01-01T00:00:00Z"},)"
                               R"("spec":{"cluster":"c"},"status":{"phase":"Completed"}})"));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(str(*r, "/metadata/resourceVersion"), "1");
  CAF_CHECK_EQUAL(str(*r, "/metadata/creationTimestamp"), "2026-11-25T08:00:00Z");
  CAF_CHECK_EQUAL(str(*r, "/metadata/namespace"), "ns");
  CAF_CHECK_EQUAL(str(*r, "/apiVersion"), "openbao.org/v1alpha1");
  CAF_CHECK_EQUAL(str(*r, "/kind"), "OpenBaoRestore");
  CAF_CHECK_EQUAL(r->at("metadata").at("generation").as_int64(), 1);
  CAF_CHECK_NOT_EQUAL(str(*r, "/metadata/uid"), "mine");
  CAF_CHECK_EQUAL(str(*r, "/metadata/uid").size(), 36u);
  CAF_CHECK(!has(*r, "/metadata/deletionTimestamp"));
  CAF_CHECK(!has(*r, "/status")); // status subresource: create drops it
  auto s = f.store->create(secrets, "ns", obj(R"({"metadata":{"name":"s"},"status":{"x":1}})"));
  CAF_REQUIRE(s);
  CAF_CHECK(has(*s, "/status")); // no status subresource: kept
  CAF_CHECK_EQUAL(str(*s, "/metadata/resourceVersion"), "2");
  CAF_CHECK_NOT_EQUAL(str(*s, "/metadata/uid"), str(*r, "/metadata/uid"));
  auto ns = f.store->create(namespaces, "", obj(R"({"metadata":{"name":"a","namespace":"x"}})"));
  CAF_REQUIRE(ns);
  CAF_CHECK(!has(*ns, "/metadata/namespace")); // cluster-scoped
  auto got = f.store->get(restores, "ns", "r1");
  CAF_REQUIRE(got);
  CAF_CHECK(*got == *r);
  CAF_CHECK_EQUAL(f.store->resource_version(), 3u);
}

CAF_TEST(create refusals) {
  const dc::resource_id unknown{"x.io", "v1", "things"};
  create_case cases[] = {
    {"duplicate", restores, "ns", R"({"metadata":{"name":"taken"}})", 409, "AlreadyExists",
     R"(openbaorestores.openbao.org "taken" already exists)"},
    {"core duplicate", secrets, "ns", R"({"metadata":{"name":"s"}})", 409, "AlreadyExists",
     R"(secrets "s" already exists)"},
    {"same name other ns", restores, "other", R"({"metadata":{"name":"taken"}})", 0, "", ""},
    {"no name", restores, "ns", R"({"metadata":{}})", 422, "Invalid",
     R"(OpenBaoRestore.openbao.org "" is invalid: metadata.name: Required value: name or )"
     R"(generateName is required)"},
    {"bad name", restores, "ns", R"({"metadata":{"name":"Bad_Name"}})", 422, "Invalid", nullptr},
    {"namespace mismatch", restores, "ns", R"({"metadata":{"name":"a","namespace":"b"}})", 400,
     "BadRequest", "the namespace of the provided object does not match the namespace sent on "
                   "the request"},
    {"no namespace", restores, "", R"({"metadata":{"name":"a"}})", 400, "BadRequest", nullptr},
    {"wrong kind", restores, "ns", R"({"kind":"Job","metadata":{"name":"a"}})", 400,
     "BadRequest", nullptr},
    {"wrong apiVersion", restores, "ns", R"({"apiVersion":"v1","metadata":{"name":"a"}})", 400,
     "BadRequest", nullptr},
    {"undeclared resource", unknown, "ns", R"({"metadata":{"name":"a"}})", 404, "NotFound",
     "the server could not find the requested resource"},
    {"generateName", restores, "ns", R"({"metadata":{"generateName":"restore-"}})", 0, "", ""},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.what);
    store_fixture f;
    f.restore("taken");
    f.secret("s");
    auto r = f.store->create(c.res, c.ns, obj(c.body));
    if (c.code == 0) {
      CAF_CHECK(r);
      continue;
    }
    CAF_REQUIRE(!r);
    CAF_CHECK_EQUAL(r.error().code, c.code);
    CAF_CHECK_EQUAL(r.error().reason, c.reason);
    if (c.message)
      CAF_CHECK_EQUAL(r.error().message, c.message);
    CAF_CHECK_EQUAL(f.store->resource_version(), 2u); // nothing committed
  }
}

CAF_TEST(generateName appends five characters) {
  store_fixture f;
  std::set<std::string> names;
  for (int i = 0; i < 50; ++i) {
    auto r = f.store->create(jobs, "ns", obj(R"({"metadata":{"generateName":"restore-"}})"));
    CAF_REQUIRE(r);
    auto name = str(*r, "/metadata/name");
    CAF_CHECK_EQUAL(name.size(), 13u);
    CAF_CHECK_EQUAL(name.rfind("restore-", 0), 0u);
    names.insert(name);
  }
  CAF_CHECK_EQUAL(names.size(), 50u);
}

CAF_TEST(invalid carries causes for kubectl) {
  store_fixture f;
  auto r = f.store->create(restores, "ns", obj(R"({"metadata":{"name":"UPPER"}})"));
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().kind, "OpenBaoRestore");
  CAF_CHECK_EQUAL(r.error().name, "UPPER");
  CAF_CHECK_EQUAL(r.error().group, "openbao.org");
  CAF_REQUIRE_EQUAL(r.error().causes.size(), 1u);
  CAF_CHECK_EQUAL(r.error().causes[0].field, "metadata.name");
  CAF_CHECK_EQUAL(r.error().causes[0].reason, "FieldValueInvalid");
  CAF_CHECK_EQUAL(r.error().causes[0].message.rfind("Invalid value: \"UPPER\": a lowercase", 0),
                  0u);
}

CAF_TEST(get refusals) {
  store_fixture f;
  f.restore("r");
  auto missing = f.store->get(restores, "ns", "nope");
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(missing.error().code, 404);
  CAF_CHECK_EQUAL(missing.error().message, R"(openbaorestores.openbao.org "nope" not found)");
  CAF_CHECK_EQUAL(missing.error().kind, "openbaorestores");
  CAF_CHECK(!f.store->get(restores, "other", "r"));
  CAF_CHECK(!f.store->get(jobs, "ns", "r"));
}

CAF_TEST(object size cap) {
  dc::store_options o;
  o.max_object_bytes = 1024;
  store_fixture f{o};
  auto big = std::string(2000, 'x');
  auto r = f.store->create(secrets, "ns",
                           obj(R"({"metadata":{"name":"big"},"data":{"k":")" + big + "\"}}"));
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().code, 413);
  CAF_CHECK_EQUAL(f.store->resource_version(), 0u);
  f.secret("small");
  auto grow = f.store->merge_patch(secrets, "ns", "small", val(R"({"data":{"k":")" + big + "\"}}"));
  CAF_REQUIRE(!grow);
  CAF_CHECK_EQUAL(grow.error().code, 413);
  CAF_CHECK_EQUAL(f.store->resource_version(), 1u);
}

CAF_TEST(seed stores as given and fills in what a create would) {
  dc::store_options o;
  int next_uid = 0;
  o.uid = [&] { return "uid-" + std::to_string(++next_uid); };
  o.builtin_admission = false;
  store_fixture f{o};
  // A restore with status, a known uid and no generation: status and uid kept.
  auto a = f.store->seed(restores, obj(R"({"metadata":{"name":"r","namespace":"ns","uid":"u-9"},)"
                                       R"("spec":{"cluster":"c"},"status":{"phase":"Running"}})"));
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(str(*a, "/metadata/uid"), "u-9");
  CAF_CHECK_EQUAL(str(*a, "/status/phase"), "Running");
  CAF_CHECK_EQUAL(str(*a, "/metadata/resourceVersion"), "1");
  CAF_CHECK_EQUAL(str(*a, "/metadata/creationTimestamp"), "2026-11-25T08:00:00Z");
  CAF_CHECK_EQUAL(str(*a, "/kind"), "OpenBaoRestore");
  CAF_CHECK_EQUAL(str(*a, "/apiVersion"), "openbao.org/v1alpha1");
  CAF_CHECK_EQUAL(a->at("metadata").at("generation").to_number<int>(), 1);
  // Seeding again replaces it at a fresh version; the uid source fills a missing uid.
  auto b = f.store->seed(restores, obj(R"({"metadata":{"name":"r","namespace":"ns"},)"
                                       R"("spec":{"cluster":"d"}})"));
  CAF_REQUIRE(b);
  CAF_CHECK_EQUAL(str(*b, "/metadata/uid"), "uid-1");
  CAF_CHECK_EQUAL(str(*b, "/metadata/resourceVersion"), "2");
  CAF_CHECK_EQUAL(str(*b, "/spec/cluster"), "d");
  CAF_CHECK(!has(*b, "/status"));
  // Creates use the same uid source; without builtin admission a restore's spec may change.
  auto c = f.restore("other");
  CAF_CHECK_EQUAL(str(c, "/metadata/uid"), "uid-2");
  CAF_CHECK(f.store->merge_patch(restores, "ns", "other", val(R"({"spec":{"cluster":"x"}})")));
  // Refusals: no name, no namespace, unknown resource.
  auto unnamed = f.store->seed(restores, obj(R"({"metadata":{"namespace":"ns"}})"));
  CAF_REQUIRE(!unnamed);
  CAF_CHECK_EQUAL(unnamed.error().code, 400);
  auto no_ns = f.store->seed(restores, obj(R"({"metadata":{"name":"x"}})"));
  CAF_REQUIRE(!no_ns);
  CAF_CHECK_EQUAL(no_ns.error().code, 400);
  auto unknown = f.store->seed({"x", "v1", "ys"}, obj(R"({"metadata":{"name":"x"}})"));
  CAF_REQUIRE(!unknown);
  CAF_CHECK_EQUAL(unknown.error().code, 404);
  // generateName works as for a create.
  auto g = f.store->seed(restores, obj(R"({"metadata":{"generateName":"g-","namespace":"ns"}})"));
  CAF_REQUIRE(g);
  CAF_CHECK_EQUAL(str(*g, "/metadata/name").size(), 7u);
}

// Issue 16 finding 6: a label value over 63 characters is refused as kube-apiserver refuses
// it, on create and on every later write, naming metadata.labels in details.causes.
CAF_TEST(labels and annotations are validated on create update and patch) {
  store_fixture f;
  const std::string long_value(64, 'r');
  auto job = [&](std::string_view labels, std::string_view template_labels) {
    return obj(R"({"metadata":{"name":"restore-x","labels":)" + std::string{labels}
               + R"(},"spec":{"template":{"metadata":{"labels":)" + std::string{template_labels}
               + "}}}}");
  };
  auto r = f.store->create(jobs, "ns",
                           job(R"({"openbao.org/restore":")" + long_value + R"("})", "{}"));
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().code, 422);
  CAF_CHECK_EQUAL(r.error().reason, "Invalid");
  CAF_REQUIRE_EQUAL(r.error().causes.size(), 1u);
  CAF_CHECK_EQUAL(r.error().causes[0].field, "metadata.labels");
  CAF_CHECK_EQUAL(r.error().causes[0].reason, "FieldValueInvalid");
  CAF_CHECK_EQUAL(r.error().causes[0].message,
                  "Invalid value: \"" + long_value + "\": must be no more than 63 characters");
  CAF_CHECK_EQUAL(r.error().message,
                  "Job.batch \"restore-x\" is invalid: metadata.labels: Invalid value: \""
                    + long_value + "\": must be no more than 63 characters");
  // A Job's pod template is checked as its pods would be.
  auto t = f.store->create(jobs, "ns", job("{}", R"({"bad key":"v"})"));
  CAF_REQUIRE(!t);
  CAF_REQUIRE_EQUAL(t.error().causes.size(), 1u);
  CAF_CHECK_EQUAL(t.error().causes[0].field, "spec.template.metadata.labels");
  // Valid labels pass; a later patch or update that breaks them is refused, nothing stored.
  auto ok = f.store->create(jobs, "ns", job(R"({"openbao.org/restore":"x"})", "{}"));
  CAF_REQUIRE(ok);
  auto p = f.store->merge_patch(
    jobs, "ns", "restore-x",
    val(R"({"metadata":{"labels":{"openbao.org/restore":")" + long_value + R"("}}})"));
  CAF_REQUIRE(!p);
  CAF_CHECK_EQUAL(p.error().code, 422);
  CAF_CHECK_EQUAL(p.error().causes.at(0).field, "metadata.labels");
  auto u = *ok;
  u["metadata"].as_object()["annotations"] = json::object{{"a b", "x"}};
  auto w = f.store->update(jobs, "ns", "restore-x", u);
  CAF_REQUIRE(!w);
  CAF_CHECK_EQUAL(w.error().causes.at(0).field, "metadata.annotations");
  auto got = f.store->get(jobs, "ns", "restore-x");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(str(*got, "/metadata/labels/openbao.org~1restore"), "x");
  // Custom resources too: every object's metadata is kube's to validate.
  auto cr = f.store->create(restores, "ns",
                            obj(R"({"metadata":{"name":"r","labels":{"-x":"y"}}})"));
  CAF_REQUIRE(!cr);
  CAF_CHECK_EQUAL(cr.error().causes.at(0).field, "metadata.labels");
}
