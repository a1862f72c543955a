#define CAF_SUITE gateway.errc
// The one mapping from an API answer to api_errc, and metav1.Status bodies.
#include "caf/test/unit_test.hpp"

#include <string>
#include <string_view>

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/api_gateway.hpp"

using namespace baorestore::gateway;

namespace {

struct status_case {
  int status;
  std::string_view reason;
  api_errc expected;
};

constexpr status_case status_cases[] = {
  {401, "Unauthorized", api_errc::unauthorized},
  {403, "Forbidden", api_errc::forbidden},
  {404, "NotFound", api_errc::not_found},
  {409, "AlreadyExists", api_errc::already_exists},
  {409, "Conflict", api_errc::conflict},
  {409, "", api_errc::conflict},
  {409, "alreadyexists", api_errc::conflict}, // reasons are case-sensitive constants
  {410, "Expired", api_errc::gone},
  {422, "Invalid", api_errc::invalid},
  {429, "TooManyRequests", api_errc::too_many_requests},
  {500, "InternalError", api_errc::server_error},
  {503, "ServiceUnavailable", api_errc::server_error},
  {504, "Timeout", api_errc::server_error},
  {599, "", api_errc::server_error},
  {400, "BadRequest", api_errc::bad_request},
  {405, "MethodNotAllowed", api_errc::bad_request},
  {406, "NotAcceptable", api_errc::bad_request},
  {413, "RequestEntityTooLarge", api_errc::bad_request},
  {415, "UnsupportedMediaType", api_errc::bad_request},
  {412, "AlreadyExists", api_errc::bad_request}, // the reason only matters for 409
};

} // namespace

CAF_TEST(errc_for_status maps each status class) {
  for (const auto& c : status_cases) {
    auto got = errc_for_status(c.status, c.reason);
    CAF_MESSAGE(c.status << " " << c.reason << " -> " << to_string(got));
    CAF_CHECK_EQUAL(to_string(got), to_string(c.expected));
  }
}

CAF_TEST(to_string names every code and survives unknown values) {
  for (int i = 1; i <= static_cast<int>(api_errc::bad_request); ++i) {
    auto name = to_string(static_cast<api_errc>(i));
    CAF_CHECK(name.find("api_errc(") == std::string::npos);
  }
  CAF_CHECK_EQUAL(to_string(static_cast<api_errc>(200)), "api_errc(200)");
}

CAF_TEST(api errors still carry the code and message through CAF) {
  auto e = make_api_error(errc_for_status(409, "AlreadyExists"), "jobs.batch \"x\" exists");
  CAF_CHECK(e == api_errc::already_exists);
  CAF_CHECK_EQUAL(api_error_message(e), "jobs.batch \"x\" exists");
}

CAF_TEST(parse_status reads a Status body of the server) {
  auto body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"jobs.batch \"restore-1\" already exists","reason":"AlreadyExists",
    "details":{"name":"restore-1","group":"batch","kind":"jobs"},"code":409})";
  auto st = parse_status(body);
  CAF_REQUIRE(st.has_value());
  CAF_CHECK_EQUAL(st->code, 409);
  CAF_CHECK_EQUAL(st->reason, "AlreadyExists");
  CAF_CHECK_EQUAL(st->message, "jobs.batch \"restore-1\" already exists");
  auto code = errc_for_status(st->code, st->reason);
  CAF_CHECK(code == api_errc::already_exists);
}

CAF_TEST(parse_status tolerates missing and mistyped optional fields) {
  auto minimal = parse_status(R"({"kind":"Status"})");
  CAF_REQUIRE(minimal.has_value());
  CAF_CHECK(*minimal == status_body{});
  auto odd = parse_status(R"({"kind":"Status","code":"409","reason":7,"message":null})");
  CAF_REQUIRE(odd.has_value());
  CAF_CHECK(*odd == status_body{});
  auto unknown = parse_status(R"({"kind":"Status","code":404,"extra":{"a":[1,2]}})");
  CAF_REQUIRE(unknown.has_value());
  CAF_CHECK_EQUAL(unknown->code, 404);
  auto huge_code = parse_status(R"({"kind":"Status","code":123456789})");
  CAF_REQUIRE(huge_code.has_value());
  CAF_CHECK_EQUAL(huge_code->code, 0);
}

CAF_TEST(parse_status rejects what is not a Status) {
  const char* not_status[] = {
    "",
    "not json",
    "<html><body>502 Bad Gateway</body></html>",
    "[]",
    "\"Status\"",
    R"({"kind":"Job","apiVersion":"batch/v1","code":409})",
    R"({"code":409,"reason":"Conflict"})",
    R"({"kind":"Status")", // truncated
  };
  for (auto text : not_status) {
    CAF_MESSAGE("input: " << text);
    CAF_CHECK(!parse_status(text).has_value());
  }
  CAF_CHECK(!parse_status(std::string(2 << 20, ' ')).has_value());
}
