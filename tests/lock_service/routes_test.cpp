#define CAF_SUITE lock_service.routes
#include "caf/test/unit_test.hpp"

#include "lock_service/lock_call.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;

namespace {

const std::string base = "/v1/namespaces/tenant-a/clusters/vault/lock";

// The status of a request line that must not route.
int route_status(const std::string& method, const std::string& target) {
  auto r = match_route(method, target);
  if (auto* e = std::get_if<http_error>(&r))
    return e->status;
  return 0;
}

route acquire_route() {
  return std::get<route>(match_route("POST", base + "/acquire"));
}

// The error of a body that must not parse (kind: that of `r`).
http_error body_error(const route& r, const std::string& body) {
  auto parsed = parse_call(r, body, call_limits{});
  if (auto* e = std::get_if<http_error>(&parsed))
    return *e;
  CAF_FAIL("parsed: " << body);
  return {};
}

} // namespace

CAF_TEST(each route is matched) {
  auto q = match_route("GET", base);
  CAF_REQUIRE(std::holds_alternative<route>(q));
  auto qr = std::get<route>(q);
  CAF_CHECK(qr.kind == call_kind::query);
  CAF_CHECK_EQUAL(qr.namespace_, "tenant-a");
  CAF_CHECK_EQUAL(qr.name, "vault");
  auto with_query = match_route("GET", base + "?pretty=1");
  CAF_CHECK(std::holds_alternative<route>(with_query));
  for (auto [action, kind] : {std::pair{"acquire", call_kind::acquire},
                              std::pair{"release", call_kind::release},
                              std::pair{"renew", call_kind::renew}}) {
    auto r = match_route("POST", base + "/" + action);
    CAF_REQUIRE(std::holds_alternative<route>(r));
    CAF_CHECK(std::get<route>(r).kind == kind);
  }
  auto dotted = match_route("GET", "/v1/namespaces/a/clusters/vault.prod/lock");
  CAF_CHECK(std::holds_alternative<route>(dotted));
}

CAF_TEST(unknown paths are 404) {
  for (const char* t : {"/", "/v1", "/v1/namespaces/a/clusters/b", "/v1/namespaces/a/clusters/b/lock/",
                        "/v1/namespaces/a/clusters/b/lock/steal", "/v2/namespaces/a/clusters/b/lock",
                        "/v1/namespace/a/clusters/b/lock", "/v1/namespaces/a/cluster/b/lock",
                        "/v1/namespaces/a/clusters/b/lock/acquire/x", "v1/namespaces/a/clusters/b/lock",
                        "/metrics"}) {
    auto s = route_status("GET", t);
    CAF_CHECK_EQUAL(s, 404);
  }
}

CAF_TEST(wrong methods are 405 with Allow) {
  auto post_on_get = match_route("POST", base);
  auto* e = std::get_if<http_error>(&post_on_get);
  CAF_REQUIRE(e != nullptr);
  CAF_CHECK_EQUAL(e->status, 405);
  CAF_CHECK_EQUAL(e->code, "method_not_allowed");
  CAF_CHECK_EQUAL(e->headers["Allow"], "GET");
  for (const char* m : {"GET", "PUT", "DELETE"}) {
    auto s = route_status(m, base + "/acquire");
    CAF_CHECK_EQUAL(s, 405);
  }
  auto del = route_status("DELETE", base);
  CAF_CHECK_EQUAL(del, 405);
}

CAF_TEST(names that are not DNS-1123 are 400) {
  for (const char* t : {"/v1/namespaces/Tenant-A/clusters/vault/lock",
                        "/v1/namespaces/tenant_a/clusters/vault/lock",
                        "/v1/namespaces/-a/clusters/vault/lock",
                        "/v1/namespaces//clusters/vault/lock",
                        "/v1/namespaces/a/clusters/Vault/lock",
                        "/v1/namespaces/a/clusters/va%20ult/lock",
                        "/v1/namespaces/a/clusters//lock"}) {
    auto s = route_status("GET", t);
    CAF_CHECK_EQUAL(s, 400);
  }
  auto long_ns = route_status("GET", "/v1/namespaces/" + std::string(64, 'a') + "/clusters/v/lock");
  CAF_CHECK_EQUAL(long_ns, 400);
}

CAF_TEST(good bodies parse) {
  auto parsed = parse_call(acquire_route(),
                           R"({"operation":"Backup","holder":"cron/nightly","message":"nightly backup","waitSeconds":30})",
                           call_limits{});
  auto* c = std::get_if<lock_call>(&parsed);
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK(c->kind == call_kind::acquire);
  CAF_CHECK(c->operation == model::cluster_operation::backup);
  CAF_CHECK_EQUAL(c->holder, "cron/nightly");
  CAF_CHECK_EQUAL(c->message, "nightly backup");
  CAF_CHECK_EQUAL(c->wait_seconds, 30);
  auto minimal = parse_call(acquire_route(), R"({"operation":"Upgrade","holder":"x"})", call_limits{});
  CAF_REQUIRE(std::holds_alternative<lock_call>(minimal));
  CAF_CHECK_EQUAL(std::get<lock_call>(minimal).wait_seconds, 0);
  auto release = parse_call(std::get<route>(match_route("POST", base + "/release")),
                            R"({"operation":"Backup","holder":"x"})", call_limits{});
  CAF_CHECK(std::holds_alternative<lock_call>(release));
  auto renew = parse_call(std::get<route>(match_route("POST", base + "/renew")),
                          R"({"holder":"x"})", call_limits{});
  CAF_CHECK(std::holds_alternative<lock_call>(renew));
  auto get = parse_call(std::get<route>(match_route("GET", base)), "ignored", call_limits{});
  CAF_CHECK(std::holds_alternative<lock_call>(get));
}

