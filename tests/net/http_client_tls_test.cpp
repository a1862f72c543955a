#define CAF_SUITE net.http_client_tls
#include "caf/test/unit_test.hpp"

// The gateway's HTTP client over TLS against the faulty server with generated identities:
// the peer and its name are verified by default, IP literals against IP SANs, DNS names
// against DNS SANs; insecure_skip_verify accepts anything; bad material throws.

#include <stdexcept>

#include "tests/net/client_fixture.hpp"

using namespace net_test;
using namespace baorestore::testing;

namespace {

// One certificate for 127.0.0.1 and localhost, made once: key generation is the slow part.
const net::tls_identity& loopback_identity() {
  static const auto id = net::make_self_signed({"127.0.0.1"}, {"localhost"});
  return id;
}

faulty_server_options tls_server(net::tls_identity id) {
  faulty_server_options o;
  o.tls = std::move(id);
  return o;
}

bool refused(const net::client_options& o) {
  try {
    net::http_client client{o};
  } catch (const std::runtime_error& e) {
    CAF_MESSAGE("refused: " << e.what());
    return true;
  }
  return false;
}

net::client_options tls_options(std::uint16_t port, std::string ca_pem) {
  net::client_options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tls = true;
  o.tls_config.ca_pem = std::move(ca_pem);
  return o;
}

} // namespace

CAF_TEST(https with the right CA and the IP literal as host) {
  faulty_server server{tls_server(loopback_identity())};
  server.push(faulty::respond{200, {}, R"({"ok":true})"});
  net::http_client client{tls_options(server.port(), loopback_identity().cert_pem)};
  auto r = send_sync(client, get("/version"));
  CAF_CHECK_EQUAL(outcome(r), "200");
  CAF_CHECK_EQUAL(body_of(r), R"({"ok":true})");
  // Keep-alive over TLS too.
  CAF_CHECK_EQUAL(outcome(send_sync(client, get("/version"))), "200");
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 1u);
}

CAF_TEST(https checks a DNS server name against the DNS SANs) {
  faulty_server server{tls_server(loopback_identity())};
  auto opts = tls_options(server.port(), loopback_identity().cert_pem);
  opts.server_name = "localhost"; // connect to the IP, verify (and SNI) the name
  net::http_client client{opts};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
}

CAF_TEST(https refuses a certificate from an unknown CA) {
  faulty_server server{tls_server(loopback_identity())};
  auto stranger = net::make_self_signed({"127.0.0.1"}, {"localhost"});
  net::http_client client{tls_options(server.port(), stranger.cert_pem)};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "tls");
  CAF_MESSAGE("refusal: " << message_of(r));
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 0u);
}

CAF_TEST(https without a CA uses the system store which does not know the certificate) {
  faulty_server server{tls_server(loopback_identity())};
  net::http_client client{tls_options(server.port(), "")};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "tls");
}

CAF_TEST(https refuses a certificate for another name) {
  faulty_server server{tls_server(loopback_identity())};
  auto opts = tls_options(server.port(), loopback_identity().cert_pem);
  opts.server_name = "wrong.example";
  net::http_client client{opts};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "tls");
  auto message = message_of(r);
  CAF_MESSAGE("refusal: " << message);
  CAF_CHECK(message.find("hostname mismatch") != std::string::npos);
}

CAF_TEST(https checks an IP literal host against the IP SANs only) {
  // A certificate naming localhost but no IP address: connecting to 127.0.0.1 must fail
  // although 127.0.0.1 is localhost.
  auto dns_only = net::make_self_signed({}, {"localhost"});
  faulty_server server{tls_server(dns_only)};
  net::http_client by_ip{tls_options(server.port(), dns_only.cert_pem)};
  auto r = send_sync(by_ip, get());
  CAF_CHECK_EQUAL(outcome(r), "tls");
  auto message = message_of(r);
  CAF_CHECK(message.find("IP address mismatch") != std::string::npos);
  auto opts = tls_options(server.port(), dns_only.cert_pem);
  opts.server_name = "localhost";
  net::http_client by_name{opts};
  CAF_CHECK_EQUAL(outcome(send_sync(by_name, get())), "200");
  // And the other way round: an IP SAN does not vouch for a DNS name.
  auto ip_only = net::make_self_signed({"127.0.0.1"}, {});
  faulty_server ip_server{tls_server(ip_only)};
  auto named = tls_options(ip_server.port(), ip_only.cert_pem);
  named.server_name = "localhost";
  net::http_client by_name_to_ip{named};
  CAF_CHECK_EQUAL(outcome(send_sync(by_name_to_ip, get())), "tls");
}

