#define CAF_SUITE devcluster_api.discovery
#include "caf/test/unit_test.hpp"

#include <set>

#include "devcluster/api/request_path.hpp"
#include "devcluster/api/table.hpp"
#include "tests/devcluster_api/api_fixture.hpp"

using namespace devcluster_api_test;

CAF_TEST(version says minor 32 so the kubectl dispatcher runs its own 1.32) {
  api_fixture f;
  auto r = f.call("GET", "/version?timeout=5s");
  CAF_CHECK_EQUAL(r.status, 200);
  auto v = body_of(r);
  CAF_CHECK_EQUAL(at(v, "/major"), "1");
  CAF_CHECK_EQUAL(at(v, "/minor"), "32");
  CAF_CHECK(at(v, "/gitVersion").starts_with("v1.32."));
}

CAF_TEST(legacy discovery lists the core group and every served group) {
  api_fixture f;
  CAF_CHECK(f.problems.empty());
  auto api = body_of(f.call("GET", "/api?timeout=32s"));
  CAF_CHECK_EQUAL(at(api, "/kind"), "APIVersions");
  CAF_CHECK_EQUAL(at(api, "/versions/0"), "v1");
  auto apis = body_of(f.call("GET", "/apis?timeout=32s"));
  CAF_CHECK_EQUAL(at(apis, "/kind"), "APIGroupList");
  std::set<std::string> groups;
  for (const auto& g : apis.at("groups").as_array())
    groups.insert(at(g, "/name"));
  for (auto g : {"batch", "coordination.k8s.io", "apiextensions.k8s.io", "openbao.org"})
    CAF_CHECK(groups.count(g) == 1);
  CAF_CHECK(groups.count("") == 0);
}

CAF_TEST(group version discovery carries short names verbs and status subresources) {
  api_fixture f;
  auto list = body_of(f.call("GET", "/apis/openbao.org/v1alpha1"));
  CAF_CHECK_EQUAL(at(list, "/groupVersion"), "openbao.org/v1alpha1");
  bool restores = false, status = false;
  for (const auto& r : list.at("resources").as_array()) {
    if (at(r, "/name") == "openbaorestores") {
      restores = true;
      CAF_CHECK_EQUAL(at(r, "/kind"), "OpenBaoRestore");
      CAF_CHECK_EQUAL(at(r, "/singularName"), "openbaorestore");
      CAF_CHECK_EQUAL(at(r, "/shortNames/0"), "obrestore");
      CAF_CHECK(r.at("namespaced").as_bool());
      CAF_CHECK_EQUAL(r.at("verbs").as_array().size(), 8u);
    }
    status = status || at(r, "/name") == "openbaorestores/status";
  }
  CAF_CHECK(restores);
  CAF_CHECK(status);
  auto core = body_of(f.call("GET", "/api/v1"));
  CAF_CHECK_EQUAL(at(core, "/groupVersion"), "v1");
  CAF_CHECK_EQUAL(f.call("GET", "/apis/nope.io/v1").status, 404);
  CAF_CHECK_EQUAL(f.call("GET", "/apis/batch").status, 200);
}

CAF_TEST(openapi v3 has one PATCH operation per kind with fieldValidation) {
  api_fixture f;
  auto root = body_of(f.call("GET", "/openapi/v3?timeout=32s"));
  CAF_CHECK_EQUAL(at(root, "/paths/api~1v1/serverRelativeURL"), "/openapi/v3/api/v1");
  CAF_CHECK_EQUAL(at(root, "/paths/apis~1openbao.org~1v1alpha1/serverRelativeURL"),
                  "/openapi/v3/apis/openbao.org/v1alpha1");
  auto doc = body_of(f.call("GET", "/openapi/v3/apis/batch/v1"));
  auto op = "/paths/~1apis~1batch~1v1~1namespaces~1{namespace}~1jobs~1{name}/patch";
  CAF_CHECK_EQUAL(at(doc, std::string{op} + "/x-kubernetes-group-version-kind/kind"), "Job");
  CAF_CHECK_EQUAL(at(doc, std::string{op} + "/parameters/0/name"), "fieldValidation");
  auto core = body_of(f.call("GET", "/openapi/v3/api/v1"));
  CAF_CHECK_EQUAL(at(core, "/paths/~1api~1v1~1namespaces~1{name}/patch/"
                           "x-kubernetes-group-version-kind/kind"),
                  "Namespace");
  // v2 is only asked for when v3 is missing: an honest 404.
  CAF_CHECK_EQUAL(f.call("GET", "/openapi/v2").status, 404);
}

CAF_TEST(unknown paths and resources are 404 Status bodies) {
  api_fixture f;
  for (auto target : {"/nope", "/apis/openbao.org/v1alpha1/namespaces/x/foos",
                      "/api/v1/namespaces/default/secrets/a/b/c/d"}) {
    auto r = f.call("GET", target);
    CAF_CHECK_EQUAL(r.status, 404);
    auto s = body_of(r);
    CAF_CHECK_EQUAL(at(s, "/kind"), "Status");
    CAF_CHECK_EQUAL(at(s, "/reason"), "NotFound");
    CAF_CHECK_EQUAL(s.at("code").as_int64(), 404);
  }
}

