// The lock service's replies (cli/lock_reply.cpp): good ones of every verb, malformed ones,
// missing fields, and the exit code of every status.
#define CAF_SUITE lock_cli_reply
#include "caf/test/unit_test.hpp"

#include "cli/lock_client_core.hpp"

using namespace baorestore::cli::lock;

namespace {

const cluster_ref vault{"tenant-a", "vault"};

constexpr std::string_view lock_json
  = R"({"operation":"Backup","holder":"ci/backup","message":"nightly","fence":3,)"
    R"("since":"2026-11-25T15:00:00Z","renewedAt":"2026-11-25T15:00:30Z"})";

std::string with_lock(std::string_view head) {
  return std::string{head} + R"("lock":)" + std::string{lock_json} + "}";
}

} // namespace

CAF_TEST(show of a held lock) {
  auto r = parse_reply(verb::show, 200, with_lock(R"({"cluster":"tenant-a/vault","held":true,)"));
  CAF_REQUIRE(r.readable);
  CAF_CHECK(r.held);
  CAF_REQUIRE(r.lock.has_value());
  CAF_CHECK_EQUAL(r.lock->operation, "Backup");
  CAF_CHECK_EQUAL(r.lock->holder, "ci/backup");
  CAF_CHECK_EQUAL(r.lock->message, "nightly");
  CAF_CHECK_EQUAL(r.lock->fence, 3);
  CAF_CHECK_EQUAL(r.lock->since, "2026-11-25T15:00:00Z");
  CAF_CHECK_EQUAL(r.lock->renewed_at, "2026-11-25T15:00:30Z");
  CAF_CHECK_EQUAL(exit_code_for(r), exit_granted);
  CAF_CHECK_EQUAL(describe(verb::show, vault, r),
                  "lock show tenant-a/vault: held by Backup ci/backup (fence 3, since "
                  "2026-11-25T15:00:00Z, renewed 2026-11-25T15:00:30Z, \"nightly\")");
}

CAF_TEST(show of a free lock) {
  auto r = parse_reply(verb::show, 200, R"({"cluster":"tenant-a/vault","held":false})");
  CAF_CHECK(r.readable);
  CAF_CHECK(!r.held);
  CAF_CHECK(!r.lock);
  CAF_CHECK_EQUAL(exit_code_for(r), exit_granted);
  CAF_CHECK_EQUAL(describe(verb::show, vault, r), "lock show tenant-a/vault: free");
}

CAF_TEST(acquire granted) {
  auto r = parse_reply(verb::acquire, 200, with_lock(R"({"granted":true,"fence":3,)"));
  CAF_REQUIRE(r.readable);
  CAF_CHECK(r.fence == 3);
  CAF_CHECK_EQUAL(exit_code_for(r), exit_granted);
  CAF_CHECK_EQUAL(describe(verb::acquire, vault, r), "lock acquire tenant-a/vault: granted, fence 3");
}

CAF_TEST(renew granted and release released) {
  auto renew = parse_reply(verb::renew, 200, with_lock(R"({"granted":true,"fence":3,)"));
  CAF_CHECK(renew.readable);
  CAF_CHECK_EQUAL(describe(verb::renew, vault, renew), "lock renew tenant-a/vault: renewed, fence 3");
  auto rel = parse_reply(verb::release, 200, R"({"released":true})");
  CAF_CHECK(rel.readable);
  CAF_CHECK_EQUAL(exit_code_for(rel), exit_granted);
  CAF_CHECK_EQUAL(describe(verb::release, vault, rel), "lock release tenant-a/vault: released");
}

CAF_TEST(lock written by someone else without since) {
  auto r = parse_reply(verb::show, 200,
                       R"({"held":true,"lock":{"operation":"Backup","holder":"h","fence":0}})");
  CAF_REQUIRE(r.readable);
  CAF_CHECK_EQUAL(r.lock->since, "");
  CAF_CHECK_EQUAL(describe_lock(*r.lock), "Backup h (fence 0)");
}

