#define CAF_SUITE s3.probe
#include "caf/test/unit_test.hpp"

// The snapshot check: target building and request planning without sockets, then the probe
// against the scripted faulty server on 127.0.0.1 (plain and TLS): each answer class, the
// deadline, and the recorded request (signature recomputed from what arrived, path-style
// and virtual-hosted addressing).

#include <future>
#include <regex>

#include "net/self_signed.hpp"
#include "s3/snapshot_probe.hpp"
#include "tests/support/faulty_server.hpp"

using namespace baorestore;
using namespace baorestore::s3;
using namespace baorestore::testing;
using namespace std::chrono_literals;

namespace {

probe_target local_target(std::uint16_t port) {
  probe_target t;
  t.endpoint = "http://127.0.0.1:" + std::to_string(port);
  t.bucket = "backups";
  t.key = "tenant-a/snap 2024.snap";
  t.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  return t;
}

probe_result run(snapshot_probe& probe, const probe_target& t) {
  auto p = std::make_shared<std::promise<probe_result>>();
  auto f = p->get_future();
  probe.check(t, [p](probe_result r) { p->set_value(std::move(r)); });
  CAF_REQUIRE(f.wait_for(15s) == std::future_status::ready);
  return f.get();
}

/// A HEAD answer: a head claiming `length` bytes and no body (the faulty server's `respond`
/// always writes its body), then close.
faulty::raw head_reply(int status, const std::string& reason, std::size_t length) {
  return faulty::raw{"HTTP/1.1 " + std::to_string(status) + " " + reason
                     + "\r\nContent-Length: " + std::to_string(length)
                     + "\r\nETag: \"abc\"\r\nConnection: close\r\n\r\n"};
}

/// Recomputes the signature from what the server received; "" when it matches.
std::string signature_mismatch(const recorded_request& seen, const probe_target& t,
                               const std::string& unencoded_path) {
  auto date = seen.headers.at("x-amz-date"); // 20240101T000000Z
  if (date.size() != 16)
    return "bad x-amz-date " + date;
  auto rfc = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2) + "T"
             + date.substr(9, 2) + ":" + date.substr(11, 2) + ":" + date.substr(13, 2) + "Z";
  auto now = model::parse_rfc3339(rfc);
  if (!now)
    return "unparsable x-amz-date " + date;
  sigv4_request req;
  req.method = seen.method;
  req.host = seen.headers.at("host");
  req.path = unencoded_path;
  req.payload_sha256 = seen.headers.at("x-amz-content-sha256");
  auto expected = sign_v4(req, t.credentials, t.region, "s3", *now);
  if (seen.target != canonical_uri(unencoded_path))
    return "target " + seen.target + " is not " + canonical_uri(unencoded_path);
  if (expected["authorization"] != seen.headers.at("authorization"))
    return "authorization " + seen.headers.at("authorization") + " is not "
           + expected["authorization"];
  return {};
}

const std::regex authorization_format{
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/us-east-1/s3/aws4_request,"
  "SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=[0-9a-f]{64}"};

} // namespace

// -- pure pieces ------------------------------------------------------------------------------

