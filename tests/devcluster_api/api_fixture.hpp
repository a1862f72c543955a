#pragma once
// Shared by the HTTP API suites: an object store and the cluster API over it, with a
// fixed clock and the repository's CRDs loaded, and a way to call the API as a function.

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "devcluster/api/cluster_api.hpp"
#include "devcluster/object_store.hpp"

namespace devcluster_api_test {

namespace json = boost::json;
namespace dc = baorestore::devcluster;
namespace api = baorestore::devcluster::api;
namespace net = baorestore::net;

/// 2026-11-25T10:00:00Z, so that ages in tables are exact.
inline baorestore::model::timestamp fixed_now() {
  return *baorestore::model::parse_rfc3339("2026-11-25T10:00:00Z");
}

inline constexpr const char* table_accept =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
  "g=meta.k8s.io,application/json";

inline constexpr const char* restore_json =
  R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",)"
  R"("metadata":{"name":"restore-1","namespace":"tenant-a"},)"
  R"("spec":{"cluster":"vault","source":{"target":{"bucket":"b"},"key":"k"}}})";

struct api_fixture {
  api_fixture() {
    dc::store_options so;
    so.clock = fixed_now;
    so.seed = 7;
    store = std::make_unique<dc::object_store>(so);
    api::api_options ao;
    ao.clock = fixed_now;
    cluster = std::make_unique<api::cluster_api>(*store, ao);
    problems = cluster->load_crds(BAORESTORE_SOURCE_DIR "/deploy/crds");
  }

  net::response call(std::string method, std::string target, std::string body = {},
                     std::string content_type = "application/json",
                     std::string accept = "application/json") {
    net::request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.body = std::move(body);
    req.headers["content-type"] = std::move(content_type);
    req.headers["accept"] = std::move(accept);
    return cluster->handle(req);
  }

  /// Creates tenant-a and restore-1 in it.
  void seed() {
    call("POST", "/api/v1/namespaces",
         R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
    call("POST", "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores", restore_json);
  }

  std::unique_ptr<dc::object_store> store;
  std::unique_ptr<api::cluster_api> cluster;
  std::vector<std::string> problems;
};

inline json::object body_of(const net::response& r) {
  return json::parse(r.body).as_object();
}

/// The string at a JSON pointer, "" when absent or not a string.
inline std::string at(const json::value& v, std::string_view pointer) {
  boost::system::error_code ec;
  auto* p = v.find_pointer(pointer, ec);
  return p && p->is_string() ? std::string{p->get_string()} : std::string{};
}

} // namespace devcluster_api_test