CAF_TEST(lock without message or renewedAt) {
  auto r = parse_reply(verb::acquire, 200,
                       R"({"granted":true,"fence":1,"lock":{"operation":"Upgrade","holder":"h",)"
                       R"("fence":1,"since":"2026-11-25T15:00:00Z"}})");
  CAF_REQUIRE(r.readable);
  CAF_CHECK_EQUAL(r.lock->message, "");
  CAF_CHECK_EQUAL(r.lock->renewed_at, "");
  CAF_CHECK_EQUAL(describe_lock(*r.lock), "Upgrade h (fence 1, since 2026-11-25T15:00:00Z)");
}

CAF_TEST(busy names the holder and exits 3) {
  auto r = parse_reply(verb::acquire, 409,
                       with_lock(R"({"error":"busy","message":"held by Backup ci/backup",)"));
  CAF_CHECK(r.readable);
  CAF_CHECK_EQUAL(r.error, "busy");
  CAF_REQUIRE(r.lock.has_value());
  CAF_CHECK_EQUAL(r.lock->holder, "ci/backup");
  CAF_CHECK_EQUAL(exit_code_for(r), exit_busy);
  CAF_CHECK(describe(verb::acquire, vault, r).find("busy: held by Backup ci/backup")
            != std::string::npos);
}

CAF_TEST(not holder with and without lock exits 3) {
  auto with = parse_reply(verb::release, 409,
                          with_lock(R"({"error":"not_holder","message":"held by someone else",)"));
  CAF_CHECK_EQUAL(exit_code_for(with), exit_busy);
  auto without = parse_reply(verb::renew, 409, R"({"error":"not_holder","message":"free"})");
  CAF_CHECK(without.readable);
  CAF_CHECK(!without.lock);
  CAF_CHECK_EQUAL(exit_code_for(without), exit_busy);
  CAF_CHECK_EQUAL(describe(verb::renew, vault, without), "lock renew tenant-a/vault: not_holder: free");
}

