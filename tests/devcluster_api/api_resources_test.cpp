#define CAF_SUITE devcluster_api.resources
#include "caf/test/unit_test.hpp"

#include "tests/devcluster_api/api_fixture.hpp"

using namespace devcluster_api_test;

namespace {

constexpr const char* restore_url =
  "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores/restore-1";

/// True when the stream has nothing to send now but is not over.
bool idle(net::stream_source& s) {
  auto next = s.next();
  return next && next->empty();
}

} // namespace

CAF_TEST(the default namespace exists from the start) {
  api_fixture f;
  CAF_CHECK_EQUAL(f.call("GET", "/api/v1/namespaces/default").status, 200);
}

CAF_TEST(create get list patch delete) {
  api_fixture f;
  auto ns = f.call("POST", "/api/v1/namespaces",
                   R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
  CAF_CHECK_EQUAL(ns.status, 201);
  auto created = f.call("POST", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores",
                        restore_json);
  CAF_REQUIRE_EQUAL(created.status, 201);
  CAF_CHECK(!at(body_of(created), "/metadata/uid").empty());
  auto again = f.call("POST", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores",
                      restore_json);
  CAF_CHECK_EQUAL(again.status, 409);
  CAF_CHECK_EQUAL(at(body_of(again), "/reason"), "AlreadyExists");

  auto got = f.call("GET", restore_url);
  CAF_CHECK_EQUAL(got.status, 200);
  CAF_CHECK_EQUAL(at(body_of(got), "/spec/cluster"), "vault");

  auto list = body_of(f.call("GET", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores"));
  CAF_CHECK_EQUAL(at(list, "/kind"), "OpenBaoRestoreList");
  CAF_CHECK_EQUAL(list.at("items").as_array().size(), 1u);
  CAF_CHECK(!at(list, "/metadata/resourceVersion").empty());
  auto all = body_of(f.call("GET", "/apis/openbao.org/v1alpha1/openbaorestores?labelSelector=team%3Da"));
  CAF_CHECK_EQUAL(all.at("items").as_array().size(), 0u);

  auto patched = f.call("PATCH", restore_url, R"({"metadata":{"labels":{"team":"a"}}})",
                        "application/merge-patch+json");
  CAF_CHECK_EQUAL(patched.status, 200);
  CAF_CHECK_EQUAL(at(body_of(patched), "/metadata/labels/team"), "a");
  all = body_of(f.call("GET", "/apis/openbao.org/v1alpha1/openbaorestores?labelSelector=team%3Da"));
  CAF_CHECK_EQUAL(all.at("items").as_array().size(), 1u);
  auto jp = f.call("PATCH", restore_url, R"([{"op":"remove","path":"/metadata/labels/team"}])",
                   "application/json-patch+json");
  CAF_CHECK_EQUAL(jp.status, 200);
  CAF_CHECK_EQUAL(at(body_of(jp), "/metadata/labels/team"), "");

  auto gone = f.call("DELETE", restore_url, R"({"propagationPolicy":"Background"})");
  CAF_CHECK_EQUAL(gone.status, 200);
  CAF_CHECK_EQUAL(at(body_of(gone), "/status"), "Success");
  auto missing = f.call("GET", restore_url);
  CAF_CHECK_EQUAL(missing.status, 404);
  auto st = body_of(missing);
  CAF_CHECK_EQUAL(at(st, "/message"), R"(openbaorestores.openbao.org "restore-1" not found)");
  CAF_CHECK_EQUAL(at(st, "/details/group"), "openbao.org");
  CAF_CHECK_EQUAL(at(st, "/details/kind"), "openbaorestores");
}

CAF_TEST(stale PUT is a 409 Conflict) {
  api_fixture f;
  f.seed();
  auto current = body_of(f.call("GET", restore_url));
  auto stale = current;
  f.call("PATCH", restore_url, R"({"metadata":{"labels":{"x":"1"}}})", "application/merge-patch+json");
  auto r = f.call("PUT", restore_url, json::serialize(stale));
  CAF_CHECK_EQUAL(r.status, 409);
  CAF_CHECK_EQUAL(at(body_of(r), "/reason"), "Conflict");
}

CAF_TEST(spec changes are refused with causes) {
  api_fixture f;
  f.seed();
  auto r = f.call("PATCH", restore_url, R"({"spec":{"cluster":"other"}})",
                  "application/merge-patch+json");
  CAF_CHECK_EQUAL(r.status, 422);
  auto st = body_of(r);
  CAF_CHECK_EQUAL(at(st, "/reason"), "Invalid");
  CAF_CHECK_EQUAL(at(st, "/details/kind"), "OpenBaoRestore");
  CAF_CHECK_EQUAL(at(st, "/details/causes/0/field"), "spec");
  CAF_CHECK_EQUAL(at(st, "/details/causes/0/message"), "Forbidden: spec is immutable");
}

CAF_TEST(strategic merge patch is 415 for custom resources and approximated for built-ins) {
  api_fixture f;
  f.seed();
  auto r = f.call("PATCH", restore_url, R"({"metadata":{"labels":{"a":"b"}}})",
                  "application/strategic-merge-patch+json");
  CAF_CHECK_EQUAL(r.status, 415);
  CAF_CHECK_EQUAL(at(body_of(r), "/reason"), "UnsupportedMediaType");
  auto ns = f.call("PATCH", "/api/v1/namespaces/tenant-a",
                   R"({"metadata":{"$setElementOrder/x":[],"labels":{"a":"b"}}})",
                   "application/strategic-merge-patch+json");
  CAF_CHECK_EQUAL(ns.status, 200);
  auto meta = body_of(ns).at("metadata").as_object();
  CAF_CHECK_EQUAL(at(meta, "/labels/a"), "b");
  CAF_CHECK(!meta.contains("$setElementOrder/x"));
}

CAF_TEST(secrets fold stringData into base64 data) {
  api_fixture f;
  f.seed();
  auto r = f.call("POST", "/api/v1/namespaces/tenant-a/secrets",
                  R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},)"
                  R"("stringData":{"token":"abc"}})");
  CAF_CHECK_EQUAL(r.status, 201);
  auto s = body_of(r);
  CAF_CHECK_EQUAL(at(s, "/data/token"), "YWJj");
  CAF_CHECK(!s.contains("stringData"));
  auto p = f.call("PATCH", "/api/v1/namespaces/tenant-a/secrets/s",
                  R"({"stringData":{"token":"xyz"}})", "application/strategic-merge-patch+json");
  CAF_CHECK_EQUAL(at(body_of(p), "/data/token"), "eHl6");
}

CAF_TEST(creating in a missing namespace is 404 and protobuf bodies are 415) {
  api_fixture f;
  auto r = f.call("POST", "/api/v1/namespaces/nope/secrets",
                  R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}})");
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(at(body_of(r), "/message"), R"(namespaces "nope" not found)");
  auto pb = f.call("POST", "/api/v1/namespaces", std::string{"k8s\0", 4},
                   "application/vnd.kubernetes.protobuf");
  CAF_CHECK_EQUAL(pb.status, 415);
}