CAF_TEST(resource paths) {
  auto p = api::parse_resource_path("/api/v1/namespaces/tenant-a");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->plural, "namespaces");
  CAF_CHECK_EQUAL(p->name, "tenant-a");
  CAF_CHECK_EQUAL(p->ns, "");
  p = api::parse_resource_path("/api/v1/namespaces/tenant-a/status");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->subresource, "status");
  p = api::parse_resource_path("/apis/openbao.org/v1alpha1/namespaces/t/openbaorestores/r/status");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->group, "openbao.org");
  CAF_CHECK_EQUAL(p->ns, "t");
  CAF_CHECK_EQUAL(p->plural, "openbaorestores");
  CAF_CHECK_EQUAL(p->name, "r");
  CAF_CHECK_EQUAL(p->subresource, "status");
  p = api::parse_resource_path("/apis/batch/v1/jobs");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->ns, "");
  CAF_CHECK_EQUAL(p->plural, "jobs");
  CAF_CHECK(!api::parse_resource_path("/apis/batch/v1"));
  CAF_CHECK(!api::parse_resource_path("/version"));
  auto t = api::split_target("/x?fieldSelector=metadata.name%3Dr1&limit=500&watch");
  CAF_CHECK_EQUAL(t.params.get("fieldSelector"), "metadata.name=r1");
  CAF_CHECK_EQUAL(t.params.get("limit"), "500");
  CAF_CHECK(t.params.has("watch"));
}

CAF_TEST(ages are humanised as kubectl prints them) {
  using std::chrono::seconds;
  CAF_CHECK_EQUAL(api::human_age(seconds{45}), "45s");
  CAF_CHECK_EQUAL(api::human_age(seconds{200}), "3m20s");
  CAF_CHECK_EQUAL(api::human_age(seconds{300}), "5m");
  CAF_CHECK_EQUAL(api::human_age(seconds{3 * 3600 + 60}), "3h1m");
  CAF_CHECK_EQUAL(api::human_age(seconds{20 * 3600}), "20h");
  CAF_CHECK_EQUAL(api::human_age(seconds{3 * 86400 + 4 * 3600}), "3d4h");
  CAF_CHECK_EQUAL(api::human_age(seconds{400 * 86400}), "400d");
  CAF_CHECK(api::wants_table(table_accept));
  CAF_CHECK(!api::wants_table("application/json"));
}

CAF_TEST(aggregated discovery only for an exact v2 media range and with its media type) {
  api_fixture f;
  const std::string kubectl_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
  auto r = f.call("GET", "/apis?timeout=32s", {}, "", kubectl_accept);
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.content_type,
                  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  auto list = body_of(r);
  CAF_CHECK_EQUAL(at(list, "/kind"), "APIGroupDiscoveryList");
  bool found = false;
  for (const auto& item : list.at("items").as_array()) {
    CAF_CHECK_NOT_EQUAL(at(item, "/metadata/name"), "");
    if (at(item, "/metadata/name") != "openbao.org")
      continue;
    for (const auto& res : item.at("versions").at(0).at("resources").as_array())
      if (at(res, "/resource") == "openbaorestores") {
        found = true;
        CAF_CHECK_EQUAL(at(res, "/scope"), "Namespaced");
        CAF_CHECK_EQUAL(at(res, "/responseKind/kind"), "OpenBaoRestore");
        CAF_CHECK_EQUAL(at(res, "/shortNames/0"), "obrestore");
        CAF_CHECK_EQUAL(at(res, "/subresources/0/subresource"), "status");
      }
  }
  CAF_CHECK(found);
  auto core = body_of(f.call("GET", "/api", {}, "", kubectl_accept));
  CAF_REQUIRE_EQUAL(core.at("items").as_array().size(), 1u);
  CAF_CHECK_EQUAL(at(core, "/items/0/metadata/name"), "");
  // A v2beta1-only client, or one that names the kind without the group, gets legacy JSON.
  for (auto accept : {"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
                      "application/json;as=APIGroupDiscoveryList", "application/json"}) {
    auto legacy = f.call("GET", "/apis", {}, "", accept);
    CAF_CHECK_EQUAL(legacy.content_type, "application/json");
    CAF_CHECK_EQUAL(at(body_of(legacy), "/kind"), "APIGroupList");
  }
}

CAF_TEST(a bearer token when one is configured) {
  dc::object_store store;
  api::api_options ao;
  ao.bearer_token = "t0ken";
  api::cluster_api cluster{store, ao};
  net::request req;
  req.method = "GET";
  req.target = "/version";
  auto denied = cluster.handle(req);
  CAF_CHECK_EQUAL(denied.status, 401);
  CAF_CHECK_EQUAL(at(body_of(denied), "/reason"), "Unauthorized");
  req.headers["authorization"] = "Bearer wrong";
  CAF_CHECK_EQUAL(cluster.handle(req).status, 401);
  req.headers["authorization"] = "Bearer t0ken";
  CAF_CHECK_EQUAL(cluster.handle(req).status, 200);
}
