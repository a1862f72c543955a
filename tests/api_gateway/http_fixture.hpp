#pragma once
// The HTTP gateway's integration fixture: the embedded cluster served over TLS on
// 127.0.0.1 (a generated certificate, a bearer token, deploy/crds loaded, tenant-a with
// cluster `vault` and restore `restore-1`), a real CAF actor system, and the gateway
// configured as a kubeconfig would configure it (the certificate as CA, the token).

#include <chrono>
#include <memory>
#include <string>

#include "caf/all.hpp"

#include "actors/api_gateway/http_gateway.hpp"
#include "devcluster/api/cluster_api.hpp"
#include "devcluster/job_runner.hpp"
#include "devcluster/object_store.hpp"
#include "net/http_server.hpp"
#include "net/self_signed.hpp"

namespace gateway_http_test {

namespace dc = baorestore::devcluster;
namespace gw = baorestore::gateway;
namespace net = baorestore::net;
namespace model = baorestore::model;
using namespace std::chrono_literals;

inline constexpr const char* token = "fixture-token-0123456789";

struct tls_cluster {
  explicit tls_cluster(std::size_t watch_window = 10'000) {
    dc::store_options so;
    so.watch_window = watch_window;
    store = std::make_unique<dc::object_store>(so);
    dc::api::api_options ao;
    ao.bearer_token = token;
    api = std::make_unique<dc::api::cluster_api>(*store, ao);
    api->load_crds(BAORESTORE_SOURCE_DIR "/deploy/crds");
    identity = net::make_self_signed({"127.0.0.1"}, {"localhost"});
    net::server_options opts;
    opts.tls = identity;
    opts.stream_poll = 20ms;
    server = std::make_unique<net::http_server>(
      opts, [this](const net::request& r) { return api->handle(r); });
    server->start();
  }

  /// Calls the API as kubectl would (authorized); the reply's status must be `expect`.
  net::response call(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::string& content_type = "application/json") {
    net::request req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.headers["content-type"] = content_type;
    req.headers["accept"] = "application/json";
    req.headers["authorization"] = std::string{"Bearer "} + token;
    return api->handle(req);
  }

  gw::http_gateway_config gateway_config() const {
    gw::http_gateway_config c;
    c.connection.server = {true, "127.0.0.1", server->port(), ""};
    c.connection.ca_pem = identity.cert_pem;
    c.connection.token = token;
    c.request_timeout = 5s;
    c.qps = 0; // unlimited: the tests measure behaviour, not the rate limit
    return c;
  }

  /// Plays the Job controller over the store from now on (devcluster/job_runner.hpp): Jobs
  /// become active when first seen and succeed after `duration` (unless a Job's annotation
  /// says otherwise). Replaces a runner started before; stops with the fixture.
  void run_jobs(std::chrono::milliseconds duration,
                std::chrono::milliseconds interval = std::chrono::milliseconds{100}) {
    jobs.reset();
    dc::job_runner_options o;
    o.duration = duration;
    jobs = std::make_unique<dc::job_runner_thread>(*store, o, interval);
  }

  std::unique_ptr<dc::object_store> store;
  std::unique_ptr<dc::api::cluster_api> api;
  net::tls_identity identity;
  std::unique_ptr<net::http_server> server;
  std::unique_ptr<dc::job_runner_thread> jobs; // declared last: stops before the server
};

inline const std::string restores = "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores";
inline const std::string clusters = "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaoclusters";

inline std::string restore_json(const std::string& name) {
  return R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",)"
         R"("metadata":{"name":")"
         + name
         + R"(","namespace":"tenant-a","labels":{"app":"x"}},)"
           R"("spec":{"cluster":"vault","source":{"target":{"bucket":"b"},"key":"k"}}})";
}

/// tenant-a with cluster `vault`, restore `restore-1`, Secret `creds` and Job `job-1`.
inline void seed(tls_cluster& c) {
  c.call("POST", "/api/v1/namespaces",
         R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
  c.call("POST", clusters,
         R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
         R"("metadata":{"name":"vault","namespace":"tenant-a"},)"
         R"("spec":{"version":"2.4.0","replicas":3}})");
  c.call("POST", restores, restore_json("restore-1"));
  c.call("POST", "/api/v1/namespaces/tenant-a/secrets",
         R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds","namespace":"tenant-a"},)"
         R"("data":{"token":"czNjcjN0"}})");
  c.call("POST", "/apis/batch/v1/namespaces/tenant-a/jobs",
         R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"job-1","namespace":"tenant-a"},)"
         R"("spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}})");
}

/// A blocking request to the gateway from a scoped actor: the reply or the error.
template <class T, class Handle, class... Ts>
caf::expected<T> call(caf::scoped_actor& self, const Handle& gw, Ts&&... xs) {
  caf::expected<T> out{caf::sec::request_timeout};
  self->request(gw, 20s, std::forward<Ts>(xs)...)
    .receive([&](T& x) { out = std::move(x); }, [&](caf::error& e) { out = std::move(e); });
  return out;
}

} // namespace gateway_http_test