CAF_TEST(status subresource writes only status) {
  api_fixture f;
  f.seed();
  auto r = f.call("PATCH", std::string{restore_url} + "/status",
                  R"({"status":{"phase":"Running"},"spec":{"cluster":"ignored"}})",
                  "application/merge-patch+json");
  CAF_CHECK_EQUAL(r.status, 200);
  auto got = body_of(f.call("GET", std::string{restore_url} + "/status"));
  CAF_CHECK_EQUAL(at(got, "/status/phase"), "Running");
  CAF_CHECK_EQUAL(at(got, "/spec/cluster"), "vault");
}

CAF_TEST(tables carry the CRD printer columns and the row objects) {
  api_fixture f;
  f.seed();
  f.call("PATCH", std::string{restore_url} + "/status", R"({"status":{"phase":"Running"}})",
         "application/merge-patch+json");
  auto t = body_of(f.call("GET", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores?limit=500",
                          {}, "", table_accept));
  CAF_CHECK_EQUAL(at(t, "/kind"), "Table");
  std::vector<std::string> names;
  for (const auto& c : t.at("columnDefinitions").as_array())
    names.push_back(at(c, "/name"));
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"Name", "Cluster", "Phase", "Age", "Message"}));
  CAF_CHECK_EQUAL(at(t, "/rows/0/cells/0"), "restore-1");
  CAF_CHECK_EQUAL(at(t, "/rows/0/cells/1"), "vault");
  CAF_CHECK_EQUAL(at(t, "/rows/0/cells/2"), "Running");
  CAF_CHECK_EQUAL(at(t, "/rows/0/cells/3"), "0s");
  CAF_CHECK_EQUAL(at(t, "/rows/0/object/kind"), "PartialObjectMetadata");
  CAF_CHECK_EQUAL(at(t, "/rows/0/object/metadata/namespace"), "tenant-a");
  auto full = body_of(f.call("GET", std::string{restore_url} + "?includeObject=Object", {}, "",
                             table_accept));
  CAF_CHECK_EQUAL(at(full, "/rows/0/object/spec/cluster"), "vault");
  auto secrets = body_of(f.call("GET", "/api/v1/namespaces/tenant-a/secrets", {}, "", table_accept));
  CAF_CHECK_EQUAL(secrets.at("columnDefinitions").as_array().size(), 3u); // Name, Type, Age
  auto jobs = body_of(f.call("GET", "/apis/batch/v1/jobs", {}, "", table_accept));
  CAF_CHECK_EQUAL(jobs.at("columnDefinitions").as_array().size(), 2u); // Name, Age
}

