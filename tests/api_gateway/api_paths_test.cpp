#define CAF_SUITE gateway.api_paths
// REST paths and list/watch query strings.
#include "caf/test/unit_test.hpp"

#include <string>

#include "actors/api_gateway/api_paths.hpp"

using namespace baorestore::gateway;

namespace {

const resource_path secrets{"", "v1", "secrets", true};
const resource_path jobs{"batch", "v1", "jobs", true};
const resource_path restores{"openbao.org", "v1alpha1", "openbaorestores", true};
const resource_path namespaces{"", "v1", "namespaces", false};
const resource_path crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};

} // namespace

CAF_TEST(object paths) {
  CAF_CHECK_EQUAL(object_path(secrets, "ns", "x"), "/api/v1/namespaces/ns/secrets/x");
  CAF_CHECK_EQUAL(object_path(jobs, "ns", "x", "status"),
                  "/apis/batch/v1/namespaces/ns/jobs/x/status");
  CAF_CHECK_EQUAL(object_path(restores, "tenant-a", "restore-1"),
                  "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores/restore-1");
  CAF_CHECK_EQUAL(object_path(namespaces, "ignored", "tenant-a"), "/api/v1/namespaces/tenant-a");
  CAF_CHECK_EQUAL(object_path(crds, "", "openbaorestores.openbao.org"),
                  "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                  "openbaorestores.openbao.org");
}

CAF_TEST(collection paths) {
  CAF_CHECK_EQUAL(collection_path(restores, ""), "/apis/openbao.org/v1alpha1/openbaorestores");
  CAF_CHECK_EQUAL(collection_path(restores, "t"),
                  "/apis/openbao.org/v1alpha1/namespaces/t/openbaorestores");
  CAF_CHECK_EQUAL(collection_path(secrets, "t"), "/api/v1/namespaces/t/secrets");
  CAF_CHECK_EQUAL(collection_path(secrets, ""), "/api/v1/secrets");
  CAF_CHECK_EQUAL(collection_path(namespaces, "t"), "/api/v1/namespaces");
}

CAF_TEST(segments are encoded so a bad name cannot change the path) {
  CAF_CHECK_EQUAL(object_path(secrets, "../kube-system", "a/b?c#d"),
                  "/api/v1/namespaces/..%2Fkube-system/secrets/a%2Fb%3Fc%23d");
  CAF_CHECK_EQUAL(object_path(secrets, "ns", "x", "status/../.."),
                  "/api/v1/namespaces/ns/secrets/x/status%2F..%2F..");
}

CAF_TEST(percent encoding keeps only unreserved characters) {
  CAF_CHECK_EQUAL(percent_encode(""), "");
  CAF_CHECK_EQUAL(percent_encode("AZaz09-._~"), "AZaz09-._~");
  CAF_CHECK_EQUAL(percent_encode("a b+c=d&e,f!g"), "a%20b%2Bc%3Dd%26e%2Cf%21g");
  CAF_CHECK_EQUAL(percent_encode("app in (x,y)"), "app%20in%20%28x%2Cy%29");
  CAF_CHECK_EQUAL(percent_encode("%"), "%25");
  CAF_CHECK_EQUAL(percent_encode("\xC3\xA9"), "%C3%A9"); // UTF-8 bytes, upper-case hex
  CAF_CHECK_EQUAL(percent_encode(std::string("a\0b", 3)), "a%00b");
  CAF_CHECK_EQUAL(percent_encode("\x7F\xFF"), "%7F%FF");
}

CAF_TEST(list and watch queries) {
  auto base = collection_path(restores, "t");
  CAF_CHECK_EQUAL(with_query(base, {}), base);
  list_query q;
  q.label_selector = "openbao.org/cluster=vault";
  q.limit = 500;
  CAF_CHECK_EQUAL(with_query(base, q),
                  base + "?labelSelector=openbao.org%2Fcluster%3Dvault&limit=500");
  q = {};
  q.continue_token = "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==";
  q.field_selector = "metadata.name=x";
  CAF_CHECK_EQUAL(with_query(base, q),
                  base + "?fieldSelector=metadata.name%3Dx"
                         "&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ%3D%3D");
  q = {};
  q.watch = true;
  q.allow_bookmarks = true;
  q.resource_version = "12345";
  q.timeout_seconds = 290;
  CAF_CHECK_EQUAL(with_query(base, q),
                  base + "?resourceVersion=12345&watch=true&allowWatchBookmarks=true"
                         "&timeoutSeconds=290");
  q = {};
  q.timeout_seconds = 0; // set, even if zero
  CAF_CHECK_EQUAL(with_query(base, q), base + "?timeoutSeconds=0");
}

CAF_TEST(a path that has a query already gets more parameters with ampersands) {
  list_query q;
  q.limit = 1;
  CAF_CHECK_EQUAL(with_query("/api/v1/pods?x=1", q), "/api/v1/pods?x=1&limit=1");
}
