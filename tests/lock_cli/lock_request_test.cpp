// What each verb sends (cli/lock_client_core.hpp build_call, check_params): method, path,
// body fields, and JSON escaping of what the user typed.
#define CAF_SUITE lock_cli_request
#include "caf/test/unit_test.hpp"

#include <boost/json.hpp>

#include "cli/lock_client_core.hpp"

using namespace baorestore::cli::lock;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const cluster_ref vault{"tenant-a", "vault"};

lock_params params(std::string holder = "openbaocluster/backup", std::string message = "nightly") {
  return lock_params{"Backup", std::move(holder), std::move(message), 30s};
}

json::object body_of(const http_call& call) {
  return json::parse(call.body).as_object();
}

std::string str(const json::object& body, std::string_view key) {
  auto* v = body.if_contains(key);
  return v && v->is_string() ? std::string{v->get_string()} : std::string{"<absent>"};
}

} // namespace

CAF_TEST(show is a GET of the lock) {
  auto call = build_call(verb::show, vault, params());
  CAF_CHECK_EQUAL(call.method, "GET");
  CAF_CHECK_EQUAL(call.target, "/v1/namespaces/tenant-a/clusters/vault/lock");
  CAF_CHECK(call.body.empty());
}

CAF_TEST(acquire sends operation holder message and wait) {
  auto call = build_call(verb::acquire, vault, params());
  CAF_CHECK_EQUAL(call.method, "POST");
  CAF_CHECK_EQUAL(call.target, "/v1/namespaces/tenant-a/clusters/vault/lock/acquire");
  auto body = body_of(call);
  CAF_CHECK_EQUAL(body.size(), 4u);
  CAF_CHECK_EQUAL(str(body, "operation"), "Backup");
  CAF_CHECK_EQUAL(str(body, "holder"), "openbaocluster/backup");
  CAF_CHECK_EQUAL(str(body, "message"), "nightly");
  CAF_CHECK_EQUAL(body.at("waitSeconds").as_int64(), 30);
}

CAF_TEST(release sends operation and holder only) {
  auto call = build_call(verb::release, vault, params());
  CAF_CHECK_EQUAL(call.target, "/v1/namespaces/tenant-a/clusters/vault/lock/release");
  auto body = body_of(call);
  CAF_CHECK_EQUAL(body.size(), 2u);
  CAF_CHECK_EQUAL(str(body, "operation"), "Backup");
  CAF_CHECK_EQUAL(str(body, "holder"), "openbaocluster/backup");
}

CAF_TEST(renew sends the holder only) {
  auto call = build_call(verb::renew, vault, params());
  CAF_CHECK_EQUAL(call.target, "/v1/namespaces/tenant-a/clusters/vault/lock/renew");
  auto body = body_of(call);
  CAF_CHECK_EQUAL(body.size(), 1u);
  CAF_CHECK_EQUAL(str(body, "holder"), "openbaocluster/backup");
}

CAF_TEST(holder and message are escaped) {
  std::string holder = "x\",\"operation\":\"Restore";
  std::string message = "line1\nline2\t\"quoted\" \\ back \x01 ctl, caf\xc3\xa9";
  auto call = build_call(verb::acquire, vault, params(holder, message));
  // The injection attempt stays inside the holder's string: one operation, ours.
  auto body = body_of(call);
  CAF_CHECK_EQUAL(str(body, "holder"), holder);
  CAF_CHECK_EQUAL(str(body, "message"), message);
  CAF_CHECK_EQUAL(str(body, "operation"), "Backup");
  CAF_CHECK(call.body.find('\n') == std::string::npos);
  CAF_CHECK(call.body.find("\\u0001") != std::string::npos);
}

CAF_TEST(empty message and zero wait are sent) {
  auto call = build_call(verb::acquire, vault, lock_params{"Upgrade", "ci/upgrade-7", "", 0s});
  auto body = body_of(call);
  CAF_CHECK_EQUAL(str(body, "operation"), "Upgrade");
  CAF_CHECK_EQUAL(str(body, "message"), "");
  CAF_CHECK_EQUAL(body.at("waitSeconds").as_int64(), 0);
}

CAF_TEST(operations of the service) {
  CAF_CHECK(is_service_operation("Backup"));
  CAF_CHECK(is_service_operation("Upgrade"));
  CAF_CHECK(!is_service_operation("Restore"));
  CAF_CHECK(!is_service_operation("backup"));
  CAF_CHECK(!is_service_operation(""));
}

CAF_TEST(each verb checks the flags it needs) {
  CAF_CHECK(check_params(verb::show, lock_params{}).empty());
  CAF_CHECK(check_params(verb::acquire, params()).empty());
  CAF_CHECK(check_params(verb::release, params()).empty());
  CAF_CHECK(check_params(verb::renew, lock_params{"", "h", "", 0s}).empty());
  CAF_CHECK_EQUAL(check_params(verb::acquire, lock_params{"", "h", "", 0s}),
                  "--operation is required (Backup or Upgrade)");
  CAF_CHECK(check_params(verb::release, lock_params{"Restore", "h", "", 0s}).find("Restore")
            != std::string::npos);
  CAF_CHECK_EQUAL(check_params(verb::acquire, lock_params{"Backup", "", "", 0s}),
                  "--holder is required");
  CAF_CHECK_EQUAL(check_params(verb::renew, lock_params{}), "--holder is required");
}