CAF_TEST(make_probe_target reads the target and the Secret) {
  model::backup_target bt;
  bt.endpoint = "https://minio.example.com:9000";
  bt.bucket = "backups";
  bt.use_path_style = true;
  bt.region = "eu-west-1";
  model::secret sec;
  sec.metadata.name = "s3-creds";
  sec.data = {{"accessKeyId", "AKID\n"}, {"secretAccessKey", "SECRET"},
              {"sessionToken", "TOKEN"}, {"caCert", "-----BEGIN CERTIFICATE-----..."}};
  auto made = make_probe_target(bt, "clusters/a/snap.snap", sec);
  CAF_REQUIRE(std::holds_alternative<probe_target>(made));
  auto t = std::get<probe_target>(made);
  CAF_CHECK_EQUAL(t.endpoint, "https://minio.example.com:9000");
  CAF_CHECK_EQUAL(t.bucket, "backups");
  CAF_CHECK_EQUAL(t.key, "clusters/a/snap.snap");
  CAF_CHECK_EQUAL(t.region, "eu-west-1");
  CAF_CHECK(t.use_path_style);
  CAF_CHECK_EQUAL(t.credentials.access_key_id, "AKID");
  CAF_CHECK_EQUAL(t.credentials.secret_access_key, "SECRET");
  CAF_CHECK_EQUAL(t.credentials.session_token, "TOKEN");
  CAF_CHECK_EQUAL(t.ca_pem, "-----BEGIN CERTIFICATE-----...");
  // The Secret's region overrides the target's (upstream: "optional region override").
  sec.data["region"] = "ap-south-1";
  auto again = make_probe_target(bt, "k", sec);
  CAF_REQUIRE(std::holds_alternative<probe_target>(again));
  auto region = std::get<probe_target>(again).region;
  CAF_CHECK_EQUAL(region, "ap-south-1");
}

CAF_TEST(make_probe_target names what is missing and never a secret value) {
  model::backup_target bt;
  bt.bucket = "backups";
  model::secret sec;
  sec.metadata.name = "s3-creds";
  sec.data = {{"secretAccessKey", "TOPSECRET"}};
  auto error = [&](const model::backup_target& b, const std::string& key) {
    auto made = make_probe_target(b, key, sec);
    auto* text = std::get_if<std::string>(&made);
    return text ? *text : std::string{"<target>"};
  };
  CAF_CHECK_EQUAL(error(bt, "k"), "credentials Secret s3-creds: missing or empty key accessKeyId");
  sec.data = {{"accessKeyId", "AKID"}, {"secretAccessKey", " \n"}};
  CAF_CHECK_EQUAL(error(bt, "k"),
                  "credentials Secret s3-creds: missing or empty key secretAccessKey");
  sec.data = {{"accessKeyId", "AKID"}, {"secretAccessKey", "TOPSECRET"}};
  CAF_CHECK_EQUAL(error(bt, ""), "the snapshot key is empty");
  auto no_bucket = bt;
  no_bucket.bucket.clear();
  CAF_CHECK_EQUAL(error(no_bucket, "k"), "the backup target has no bucket");
  auto gcs = bt;
  gcs.provider = "gcs";
  CAF_CHECK_EQUAL(error(gcs, "k"),
                  "provider gcs is not S3: the snapshot cannot be checked here");
  auto ftp = bt;
  ftp.endpoint = "ftp://store";
  auto text = error(ftp, "k");
  CAF_CHECK_EQUAL(text, "invalid endpoint \"ftp://store\": the scheme must be http or https");
  CAF_CHECK_EQUAL(text.find("TOPSECRET"), std::string::npos);
}