CAF_TEST(errors of every status map to their exit code) {
  struct row {
    int status;
    const char* error;
    int exit;
  };
  for (auto [status, error, expected] : {
         row{400, "bad_request", exit_error},   row{401, "unauthorized", exit_denied},
         row{403, "forbidden", exit_denied},    row{404, "not_found", exit_error},
         row{405, "method_not_allowed", exit_error}, row{409, "conflict", exit_error},
         row{413, "too_large", exit_error},     row{429, "too_many_requests", exit_error},
         row{500, "internal", exit_error},      row{503, "unavailable", exit_error}}) {
    auto body = std::string{R"({"error":")"} + error + R"(","message":"m"})";
    auto r = parse_reply(verb::acquire, status, body);
    CAF_CHECK(r.readable);
    CAF_CHECK_EQUAL(r.error, error);
    CAF_CHECK_EQUAL(r.message, "m");
    auto code = exit_code_for(r);
    CAF_CHECK_EQUAL(code, expected);
  }
  CAF_CHECK_EQUAL(exit_code_for_status(200, ""), exit_granted);
  CAF_CHECK_EQUAL(exit_code_for_status(409, "busy"), exit_busy);
  CAF_CHECK_EQUAL(exit_code_for_status(409, "not_holder"), exit_busy);
  CAF_CHECK_EQUAL(exit_code_for_status(409, ""), exit_error);
  CAF_CHECK_EQUAL(exit_code_for_status(401, ""), exit_denied);
  CAF_CHECK_EQUAL(exit_code_for_status(403, ""), exit_denied);
  CAF_CHECK_EQUAL(exit_code_for_status(302, ""), exit_error);
  CAF_CHECK_EQUAL(exit_code_for_status(502, ""), exit_error);
}

CAF_TEST(unreadable error bodies still map by status) {
  // A proxy's HTML 403 page is a denial; its 502 page an error.
  auto denied = parse_reply(verb::show, 403, "<html>Forbidden</html>");
  CAF_CHECK(!denied.readable);
  CAF_CHECK_EQUAL(exit_code_for(denied), exit_denied);
  auto bad_gw = parse_reply(verb::show, 502, "");
  CAF_CHECK_EQUAL(exit_code_for(bad_gw), exit_error);
  CAF_CHECK_EQUAL(describe(verb::show, vault, bad_gw), "lock show tenant-a/vault: HTTP 502 (empty body)");
  // A 409 that does not say busy is not a busy.
  auto odd = parse_reply(verb::acquire, 409, R"({"message":"conflict"})");
  CAF_CHECK_EQUAL(exit_code_for(odd), exit_error);
}

CAF_TEST(retry after is shown) {
  auto r = parse_reply(verb::acquire, 429, R"({"error":"too_many_requests","message":"slow down"})");
  r.retry_after = 2;
  CAF_CHECK_EQUAL(describe(verb::acquire, vault, r),
                  "lock acquire tenant-a/vault: too_many_requests: slow down (retry after 2s)");
}

CAF_TEST(malformed 200 replies are errors not grants) {
  struct row {
    verb v;
    const char* body;
    const char* problem;
  };
  for (auto [v, body, problem] : {
         row{verb::acquire, "", "empty body"},
         row{verb::acquire, "{", "not JSON"},
         row{verb::acquire, "[]", "expected a JSON object"},
         row{verb::acquire, "\"granted\"", "expected a JSON object"},
         row{verb::acquire, R"({"fence":1})", "granted: expected true"},
         row{verb::acquire, R"({"granted":false,"fence":1})", "granted: expected true"},
         row{verb::acquire, R"({"granted":"true","fence":1})", "granted: expected true"},
         row{verb::acquire, R"({"granted":true})", "fence: required integer"},
         row{verb::acquire, R"({"granted":true,"fence":"3"})", "fence: required integer"},
         row{verb::acquire, R"({"granted":true,"fence":1.5})", "fence: required integer"},
         row{verb::acquire, R"({"granted":true,"fence":1})", "lock: expected an object"},
         row{verb::renew, R"({"granted":true,"fence":1,"lock":[]})", "lock: expected an object"},
         row{verb::acquire, R"({"granted":true,"fence":1,"lock":{"holder":"h","fence":1,"since":"s"}})",
             "lock.operation: required string"},
         row{verb::acquire, R"({"granted":true,"fence":1,"lock":{"operation":"Backup","fence":1,"since":"s"}})",
             "lock.holder: required string"},
         row{verb::acquire, R"({"granted":true,"fence":1,"lock":{"operation":"Backup","holder":"h","since":"s"}})",
             "lock.fence: required integer"},
         row{verb::show, R"({"cluster":"a/b"})", "held: required boolean"},
         row{verb::show, R"({"held":"yes"})", "held: required boolean"},
         row{verb::show, R"({"held":true})", "lock: expected an object"},
         row{verb::release, R"({})", "released: expected true"},
         row{verb::release, R"({"released":false})", "released: expected true"}}) {
    auto r = parse_reply(v, 200, body);
    CAF_CHECK(!r.readable);
    CAF_CHECK_EQUAL(exit_code_for(r), exit_error);
    if (r.problem.find(problem) != 0)
      CAF_FAIL("body " << body << ": problem \"" << r.problem << "\", expected \"" << problem << "\"");
  }
}

CAF_TEST(error bodies without error code) {
  auto r = parse_reply(verb::acquire, 400, R"({"message":"bad"})");
  CAF_CHECK(!r.readable);
  CAF_CHECK_EQUAL(r.problem, "error: required string");
  CAF_CHECK_EQUAL(exit_code_for(r), exit_error);
}

CAF_TEST(huge and odd numbers) {
  auto r = parse_reply(verb::acquire, 200,
                       R"({"granted":true,"fence":18446744073709551615,"lock":{"operation":"B",)"
                       R"("holder":"h","fence":1,"since":"s"}})");
  CAF_CHECK(!r.readable); // a fence beyond int64 is not one we can print or compare
}
