#define CAF_SUITE gateway.http_faults
#include "caf/test/unit_test.hpp"

// The HTTP gateway against a scripted faulty server on 127.0.0.1 (tests/support): retries
// happen exactly where retry_policy says (transport errors and 5xx on idempotent verbs, 429
// on any, honouring Retry-After), never for 4xx; deadlines fire; oversized and malformed
// answers are typed errors; TLS refuses an unknown CA and a wrong name; and one tenant's
// flood does not hold up another tenant's request by more than a round.

#include <chrono>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/http_gateway.hpp"
#include "net/self_signed.hpp"
#include "tests/api_gateway/http_fixture.hpp"
#include "tests/support/faulty_server.hpp"

using namespace gateway_http_test;
using namespace baorestore::testing;
using gw::api_errc;
using steady = std::chrono::steady_clock;

namespace {

const std::string cluster_body =
  R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoCluster",)"
  R"("metadata":{"name":"vault","namespace":"tenant-a","resourceVersion":"5"},)"
  R"("spec":{"version":"2.4.0","replicas":3}})";

const std::string job_body =
  R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"tenant-a"}})";

faulty::respond ok(std::string body = cluster_body) {
  faulty::respond r;
  r.body = std::move(body);
  return r;
}

faulty::respond status(int code, std::string reason, std::map<std::string, std::string> h = {}) {
  faulty::respond r;
  r.status = code;
  r.headers = std::move(h);
  r.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"scripted )"
           + std::to_string(code) + R"(","reason":")" + reason + R"(","code":)"
           + std::to_string(code) + "}";
  return r;
}

struct fixture {
  fixture() : sys(cfg), self(sys) {
    server.set_default(ok());
  }
  ~fixture() {
    if (gateway)
      caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    server.stop();
  }

  gw::http_gateway_config config(std::uint16_t port) {
    gw::http_gateway_config c;
    c.connection.server = {false, "127.0.0.1", port, ""};
    c.qps = 0;
    c.request_timeout = 3s;
    c.retry.base = 10ms;
    c.retry.cap = 50ms;
    c.retry.max_attempts = 4;
    c.counters = counters;
    return c;
  }

  void start(gw::http_gateway_config c) { gateway = gw::spawn_http_gateway(sys, std::move(c)); }
  void start() { start(config(server.port())); }

  caf::expected<gw::cluster> get_cluster(std::string ns = "tenant-a") {
    return call<gw::cluster>(self, gateway, caf::get_atom_v,
                             gw::get_request<gw::cluster>{{std::move(ns), "vault"}});
  }

  caf::expected<model::job> create_job() {
    model::job j;
    j.metadata.name = "j";
    j.metadata.namespace_ = "tenant-a";
    return call<model::job>(self, gateway, gw::create_atom_v, gw::create_request<model::job>{j});
  }

  caf::expected<gw::cluster> patch_cluster() {
    return call<gw::cluster>(self, gateway, gw::patch_status_atom_v,
                             gw::patch_request<gw::cluster>{{"tenant-a", "vault"},
                                                            R"({"status":{}})", "5"});
  }

  std::size_t requests() const { return server.requests().size(); }

  std::uint64_t retries() const {
    std::uint64_t n = 0;
    for (auto& [k, v] : counters->snapshot().retries)
      n += v;
    return n;
  }

  faulty_server server;
  std::shared_ptr<gw::gateway_counters> counters = std::make_shared<gw::gateway_counters>();
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  gw::api_gateway_actor gateway;
};

bool is(const caf::error& e, api_errc code) {
  return e == code;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_http_fault_tests, fixture)

CAF_TEST(a GET is retried after 503 and then succeeds) {
  server.push(status(503, "ServiceUnavailable"));
  start();
  auto c = get_cluster();
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->metadata.name, "vault");
  CAF_CHECK_EQUAL(requests(), 2u);
  CAF_CHECK_EQUAL(retries(), 1u);
}

CAF_TEST(a create is not retried after 503 and the error is typed) {
  server.push(status(503, "ServiceUnavailable"));
  start();
  auto j = create_job();
  CAF_REQUIRE(!j);
  CAF_CHECK(is(j.error(), api_errc::server_error));
  CAF_CHECK_EQUAL(gw::api_error_message(j.error()), "scripted 503");
  CAF_CHECK_EQUAL(requests(), 1u);
  CAF_CHECK_EQUAL(retries(), 0u);
}

CAF_TEST(a 5xx that persists ends in server_error after max_attempts) {
  server.set_default(status(500, "InternalError"));
  start();
  auto c = get_cluster();
  CAF_REQUIRE(!c);
  CAF_CHECK(is(c.error(), api_errc::server_error));
  CAF_CHECK_EQUAL(requests(), 4u);
}

CAF_TEST(429 is retried for any verb and Retry-After is honoured) {
  server.push(status(429, "TooManyRequests", {{"retry-after", "1"}}));
  server.push(ok(job_body));
  start();
  auto before = steady::now();
  auto j = create_job();
  auto took = steady::now() - before;
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(requests(), 2u);
  CAF_CHECK_GREATER_OR_EQUAL(took, 1s);
  CAF_CHECK_LESS(took, 3s);
}