CAF_TEST(watch sends synthetic ADDED then live events and BOOKMARK only when asked) {
  api_fixture f;
  f.seed();
  auto w = f.call("GET", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores?watch=true");
  CAF_REQUIRE(w.stream);
  auto first = w.stream->next();
  CAF_REQUIRE(first);
  auto ev = json::parse(*first);
  CAF_CHECK_EQUAL(at(ev, "/type"), "ADDED");
  CAF_CHECK_EQUAL(at(ev, "/object/metadata/name"), "restore-1");
  CAF_CHECK(idle(*w.stream)); // nothing new yet
  f.call("PATCH", restore_url, R"({"metadata":{"labels":{"x":"1"}}})", "application/merge-patch+json");
  auto second = w.stream->next();
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(at(json::parse(*second), "/type"), "MODIFIED");
  f.call("DELETE", restore_url);
  CAF_CHECK_EQUAL(at(json::parse(*w.stream->next()), "/type"), "DELETED");
  CAF_CHECK(idle(*w.stream)); // no bookmarks unasked
}

CAF_TEST(watch as Table sends one-row tables) {
  api_fixture f;
  f.seed();
  auto w = f.call("GET", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores?watch=true&resourceVersion=0",
                  {}, "", table_accept);
  CAF_REQUIRE(w.stream);
  auto ev = json::parse(*w.stream->next());
  CAF_CHECK_EQUAL(at(ev, "/object/kind"), "Table");
  CAF_CHECK_EQUAL(at(ev, "/object/rows/0/cells/0"), "restore-1");
}

CAF_TEST(watch from a resourceVersion too old ends with ERROR 410) {
  dc::store_options so;
  so.watch_window = 2;
  dc::object_store store{so};
  api::cluster_api cluster{store};
  net::request req;
  req.method = "POST";
  req.target = "/api/v1/namespaces";
  for (auto name : {"a", "b", "c", "d"}) {
    req.body = std::string{R"({"metadata":{"name":")"} + name + "\"}}";
    CAF_CHECK_EQUAL(cluster.handle(req).status, 201);
  }
  req.method = "GET";
  req.body.clear();
  req.target = "/api/v1/namespaces?watch=1&resourceVersion=1";
  auto w = cluster.handle(req);
  CAF_REQUIRE(w.stream);
  auto ev = json::parse(*w.stream->next());
  CAF_CHECK_EQUAL(at(ev, "/type"), "ERROR");
  CAF_CHECK_EQUAL(ev.at("object").at("code").as_int64(), 410);
  CAF_CHECK_EQUAL(at(ev, "/object/reason"), "Expired");
  CAF_CHECK(!w.stream->next());
}

CAF_TEST(a created CRD is served and listed in discovery) {
  api_fixture f;
  auto crd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","scope":"Cluster","names":{"kind":"Widget","plural":"widgets",
      "singular":"widget","shortNames":["wd"]},
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}})";
  auto r = f.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  CAF_CHECK_EQUAL(r.status, 201);
  CAF_CHECK_EQUAL(at(body_of(r), "/status/conditions/1/type"), "Established");
  CAF_CHECK_EQUAL(f.call("GET", "/apis/example.com/v1").status, 200);
  auto w = f.call("POST", "/apis/example.com/v1/widgets",
                  R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"}})");
  CAF_CHECK_EQUAL(w.status, 201);
  CAF_CHECK_EQUAL(f.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status, 200);
  CAF_CHECK_EQUAL(f.call("GET", "/apis/example.com/v1").status, 404);
}

