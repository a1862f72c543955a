#define CAF_SUITE lock_service.config
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "config/operator_config.hpp"

using namespace baorestore;
using namespace baorestore::config;

namespace {

bool has_problem(const config_problems& ps, const std::string& path) {
  return std::any_of(ps.begin(), ps.end(), [&](const config_problem& p) { return p.path == path; });
}

} // namespace

CAF_TEST(the lock service is off by default) {
  operator_config c;
  CAF_CHECK(c.lock_service.address.empty());
  CAF_CHECK_EQUAL(c.lock_service.max_body_bytes, 16384);
  CAF_CHECK_EQUAL(c.lock_service.max_waits_per_token, 4);
  CAF_CHECK_EQUAL(c.lock_service.max_wait_seconds, 300);
  CAF_CHECK(validate(c).empty());
}

CAF_TEST(an address requires the three files) {
  auto loaded = load_config_text("lockService:\n  address: 127.0.0.1:8443\n", "test.yaml");
  auto* problems = std::get_if<config_problems>(&loaded);
  CAF_REQUIRE(problems != nullptr);
  CAF_CHECK(has_problem(*problems, "lockService.certFile"));
  CAF_CHECK(has_problem(*problems, "lockService.keyFile"));
  CAF_CHECK(has_problem(*problems, "lockService.tokensFile"));
  auto ok = load_config_text("lockService:\n  address: 127.0.0.1:0\n  certFile: c\n"
                             "  keyFile: k\n  tokensFile: t\n  maxWaitSeconds: 60\n",
                             "test.yaml");
  auto* c = std::get_if<operator_config>(&ok);
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK_EQUAL(c->lock_service.tokens_file, "t");
  CAF_CHECK_EQUAL(c->lock_service.max_wait_seconds, 60);
}

CAF_TEST(bad lock service values are problems with their path) {
  auto loaded = load_config_text("lockService:\n  address: nowhere\n  certFile: c\n  keyFile: k\n"
                                 "  tokensFile: t\n  maxBodyBytes: 10\n  requestsPerSecond: 0\n"
                                 "  burst: 0\n  maxWaitsPerToken: -1\n  maxWaitSeconds: 4000\n"
                                 "  tokenFile: x\n",
                                 "test.yaml");
  auto* problems = std::get_if<config_problems>(&loaded);
  CAF_REQUIRE(problems != nullptr);
  for (const char* path : {"lockService.address", "lockService.maxBodyBytes",
                           "lockService.requestsPerSecond", "lockService.burst",
                           "lockService.maxWaitsPerToken", "lockService.maxWaitSeconds",
                           "lockService.tokenFile"}) {
    CAF_MESSAGE(path);
    CAF_CHECK(has_problem(*problems, path));
  }
}

CAF_TEST(the environment sets lock service settings) {
  operator_config c;
  auto problems = apply_environment(c, [](const char* name) -> std::optional<std::string> {
    if (std::string{name} == "BAORESTORE_LOCK_SERVICE_MAX_WAITS_PER_TOKEN")
      return "7";
    return std::nullopt;
  });
  CAF_CHECK(problems.empty());
  CAF_CHECK_EQUAL(c.lock_service.max_waits_per_token, 7);
}