CAF_TEST(parse_endpoint) {
  auto parts = [](std::string_view e) {
    auto r = parse_endpoint(e, "eu-west-1");
    if (auto* p = std::get_if<endpoint_parts>(&r))
      return std::string{p->tls ? "https " : "http "} + p->host + " " + std::to_string(p->port)
             + " [" + p->base_path + "]";
    return "error: " + std::get<std::string>(r);
  };
  CAF_CHECK_EQUAL(parts(""), "https s3.eu-west-1.amazonaws.com 443 []");
  CAF_CHECK_EQUAL(parts("http://127.0.0.1:4568"), "http 127.0.0.1 4568 []");
  CAF_CHECK_EQUAL(parts("HTTPS://S3.Example.com/"), "https s3.example.com 443 []");
  CAF_CHECK_EQUAL(parts("minio.local:9000"), "https minio.local 9000 []");
  CAF_CHECK_EQUAL(parts("http://[::1]:9000/gw/s3//"), "http ::1 9000 [/gw/s3]");
  CAF_CHECK_EQUAL(parts("http://[::1]"), "http ::1 80 []");
  CAF_CHECK_EQUAL(parts("ftp://x").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://h:0").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://h:65536").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://h:").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://:80").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://user@h").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://h/?x=1").substr(0, 6), "error:");
  CAF_CHECK_EQUAL(parts("http://[::1").substr(0, 6), "error:");
}

CAF_TEST(plan_head addresses path-style and virtual-hosted requests) {
  auto now = *model::parse_rfc3339("2024-01-01T00:00:00Z");
  auto plan = [&](const probe_target& t) {
    auto r = plan_head(t, now);
    CAF_REQUIRE(std::holds_alternative<planned_head>(r));
    return std::get<planned_head>(r);
  };
  probe_target t = local_target(4568);
  // An IP endpoint is path-style even when virtual-hosted is asked for.
  auto ip = plan(t);
  CAF_CHECK_EQUAL(ip.host_header, "127.0.0.1:4568");
  CAF_CHECK_EQUAL(ip.path, "/backups/tenant-a/snap 2024.snap");
  CAF_CHECK_EQUAL(ip.request.target, "/backups/tenant-a/snap%202024.snap");
  CAF_CHECK_EQUAL(ip.request.method, "HEAD");
  CAF_CHECK_EQUAL(ip.request.headers["host"], "127.0.0.1:4568");
  CAF_CHECK_EQUAL(ip.request.headers["x-amz-date"], "20240101T000000Z");
  CAF_CHECK_EQUAL(ip.client.host, "127.0.0.1");
  CAF_CHECK(!ip.client.tls);
  // Virtual-hosted on a named endpoint, default port left out of Host.
  t.endpoint = "https://s3.example.com";
  auto vh = plan(t);
  CAF_CHECK_EQUAL(vh.host_header, "backups.s3.example.com");
  CAF_CHECK_EQUAL(vh.request.target, "/tenant-a/snap%202024.snap");
  CAF_CHECK_EQUAL(vh.client.host, "backups.s3.example.com");
  CAF_CHECK_EQUAL(vh.client.port, 443);
  CAF_CHECK(vh.client.tls);
  // Path-style on the same endpoint, with a base path.
  t.endpoint = "https://gw.example.com:8443/s3";
  t.use_path_style = true;
  auto ps = plan(t);
  CAF_CHECK_EQUAL(ps.host_header, "gw.example.com:8443");
  CAF_CHECK_EQUAL(ps.request.target, "/s3/backups/tenant-a/snap%202024.snap");
  // AWS itself when no endpoint is given.
  t.endpoint.clear();
  t.use_path_style = false;
  t.region = "eu-central-1";
  auto aws = plan(t);
  CAF_CHECK_EQUAL(aws.host_header, "backups.s3.eu-central-1.amazonaws.com");
  CAF_CHECK(aws.request.headers["authorization"].find("/eu-central-1/s3/aws4_request,")
            != std::string::npos);
  // connect_address: connect there, keep Host, SNI and the name check.
  t.endpoint = "https://s3.test:9443";
  t.connect_address = "127.0.0.1";
  auto redirected = plan(t);
  CAF_CHECK_EQUAL(redirected.client.host, "127.0.0.1");
  CAF_CHECK_EQUAL(redirected.client.server_name, "backups.s3.test");
  CAF_CHECK_EQUAL(redirected.host_header, "backups.s3.test:9443");
}

CAF_TEST(interpret maps answers to outcomes) {
  auto t = local_target(4568);
  auto outcome_of = [&](int status, std::map<std::string, std::string> headers = {}) {
    return interpret(t, net::client_response{status, std::move(headers), ""});
  };
  auto found = outcome_of(200, {{"content-length", "1048576"}});
  CAF_CHECK(found.outcome == probe_outcome::found);
  CAF_CHECK_EQUAL(found.size, 1048576);
  CAF_CHECK_EQUAL(found.message, "snapshot s3://backups/tenant-a/snap 2024.snap found (1048576 bytes)");
  auto no_length = outcome_of(200, {{"content-length", "12x"}});
  CAF_CHECK(no_length.outcome == probe_outcome::found);
  CAF_CHECK_EQUAL(no_length.size, -1);
  auto missing = outcome_of(404);
  CAF_CHECK(missing.outcome == probe_outcome::not_found);
  CAF_CHECK_EQUAL(missing.message, "snapshot s3://backups/tenant-a/snap 2024.snap not found (404)");
  CAF_CHECK(outcome_of(403).outcome == probe_outcome::forbidden);
  CAF_CHECK(outcome_of(401).outcome == probe_outcome::forbidden);
  CAF_CHECK(outcome_of(500).outcome == probe_outcome::unreachable);
  CAF_CHECK(outcome_of(503).outcome == probe_outcome::unreachable);
  CAF_CHECK(outcome_of(429).outcome == probe_outcome::unreachable);
  CAF_CHECK(outcome_of(400).outcome == probe_outcome::error);
  auto moved = outcome_of(301, {{"x-amz-bucket-region", "eu-west-1"}});
  CAF_CHECK(moved.outcome == probe_outcome::error);
  CAF_CHECK_EQUAL(moved.message, "unexpected answer 301 for snapshot s3://backups/tenant-a/snap "
                                 "2024.snap: the bucket is in region eu-west-1, not us-east-1");
  for (auto code : {net::client_errc::connect, net::client_errc::tls, net::client_errc::timeout,
                    net::client_errc::dropped}) {
    auto r = interpret(t, net::client_error{code, "x"});
    CAF_CHECK(r.outcome == probe_outcome::unreachable);
  }
  auto closed = interpret(t, net::client_error{net::client_errc::closed, "x"});
  CAF_CHECK(closed.outcome == probe_outcome::error);
  auto protocol = interpret(t, net::client_error{net::client_errc::protocol, "x"});
  CAF_CHECK(protocol.outcome == probe_outcome::error);
}

// -- against the faulty server ----------------------------------------------------------------

CAF_TEST(found with the size from Content-Length and a request signed as it was sent) {
  faulty_server server;
  server.push(head_reply(200, "OK", 123456789));
  snapshot_probe probe;
  auto t = local_target(server.port());
  auto r = run(probe, t);
  CAF_CHECK_EQUAL(to_string(r.outcome), "found");
  CAF_CHECK_EQUAL(r.size, 123456789);
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].method, "HEAD");
  CAF_CHECK_EQUAL(seen[0].target, "/backups/tenant-a/snap%202024.snap");
  CAF_CHECK_EQUAL(seen[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  CAF_CHECK_EQUAL(seen[0].headers["x-amz-content-sha256"], std::string{empty_payload_sha256});
  CAF_CHECK_EQUAL(seen[0].headers.count("x-amz-security-token"), 0u);
  auto authorization = seen[0].headers["authorization"];
  CAF_CHECK(std::regex_match(authorization, authorization_format));
  CAF_CHECK_EQUAL(signature_mismatch(seen[0], t, "/backups/tenant-a/snap 2024.snap"), "");
}

CAF_TEST(404 403 and 503 answers) {
  faulty_server server;
  server.push(faulty::respond{404, {}, ""});
  server.push(faulty::respond{403, {}, ""});
  server.push(faulty::respond{503, {}, ""});
  snapshot_probe probe;
  auto t = local_target(server.port());
  auto missing = run(probe, t);
  CAF_CHECK_EQUAL(to_string(missing.outcome), "not_found");
  CAF_CHECK_EQUAL(missing.message, "snapshot s3://backups/tenant-a/snap 2024.snap not found (404)");
  auto denied = run(probe, t);
  CAF_CHECK_EQUAL(to_string(denied.outcome), "forbidden");
  auto busy = run(probe, t);
  CAF_CHECK_EQUAL(to_string(busy.outcome), "unreachable");
  CAF_CHECK_EQUAL(busy.message, "object store http://127.0.0.1:" + std::to_string(server.port())
                                  + " answered 503 for snapshot s3://backups/tenant-a/snap "
                                    "2024.snap");
  // Three checks, one client, one keep-alive connection.
  CAF_CHECK_EQUAL(probe.clients(), 1u);
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 1u);
}

