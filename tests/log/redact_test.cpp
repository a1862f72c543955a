#define CAF_SUITE log.redact
#include "caf/test/unit_test.hpp"

// Secrets never appear in log lines (DESIGN §7): an error message carrying an Authorization
// header, a bearer token, a SigV4 signature or a Secret's data comes out redacted, through the
// logger's message and its fields alike; harmless text comes out unchanged.

#include <sstream>

#include "log/logger.hpp"
#include "log/redact.hpp"

using namespace baorestore;

namespace {

constexpr const char* token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-s3cr3t";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(secret keys are recognised and references to secrets are not) {
  for (auto k : {"token", "bearerToken", "X-Amz-Security-Token", "password", "Authorization",
                 "aws_secret_access_key", "secretAccessKey", "client-key-data-secret", "apiKey"})
    if (!log::is_secret_key(k))
      CAF_FAIL("not a secret key: " << k);
  for (auto k : {"namespace", "name", "phase", "tokenSecretRef", "secretName", "tokenFile",
                 "cluster", "holder", "credentialsSecretRef", "jwtAuthRole", "msg"})
    if (log::is_secret_key(k))
      CAF_FAIL("taken for a secret key: " << k);
}

CAF_TEST(redaction table) {
  struct row {
    std::string in;
    std::string out;
  };
  std::vector<row> rows = {
    {"GET /api: 401 (Authorization: Bearer abc.def)", "GET /api: 401 (Authorization: Bearer [REDACTED])"},
    {"authorization=Basic dXNlcjpwYXNz; next", "authorization=Basic [REDACTED]; next"},
    {"sent bearer abc123 twice", "sent bearer [REDACTED] twice"},
    {R"(body {"token":"abc","kind":"Secret"})", R"(body {"token":"[REDACTED]","kind":"Secret"})"},
    {"url ?token=abc&watch=1", "url ?token=[REDACTED]&watch=1"},
    {"password: hunter2", "password: [REDACTED]"},
    {"Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261125/us-east-1/s3/aws4_request, "
     "SignedHeaders=host, Signature=deadbeef",
     "Authorization: AWS4-HMAC-SHA256 [REDACTED], SignedHeaders=host, Signature=[REDACTED]"},
    {"spec.tokenSecretRef: required", "spec.tokenSecretRef: required"},
    {"Secret \"restore-token\" not found", "Secret \"restore-token\" not found"},
    {"waiting for lock held by Backup openbaocluster/backup",
     "waiting for lock held by Backup openbaocluster/backup"},
    {"", ""},
  };
  for (const auto& r : rows)
    CAF_CHECK_EQUAL(log::redact(r.in), r.out);
}

CAF_TEST(a secret fed through the logger never reaches the line) {
  std::ostringstream out;
  log::logger lg{out, log::level::debug, log::format::json};
  auto header = std::string{"Authorization: Bearer "} + token;
  // An API error message echoing the request, as a gateway error could carry it.
  lg.warn("create jobs failed: 400 bad request (" + header + ")",
          {{"namespace", "tenant-a"}, {"name", "r1"}});
  // A field that names a secret, whatever its value, and a field whose value carries one.
  lg.error("restore failed", {{"token", "plain-value-s3cr3t"}, {"reason", "sent " + header}});
  // Secret data as the API returns it, inside a message.
  lg.info(std::string{R"(secret {"data":{"token":")"} + token + R"("}})");
  log::logger text{out, log::level::debug, log::format::text};
  text.warn("retry with Bearer " + std::string{token}, {{"password", "hunter2"}});
  auto all = out.str();
  CAF_CHECK(!contains(all, token));
  CAF_CHECK(!contains(all, "sig-s3cr3t"));
  CAF_CHECK(!contains(all, "plain-value-s3cr3t"));
  CAF_CHECK(!contains(all, "hunter2"));
  CAF_CHECK(contains(all, "[REDACTED]"));
  CAF_CHECK(contains(all, "\"namespace\":\"tenant-a\""));
}