CAF_TEST(the CRD schema decides required and unknown fields) {
  api_fixture f;
  f.seed();
  const std::string url = "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores";
  auto missing = f.call("POST", url,
                        R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",)"
                        R"("metadata":{"name":"r2"},"spec":{"source":{"target":{"bucket":"b"},"key":"k"}}})");
  CAF_CHECK_EQUAL(missing.status, 422);
  auto st = body_of(missing);
  CAF_CHECK_EQUAL(at(st, "/details/causes/0/field"), "spec.cluster");
  CAF_CHECK_EQUAL(at(st, "/details/causes/0/reason"), "FieldValueRequired");
  CAF_CHECK_EQUAL(at(st, "/details/causes/0/message"), "Required value");
  const std::string unknown =
    R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore","metadata":{"name":"r3"},)"
    R"("spec":{"cluster":"c","foo":1,"source":{"target":{"bucket":"b"},"key":"k"}}})";
  auto strict = f.call("POST", url + "?fieldValidation=Strict", unknown);
  CAF_CHECK_EQUAL(strict.status, 400);
  CAF_CHECK_EQUAL(at(body_of(strict), "/message"),
                  R"(OpenBaoRestore in version "v1alpha1" cannot be handled as a OpenBaoRestore: )"
                  R"(strict decoding error: unknown field "spec.foo")");
  auto warned = f.call("POST", url, unknown);
  CAF_CHECK_EQUAL(warned.status, 201);
  CAF_CHECK_EQUAL(warned.headers["Warning"], R"(299 - "unknown field \"spec.foo\"")");
  CAF_CHECK(!body_of(warned).at("spec").as_object().contains("foo")); // pruned, as upstream
}

CAF_TEST(open watches are bounded) {
  dc::object_store store;
  api::api_options ao;
  ao.max_watches = 2;
  api::cluster_api cluster{store, ao};
  net::request req;
  req.method = "GET";
  req.target = "/api/v1/namespaces?watch=true";
  auto a = cluster.handle(req);
  auto b = cluster.handle(req);
  CAF_CHECK(a.stream && b.stream);
  auto c = cluster.handle(req);
  CAF_CHECK_EQUAL(c.status, 429);
  CAF_CHECK_EQUAL(at(body_of(c), "/reason"), "TooManyRequests");
  a.stream.reset(); // a closed watch frees its place
  CAF_CHECK(cluster.handle(req).stream);
}

CAF_TEST(deletecollection removes what the selector matches) {
  api_fixture f;
  f.seed();
  for (auto [name, team] : {std::pair{"a", "x"}, {"b", "x"}, {"c", "y"}})
    f.call("POST", "/api/v1/namespaces/tenant-a/secrets",
           std::string{R"({"metadata":{"name":")"} + name + R"(","labels":{"team":")" + team
             + "\"}}}");
  auto r = f.call("DELETE", "/api/v1/namespaces/tenant-a/secrets?labelSelector=team%3Dx");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(body_of(r).at("items").as_array().size(), 2u);
  auto left = body_of(f.call("GET", "/api/v1/namespaces/tenant-a/secrets"));
  CAF_CHECK_EQUAL(left.at("items").as_array().size(), 1u);
  CAF_CHECK_EQUAL(at(left, "/items/0/metadata/name"), "c");
  CAF_CHECK_EQUAL(at(body_of(f.call("GET", "/api/v1/namespaces/tenant-a")), "/status/phase"),
                  "Active");
}