CAF_TEST(a stalled store is unreachable after the probe timeout) {
  faulty_server server;
  server.push(faulty::stall{});
  snapshot_probe probe{300ms};
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(probe, local_target(server.port()));
  auto took = std::chrono::steady_clock::now() - t0;
  CAF_CHECK_EQUAL(to_string(r.outcome), "unreachable");
  CAF_CHECK(r.message.find("timeout") != std::string::npos);
  CAF_CHECK(took >= 250ms);
  CAF_CHECK(took < 5s);
}

CAF_TEST(a closed port is unreachable) {
  std::uint16_t port = 0;
  {
    faulty_server server;
    port = server.port();
  }
  snapshot_probe probe{2s};
  auto r = run(probe, local_target(port));
  CAF_CHECK_EQUAL(to_string(r.outcome), "unreachable");
}

CAF_TEST(virtual-hosted addressing puts the bucket in Host and not in the path) {
  faulty_server server;
  server.push(head_reply(200, "OK", 42));
  snapshot_probe probe;
  auto t = local_target(server.port());
  t.endpoint = "http://s3.test:" + std::to_string(server.port());
  t.connect_address = "127.0.0.1";
  t.credentials.session_token = "SESSION/TOKEN+1=";
  auto r = run(probe, t);
  CAF_CHECK_EQUAL(to_string(r.outcome), "found");
  CAF_CHECK_EQUAL(r.size, 42);
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].target, "/tenant-a/snap%202024.snap");
  CAF_CHECK_EQUAL(seen[0].headers["host"], "backups.s3.test:" + std::to_string(server.port()));
  CAF_CHECK_EQUAL(seen[0].headers["x-amz-security-token"], "SESSION/TOKEN+1=");
  CAF_CHECK(seen[0].headers["authorization"].find(
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
            != std::string::npos);
  CAF_CHECK_EQUAL(signature_mismatch(seen[0], t, "/tenant-a/snap 2024.snap"), "");
}

