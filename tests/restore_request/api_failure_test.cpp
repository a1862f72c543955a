#define CAF_SUITE restore.api_failure
#include "caf/test/unit_test.hpp"

// Which failed requests of a restore are permanent (fail it at once) and which transient
// (retried with a backoff that grows), DESIGN §4 "Errors:": the whole table.

#include <optional>

#include "actors/restore_request/api_failure.hpp"

using namespace baorestore;
using namespace baorestore::restore;
using gateway::api_errc;
using namespace std::chrono_literals;

namespace {

constexpr auto P = failure_class::permanent;
constexpr auto T = failure_class::transient;

struct row {
  std::optional<api_errc> code;
  failure_class read, create, write;
};

} // namespace

CAF_TEST(classification by answer and request) {
  const row table[] = {
    // the request itself refused: the same request is refused again
    {api_errc::invalid, T, P, P},
    {api_errc::bad_request, T, P, P},
    {api_errc::forbidden, T, P, P},
    // a create's 404 is its namespace (or an unserved resource); a write's, its object
    {api_errc::not_found, T, P, T},
    // may heal
    {api_errc::conflict, T, T, T},
    {api_errc::already_exists, T, T, T},
    {api_errc::gone, T, T, T},
    {api_errc::unauthorized, T, T, T},
    {api_errc::too_many_requests, T, T, T},
    {api_errc::server_error, T, T, T},
    {api_errc::transport, T, T, T},
    {api_errc::bad_response, T, T, T},
    // not an answer of the API server (a request timeout, a lock actor's error)
    {std::nullopt, T, T, T},
  };
  for (const auto& r : table) {
    CAF_MESSAGE((r.code ? gateway::to_string(*r.code) : std::string{"no api code"}));
    CAF_CHECK(classify_failure(r.code, request_kind::read) == r.read);
    CAF_CHECK(classify_failure(r.code, request_kind::create) == r.create);
    CAF_CHECK(classify_failure(r.code, request_kind::write) == r.write);
  }
}

CAF_TEST(transient failures back off geometrically to the ceiling) {
  job_watch::poll_schedule s{.initial = 2s, .growth = 2.0, .ceiling = 60s, .jitter = 0.2};
  // Without jitter (draw 0.5): 2, 4, 8, 16, 32, 60, 60 s.
  const std::chrono::milliseconds expected[] = {2s, 4s, 8s, 16s, 32s, 60s, 60s};
  for (std::uint32_t n = 0; n < std::size(expected); ++n) {
    auto v = judge_failure(api_errc::server_error, request_kind::create, n, s, 0.5);
    CAF_CHECK(v.kind == T);
    CAF_CHECK_EQUAL(v.backoff.count(), expected[n].count());
  }
  // Jitter stays within ±20 %, and never past the ceiling.
  auto low = judge_failure(api_errc::transport, request_kind::write, 0, s, 0.0);
  auto high = judge_failure(api_errc::transport, request_kind::write, 0, s, 1.0);
  CAF_CHECK_EQUAL(low.backoff.count(), 1600);
  CAF_CHECK_EQUAL(high.backoff.count(), 2400);
  CAF_CHECK_EQUAL(judge_failure(api_errc::transport, request_kind::write, 40, s, 1.0).backoff.count(),
                  60000);
}

CAF_TEST(permanent failures still carry a backoff for what cannot fail the restore) {
  job_watch::poll_schedule s{.initial = 2s, .growth = 2.0, .ceiling = 60s, .jitter = 0};
  auto v = judge_failure(api_errc::invalid, request_kind::create, 0, s, 0.5);
  CAF_CHECK(v.kind == P);
  // A permanent refusal of a write of the restore itself (its status) cannot be reported in
  // that status: it is retried, with the same growing backoff, never in a tight loop.
  auto w = judge_failure(api_errc::invalid, request_kind::write, 3, s, 0.5);
  CAF_CHECK(w.kind == P);
  CAF_CHECK_EQUAL(w.backoff.count(), 16000);
}
