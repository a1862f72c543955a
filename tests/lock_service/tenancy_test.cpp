#define CAF_SUITE lock_service.tenancy
#include "caf/test/unit_test.hpp"

#include "lock_service/authorize.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;
using model::cluster_operation;

namespace {

token_entry entry(std::string name, const std::string& token, std::vector<std::string> ns,
                  std::vector<cluster_operation> ops) {
  return token_entry{std::move(name), sha256_of(token), std::move(ns), std::move(ops)};
}

token_table tenants() {
  return token_table{{
    entry("a-backup", "tok-a-backup", {"tenant-a"}, {cluster_operation::backup}),
    entry("a-upgrade", "tok-a-upgrade", {"tenant-a"}, {cluster_operation::upgrade}),
    entry("b-both", "tok-b", {"tenant-b"}, {cluster_operation::backup, cluster_operation::upgrade}),
    entry("ab-backup", "tok-ab", {"tenant-a", "tenant-b"}, {cluster_operation::backup}),
    entry("all-upgrade", "tok-all", {"*"}, {cluster_operation::upgrade}),
  }};
}

} // namespace

CAF_TEST(bearer tokens are read from the header) {
  auto t = bearer_token("Bearer abc");
  CAF_REQUIRE(t.has_value());
  CAF_CHECK_EQUAL(std::string{*t}, "abc");
  auto lower = bearer_token("bearer  abc ");
  CAF_REQUIRE(lower.has_value());
  CAF_CHECK_EQUAL(std::string{*lower}, "abc");
  CAF_CHECK(!bearer_token(""));
  CAF_CHECK(!bearer_token("Bearer "));
  CAF_CHECK(!bearer_token("Basic YTpi"));
  CAF_CHECK(!bearer_token("abc"));
}

CAF_TEST(no token or a bad one is unauthorized) {
  auto table = tenants();
  for (const char* header : {"", "Bearer nope", "Basic dG9rLWE=", "tok-a-backup"}) {
    auto r = authorize(table, header, "tenant-a", cluster_operation::backup);
    CAF_CHECK(r.verdict == auth_verdict::unauthorized);
    CAF_CHECK(r.token_name.empty());
  }
}

CAF_TEST(the matrix of tokens namespaces and operations) {
  auto table = tenants();
  struct row {
    const char* token;
    const char* ns;
    cluster_operation op;
    bool allowed;
  };
  using enum cluster_operation;
  const row rows[] = {
    {"tok-a-backup", "tenant-a", backup, true},   {"tok-a-backup", "tenant-a", upgrade, false},
    {"tok-a-backup", "tenant-b", backup, false},  {"tok-a-backup", "tenant-c", backup, false},
    {"tok-a-upgrade", "tenant-a", upgrade, true}, {"tok-a-upgrade", "tenant-a", backup, false},
    {"tok-a-upgrade", "tenant-b", upgrade, false},
    {"tok-b", "tenant-b", backup, true},          {"tok-b", "tenant-b", upgrade, true},
    {"tok-b", "tenant-a", backup, false},         {"tok-b", "tenant-a", upgrade, false},
    {"tok-ab", "tenant-a", backup, true},         {"tok-ab", "tenant-b", backup, true},
    {"tok-ab", "tenant-c", backup, false},        {"tok-ab", "tenant-a", upgrade, false},
    {"tok-all", "tenant-a", upgrade, true},       {"tok-all", "tenant-z", upgrade, true},
    {"tok-all", "tenant-a", backup, false},
    // No token may take a Restore lock: restores go through OpenBaoRestore objects.
    {"tok-b", "tenant-b", restore, false},        {"tok-all", "tenant-a", restore, false},
  };
  for (const auto& r : rows) {
    auto got = authorize(table, std::string{"Bearer "} + r.token, r.ns, r.op);
    auto expected = r.allowed ? auth_verdict::ok : auth_verdict::forbidden;
    CAF_CHECK(got.verdict == expected);
    if (got.verdict != expected)
      CAF_MESSAGE("row " << r.token << " " << r.ns << " " << to_string(r.op));
    CAF_CHECK(!got.token_name.empty());
  }
}

CAF_TEST(a namespace check alone ignores operations) {
  auto table = tenants();
  auto a = authorize(table, "Bearer tok-a-upgrade", "tenant-a", std::nullopt);
  CAF_CHECK(a.verdict == auth_verdict::ok);
  CAF_CHECK_EQUAL(a.token_name, "a-upgrade");
  auto b = authorize(table, "Bearer tok-a-upgrade", "tenant-b", std::nullopt);
  CAF_CHECK(b.verdict == auth_verdict::forbidden);
  CAF_CHECK(b.message.find("tenant-b") != std::string::npos);
}