CAF_TEST(each bad body is 400 with a clear message) {
  struct row {
    const char* body;
    const char* says;
  };
  const row rows[] = {
    {"", "not JSON"},
    {"{", "not JSON"},
    {R"({"operation":"Backup","holder":"x"} trailing)", "not JSON"},
    {"[]", "JSON object"},
    {"\"Backup\"", "JSON object"},
    {R"({"operation":"Backup","holder":"x","force":true})", "unknown field \"force\""},
    {R"({"operation":"Backup","holder":"x","wait":3})", "unknown field \"wait\""},
    {R"({"holder":"x"})", "\"operation\" is required"},
    {R"({"operation":"Backup"})", "\"holder\" is required"},
    {R"({"operation":1,"holder":"x"})", "\"operation\" must be a string"},
    {R"({"operation":"backup","holder":"x"})", "unknown operation \"backup\""},
    {R"({"operation":"Snapshot","holder":"x"})", "expected Backup or Upgrade"},
    {R"({"operation":"Backup","holder":""})", "\"holder\" must not be empty"},
    {R"({"operation":"Backup","holder":7})", "\"holder\" must be a string"},
    {R"({"operation":"Backup","holder":"a\nb"})", "control characters"},
    {R"({"operation":"Backup","holder":"x","message":5})", "\"message\" must be a string"},
    {R"({"operation":"Backup","holder":"x","waitSeconds":-1})", "from 0 to 300"},
    {R"({"operation":"Backup","holder":"x","waitSeconds":301})", "from 0 to 300"},
    {R"({"operation":"Backup","holder":"x","waitSeconds":1.5})", "whole number"},
    {R"({"operation":"Backup","holder":"x","waitSeconds":"5"})", "whole number"},
    {R"({"operation":"Backup","holder":"x","waitSeconds":18446744073709551615})", "whole number"},
  };
  for (const auto& r : rows) {
    auto e = body_error(acquire_route(), r.body);
    CAF_CHECK_EQUAL(e.status, 400);
    CAF_CHECK_EQUAL(e.code, "bad_request");
    bool says = e.message.find(r.says) != std::string::npos;
    CAF_CHECK(says);
    if (!says)
      CAF_MESSAGE(r.body << " -> " << e.message);
  }
}

CAF_TEST(overlong holders and messages are 400) {
  auto holder = body_error(acquire_route(), R"({"operation":"Backup","holder":")"
                                              + std::string(254, 'h') + "\"}");
  CAF_CHECK_EQUAL(holder.status, 400);
  CAF_CHECK(holder.message.find("longer than 253") != std::string::npos);
  auto message = body_error(acquire_route(), R"({"operation":"Backup","holder":"x","message":")"
                                               + std::string(1025, 'm') + "\"}");
  CAF_CHECK_EQUAL(message.status, 400);
  auto fits = parse_call(acquire_route(), R"({"operation":"Backup","holder":")"
                                            + std::string(253, 'h') + "\"}", call_limits{});
  CAF_CHECK(std::holds_alternative<lock_call>(fits));
}

CAF_TEST(fields of other calls are unknown) {
  auto renew = std::get<route>(match_route("POST", base + "/renew"));
  auto op = body_error(renew, R"({"holder":"x","operation":"Backup"})");
  CAF_CHECK_EQUAL(op.status, 400);
  auto release = std::get<route>(match_route("POST", base + "/release"));
  auto wait = body_error(release, R"({"holder":"x","operation":"Backup","waitSeconds":1})");
  CAF_CHECK_EQUAL(wait.status, 400);
}

CAF_TEST(the configured wait maximum applies) {
  call_limits limits;
  limits.max_wait_seconds = 10;
  auto ok = parse_call(acquire_route(), R"({"operation":"Backup","holder":"x","waitSeconds":10})", limits);
  CAF_CHECK(std::holds_alternative<lock_call>(ok));
  auto over = parse_call(acquire_route(), R"({"operation":"Backup","holder":"x","waitSeconds":11})", limits);
  CAF_CHECK(std::holds_alternative<http_error>(over));
}

CAF_TEST(Restore is 403 with its own message) {
  auto e = body_error(acquire_route(), R"({"operation":"Restore","holder":"x"})");
  CAF_CHECK_EQUAL(e.status, 403);
  CAF_CHECK_EQUAL(e.code, "forbidden");
  CAF_CHECK_EQUAL(e.message,
                  "Restore is not available here: restores go through OpenBaoRestore objects");
  auto release = std::get<route>(match_route("POST", base + "/release"));
  auto r = body_error(release, R"({"operation":"Restore","holder":"x"})");
  CAF_CHECK_EQUAL(r.status, 403);
}
