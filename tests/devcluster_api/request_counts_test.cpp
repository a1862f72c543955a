#define CAF_SUITE devcluster_api.request_counts
#include "caf/test/unit_test.hpp"

// The embedded cluster's request counters by verb and resource (what bench/operator_bench
// reports per restore).

#include "tests/devcluster_api/api_fixture.hpp"

using namespace devcluster_api_test;

CAF_TEST(requests are counted by verb and resource) {
  api_fixture f;
  const std::string ns = "/api/v1/namespaces/default/secrets";
  f.call("POST", ns, R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}})");
  f.call("GET", ns + "/s");
  f.call("GET", ns + "/missing"); // a 404 is a request too
  f.call("GET", ns);
  f.call("GET", ns + "?watch=true&timeoutSeconds=0");
  f.call("PATCH", ns + "/s", R"({"data":{"k":"dg=="}})", "application/merge-patch+json");
  f.call("DELETE", ns + "/s");
  f.call("GET", "/version");
  auto c = f.cluster->requests();
  auto n = [&](std::string verb, std::string resource) -> std::uint64_t {
    auto it = c.find({verb, resource});
    return it == c.end() ? 0 : it->second;
  };
  CAF_CHECK_EQUAL(n("create", "secrets"), 1u);
  CAF_CHECK_EQUAL(n("get", "secrets"), 2u);
  CAF_CHECK_EQUAL(n("list", "secrets"), 1u);
  CAF_CHECK_EQUAL(n("watch", "secrets"), 1u);
  CAF_CHECK_EQUAL(n("patch", "secrets"), 1u);
  CAF_CHECK_EQUAL(n("delete", "secrets"), 1u);
  CAF_CHECK_EQUAL(n("other", "-"), 1u);
}

CAF_TEST(a status subresource is its own resource) {
  api_fixture f;
  f.call("GET", "/apis/openbao.org/v1alpha1/namespaces/default/openbaorestores/r/status");
  f.call("PATCH", "/apis/openbao.org/v1alpha1/namespaces/default/openbaorestores/r/status",
         R"({"status":{}})", "application/merge-patch+json");
  auto c = f.cluster->requests();
  CAF_CHECK_EQUAL(c.count({"get", "openbaorestores/status"}), 1u);
  CAF_CHECK_EQUAL(c.count({"patch", "openbaorestores/status"}), 1u);
}