CAF_TEST(4xx answers are never retried) {
  struct row {
    int code;
    const char* reason;
    api_errc expected;
  };
  for (auto [code, reason, expected] :
       {row{404, "NotFound", api_errc::not_found}, row{409, "Conflict", api_errc::conflict},
        row{409, "AlreadyExists", api_errc::already_exists},
        row{422, "Invalid", api_errc::invalid}, row{403, "Forbidden", api_errc::forbidden},
        row{401, "Unauthorized", api_errc::unauthorized},
        row{400, "BadRequest", api_errc::bad_request}, row{410, "Expired", api_errc::gone}}) {
    server.push(status(code, reason));
    if (!gateway)
      start();
    auto before = requests();
    auto c = get_cluster();
    CAF_REQUIRE(!c);
    CAF_MESSAGE(code << " " << reason);
    CAF_CHECK(is(c.error(), expected));
    CAF_CHECK_EQUAL(requests() - before, 1u);
  }
  CAF_CHECK_EQUAL(retries(), 0u);
}

CAF_TEST(a connection dropped mid-body is retried for a patch and not for a create) {
  server.push(faulty::drop_after_headers{});
  start();
  auto c = patch_cluster();
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(requests(), 2u);
  server.push(faulty::drop_after_headers{});
  auto j = create_job();
  CAF_REQUIRE(!j);
  CAF_CHECK(is(j.error(), api_errc::transport));
  CAF_CHECK_EQUAL(requests(), 3u);
}

CAF_TEST(garbage JSON is bad_response and not retried) {
  server.push(faulty::garbage{});
  start();
  auto c = get_cluster();
  CAF_REQUIRE(!c);
  CAF_CHECK(is(c.error(), api_errc::bad_response));
  CAF_CHECK_EQUAL(requests(), 1u);
}

CAF_TEST(a 50 MiB body is refused at the cap without reading it all) {
  server.push(faulty::huge{50u << 20});
  auto c = config(server.port());
  c.max_response_bytes = 1u << 20;
  start(c);
  auto before = steady::now();
  auto got = get_cluster();
  CAF_REQUIRE(!got);
  CAF_CHECK(is(got.error(), api_errc::bad_response));
  CAF_CHECK_LESS(steady::now() - before, 2s);
  CAF_CHECK_EQUAL(requests(), 1u);
}

CAF_TEST(a stalled server hits the deadline) {
  server.set_default(faulty::stall{});
  auto c = config(server.port());
  c.request_timeout = 400ms;
  start(c);
  auto before = steady::now();
  auto got = get_cluster();
  auto took = steady::now() - before;
  CAF_REQUIRE(!got);
  CAF_CHECK(is(got.error(), api_errc::transport));
  CAF_CHECK_GREATER_OR_EQUAL(took, 350ms);
  CAF_CHECK_LESS(took, 2s);
}

CAF_TEST(one tenant flooding does not hold up another tenant by more than a round) {
  auto c = config(server.port());
  c.qps = 200;
  c.burst = 1;
  c.max_in_flight = 1;
  start(c);
  constexpr int flood = 60;
  for (int i = 0; i < flood; ++i)
    self->send(gateway, caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  self->send(gateway, caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-b", "vault"}});
  self->send(gateway, gw::patch_status_atom_v,
             gw::patch_request<gw::cluster>{{"tenant-c", "vault"}, R"({"status":{}})", "",
                                            gw::priority::high});
  int answered = 0;
  self->receive_for(answered, flood + 2)(
    [](gw::cluster&) {
      // nop
    },
    [](caf::error& e) { CAF_FAIL("unexpected error: " << gw::api_error_message(e)); });
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), static_cast<std::size_t>(flood + 2));
  std::size_t b = 0;
  std::size_t high = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i].target.find("/namespaces/tenant-b/") != std::string::npos)
      b = i;
    if (seen[i].method == "PATCH")
      high = i;
  }
  // The first request may already be out when the others queue; then the high-priority
  // write goes first, and tenant-b's poll waits for at most one of tenant-a's.
  CAF_CHECK_LESS_OR_EQUAL(high, 1u);
  CAF_CHECK_LESS_OR_EQUAL(b, 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

struct tls_fixture {
  tls_fixture() : sys(cfg), self(sys) {
    // nop
  }

  caf::expected<gw::cluster> get_with(const std::string& ca_pem, const std::string& name) {
    faulty_server_options o;
    o.tls = server_identity;
    faulty_server server{o};
    server.set_default(ok());
    gw::http_gateway_config c;
    c.connection.server = {true, "127.0.0.1", server.port(), ""};
    c.connection.ca_pem = ca_pem;
    c.connection.server_name = name;
    c.request_timeout = 3s;
    auto gateway = gw::spawn_http_gateway(sys, c);
    auto out = call<gw::cluster>(self, gateway, caf::get_atom_v,
                                 gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    return out;
  }

  net::tls_identity server_identity = net::make_self_signed({"127.0.0.1"}, {"localhost"});
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_http_tls_tests, tls_fixture)

CAF_TEST(tls accepts the right CA and refuses an unknown CA or a wrong name) {
  auto good = get_with(server_identity.cert_pem, "");
  CAF_CHECK(good);
  auto by_name = get_with(server_identity.cert_pem, "localhost");
  CAF_CHECK(by_name);
  auto stranger = net::make_self_signed({"127.0.0.1"}, {"localhost"});
  auto unknown = get_with(stranger.cert_pem, "");
  CAF_REQUIRE(!unknown);
  CAF_CHECK(is(unknown.error(), api_errc::transport));
  auto wrong = get_with(server_identity.cert_pem, "wrong.example");
  CAF_REQUIRE(!wrong);
  CAF_CHECK(is(wrong.error(), api_errc::transport));
}

CAF_TEST_FIXTURE_SCOPE_END()