CAF_TEST(TLS with the Secret CA verifies the virtual-hosted name and the system store does not) {
  auto pki = net::make_ca_and_leaf("baorestore s3 test CA", {}, {"backups.s3.test"});
  faulty_server_options opts;
  opts.tls = pki.leaf;
  faulty_server server{opts};
  server.push(head_reply(200, "OK", 7));
  snapshot_probe probe{3s};
  auto t = local_target(server.port());
  t.endpoint = "https://s3.test:" + std::to_string(server.port());
  t.connect_address = "127.0.0.1";
  t.ca_pem = pki.ca.cert_pem;
  auto r = run(probe, t);
  CAF_CHECK_EQUAL(to_string(r.outcome), "found");
  CAF_CHECK_EQUAL(r.size, 7);
  // Without the CA the handshake fails: unreachable, saying TLS.
  t.ca_pem.clear();
  auto untrusted = run(probe, t);
  CAF_CHECK_EQUAL(to_string(untrusted.outcome), "unreachable");
  CAF_CHECK(untrusted.message.find("tls") != std::string::npos);
  // A CA PEM that is not one: error at once, no connection.
  t.ca_pem = "not a certificate";
  auto bad = run(probe, t);
  CAF_CHECK_EQUAL(to_string(bad.outcome), "error");
}

CAF_TEST(after stop checks fail at once) {
  faulty_server server;
  snapshot_probe probe;
  probe.stop();
  auto r = run(probe, local_target(server.port()));
  CAF_CHECK_EQUAL(to_string(r.outcome), "error");
  CAF_CHECK_EQUAL(r.message, "check of snapshot s3://backups/tenant-a/snap 2024.snap stopped");
  CAF_CHECK_EQUAL(probe.clients(), 0u);
}