CAF_TEST(insecure_skip_verify accepts an unknown CA and a wrong name) {
  faulty_server server{tls_server(loopback_identity())};
  auto opts = tls_options(server.port(), "");
  opts.server_name = "wrong.example";
  opts.tls_config.insecure_skip_verify = true;
  net::http_client client{opts};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
}

CAF_TEST(a server certificate signed by the trusted CA is accepted) {
  auto pki = net::make_ca_and_leaf("test cluster CA", {"127.0.0.1"}, {"kubernetes.default.svc"});
  faulty_server server{tls_server(pki.leaf)};
  auto opts = tls_options(server.port(), pki.ca.cert_pem);
  CAF_CHECK_EQUAL(outcome(send_sync(net::http_client{opts}, get())), "200");
  opts.server_name = "kubernetes.default.svc";
  CAF_CHECK_EQUAL(outcome(send_sync(net::http_client{opts}, get())), "200");
  // The leaf alone is no trust anchor.
  auto leaf_only = tls_options(server.port(), pki.leaf.cert_pem);
  CAF_CHECK_EQUAL(outcome(send_sync(net::http_client{leaf_only}, get())), "tls");
  // Another CA is unknown.
  auto other = net::make_ca_and_leaf("another CA", {"127.0.0.1"}, {});
  auto r = send_sync(net::http_client{tls_options(server.port(), other.ca.cert_pem)}, get());
  CAF_CHECK_EQUAL(outcome(r), "tls");
  auto message = message_of(r);
  CAF_CHECK(message.find("unable to get local issuer certificate") != std::string::npos);
}

CAF_TEST(several CAs in one PEM are all trusted) {
  auto first = net::make_ca_and_leaf("first CA", {"127.0.0.1"}, {});
  auto second = net::make_ca_and_leaf("second CA", {"127.0.0.1"}, {});
  auto bundle = first.ca.cert_pem + second.ca.cert_pem;
  for (const auto* pki : {&first, &second}) {
    faulty_server server{tls_server(pki->leaf)};
    net::http_client client{tls_options(server.port(), bundle)};
    CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  }
}

CAF_TEST(bad TLS material throws at construction) {
  auto bad_ca = tls_options(443, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
  CAF_CHECK(refused(bad_ca));
  auto cert_without_key = tls_options(443, loopback_identity().cert_pem);
  cert_without_key.tls_config.client_cert_pem = loopback_identity().cert_pem;
  CAF_CHECK(refused(cert_without_key));
  auto mismatched = cert_without_key;
  mismatched.tls_config.client_key_pem = net::make_self_signed({"127.0.0.1"}, {}).key_pem;
  CAF_CHECK(refused(mismatched));
  auto matching = cert_without_key;
  matching.tls_config.client_key_pem = loopback_identity().key_pem;
  net::http_client ok{matching}; // a client certificate with its key loads
}

CAF_TEST(a stale keep-alive GET over TLS is resent once) {
  faulty_server server{tls_server(loopback_identity())};
  server.push(faulty::respond{});
  server.push(faulty::drop_immediately{});
  server.push(faulty::respond{200, {}, "again"});
  net::http_client client{tls_options(server.port(), loopback_identity().cert_pem)};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  auto second = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(second), "200");
  CAF_CHECK_EQUAL(body_of(second), "again");
}

CAF_TEST(a watch over TLS delivers its lines) {
  faulty_server server{tls_server(loopback_identity())};
  server.push(faulty::stream_lines{{R"({"type":"ADDED"})", R"({"type":"MODIFIED"})"}});
  stream_probe probe;
  net::http_client client{tls_options(server.port(), loopback_identity().cert_pem)};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  auto lines = probe.lines();
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  CAF_CHECK_EQUAL(lines[1], R"({"type":"MODIFIED"})");
  CAF_CHECK_EQUAL(probe.end(), "ok");
}

CAF_TEST(a TLS client talking to a plain HTTP server fails the handshake) {
  faulty_server server; // reads the ClientHello as a bad request and closes
  net::http_client client{tls_options(server.port(), loopback_identity().cert_pem)};
  auto r = send_sync(client, get("/", 2000ms));
  CAF_CHECK_EQUAL(outcome(r), "tls");
}

CAF_TEST(a TLS handshake that gets no answer times out) {
  faulty_server_options o;
  o.mute = true; // accepts, then never reads or writes
  faulty_server server{o};
  net::http_client client{tls_options(server.port(), loopback_identity().cert_pem)};
  auto t0 = steady::now();
  auto r = send_sync(client, get("/", 300ms));
  CAF_CHECK_EQUAL(outcome(r), "timeout");
  CAF_CHECK_LESS(steady::now() - t0, 1500ms);
}
