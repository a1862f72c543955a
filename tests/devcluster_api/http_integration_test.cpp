#define CAF_SUITE devcluster_api.http
#include "caf/test/unit_test.hpp"

// The embedded cluster over real sockets on 127.0.0.1: net::http_server on an ephemeral
// port, and a small Beast client written here. Every wait is bounded (run_for).

#include <chrono>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/ssl.hpp>

#include "net/http_server.hpp"
#include "tests/devcluster_api/api_fixture.hpp"

using namespace devcluster_api_test;
using namespace std::chrono_literals;

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct served : api_fixture {
  served() : server({}, [this](const net::request& r) { return cluster->handle(r); }) {
    server.start();
  }
  net::http_server server;
};

// One connection; every operation runs the io_context for at most `limit`.
class client {
public:
  explicit client(std::uint16_t port) {
    sock_.async_connect({asio::ip::make_address("127.0.0.1"), port},
                        [this](beast::error_code ec) { ec_ = ec; });
    run();
    CAF_REQUIRE(!ec_);
  }

  http::response<http::string_body> send(http::verb method, const std::string& target,
                                         std::string body = {},
                                         std::string content_type = "application/json") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    write(req);
    http::response<http::string_body> res;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16u << 20);
    done_ = false;
    http::async_read(sock_, buf_, parser, [this](beast::error_code ec, std::size_t) {
      ec_ = ec;
      done_ = true;
    });
    run();
    CAF_REQUIRE(done_ && !ec_);
    return parser.release();
  }

  void write(http::request<http::string_body>& req) {
    done_ = false;
    http::async_write(sock_, req, [this](beast::error_code ec, std::size_t) {
      ec_ = ec;
      done_ = true;
    });
    run();
    CAF_REQUIRE(done_ && !ec_);
  }

  void write_raw(const std::string& bytes) {
    done_ = false;
    asio::async_write(sock_, asio::buffer(bytes), [this](beast::error_code ec, std::size_t) {
      ec_ = ec;
      done_ = true;
    });
    run();
    CAF_REQUIRE(done_ && !ec_);
  }

  /// Reads raw bytes until `needle` shows up or `limit` passes; what was read.
  std::string read_until(const std::string& needle, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t from = 0; // only new bytes are searched: streams here grow to megabytes
    while (raw_.find(needle, from) == std::string::npos
           && std::chrono::steady_clock::now() < deadline) {
      from = raw_.size() < needle.size() ? 0 : raw_.size() - needle.size();
      char chunk[4096];
      std::size_t got = 0;
      done_ = false;
      sock_.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
        ec_ = ec;
        got = n;
        done_ = true;
      });
      run(100ms);
      if (!done_) {
        sock_.cancel();
        run(); // lets the cancelled read complete before `chunk` goes away
      }
      raw_.append(chunk, got);
      if (done_ && ec_ && ec_ != asio::error::operation_aborted)
        break;
    }
    return raw_;
  }

private:
  void run(std::chrono::milliseconds limit = 5000ms) {
    ioc_.restart();
    ioc_.run_for(limit);
  }

  asio::io_context ioc_;
  tcp::socket sock_{ioc_};
  beast::flat_buffer buf_;
  beast::error_code ec_;
  bool done_ = false;
  std::string raw_;
};

constexpr const char* restores = "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores";
constexpr const char* restore = "/apis/openbao.org/v1alpha1/namespaces/tenant-a/openbaorestores/restore-1";

} // namespace

CAF_TEST(create get list patch delete over one keep-alive connection) {
  served s;
  CAF_CHECK_NOT_EQUAL(s.server.port(), 0);
  client c{s.server.port()};
  auto ns = c.send(http::verb::post, "/api/v1/namespaces",
                   R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
  CAF_CHECK_EQUAL(ns.result_int(), 201);
  auto created = c.send(http::verb::post, restores, restore_json);
  CAF_CHECK_EQUAL(created.result_int(), 201);
  auto got = c.send(http::verb::get, restore);
  CAF_CHECK_EQUAL(got.result_int(), 200);
  CAF_CHECK_EQUAL(at(json::parse(got.body()), "/spec/cluster"), "vault");
  auto list = c.send(http::verb::get, std::string{restores} + "?limit=500");
  CAF_CHECK_EQUAL(json::parse(list.body()).at("items").as_array().size(), 1u);
  auto patched = c.send(http::verb::patch, restore, R"({"metadata":{"labels":{"team":"a"}}})",
                        "application/merge-patch+json");
  CAF_CHECK_EQUAL(patched.result_int(), 200);
  CAF_CHECK_EQUAL(at(json::parse(patched.body()), "/metadata/labels/team"), "a");
  // A PUT of the object as first read is stale now.
  auto stale = c.send(http::verb::put, restore, got.body());
  CAF_CHECK_EQUAL(stale.result_int(), 409);
  CAF_CHECK_EQUAL(at(json::parse(stale.body()), "/reason"), "Conflict");
  auto gone = c.send(http::verb::delete_, restore, R"({"propagationPolicy":"Background"})");
  CAF_CHECK_EQUAL(gone.result_int(), 200);
  auto missing = c.send(http::verb::get, restore);
  CAF_CHECK_EQUAL(missing.result_int(), 404);
  auto st = json::parse(missing.body());
  CAF_CHECK_EQUAL(at(st, "/kind"), "Status");
  CAF_CHECK_EQUAL(at(st, "/reason"), "NotFound");
  CAF_CHECK_EQUAL(at(st, "/message"), R"(openbaorestores.openbao.org "restore-1" not found)");
}

CAF_TEST(a watch receives a change as it happens) {
  served s;
  s.seed();
  client watcher{s.server.port()};
  http::request<http::string_body> req{http::verb::get, std::string{restores} + "?watch=true", 11};
  req.set(http::field::host, "127.0.0.1");
  watcher.write(req);
  auto head = watcher.read_until("\"ADDED\"", 3000ms);
  CAF_CHECK(head.find("HTTP/1.1 200") == 0);
  CAF_CHECK(head.find("chunked") != std::string::npos);
  CAF_CHECK(head.find("\"ADDED\"") != std::string::npos);
  client writer{s.server.port()};
  auto patched = writer.send(http::verb::patch, restore, R"({"metadata":{"labels":{"x":"1"}}})",
                             "application/merge-patch+json");
  CAF_CHECK_EQUAL(patched.result_int(), 200);
  auto events = watcher.read_until("\"MODIFIED\"", 3000ms);
  CAF_CHECK(events.find("\"MODIFIED\"") != std::string::npos);
  CAF_CHECK(events.find("BOOKMARK") == std::string::npos);
}

CAF_TEST(bodies over the limit are refused with 413) {
  served s;
  client c{s.server.port()};
  // The header alone is refused: the server need not read 4 MiB to know.
  c.write_raw("POST /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Content-Type: application/json\r\nContent-Length: 4194304\r\n\r\n");
  auto reply = c.read_until("RequestEntityTooLarge", 3000ms);
  CAF_CHECK(reply.find("HTTP/1.1 413") == 0);
}

CAF_TEST(a watch sees 10000 changes without loss or reordering) {
  served s;
  s.seed();
  client watcher{s.server.port()};
  http::request<http::string_body> req{http::verb::get, std::string{restores} + "?watch=true", 11};
  req.set(http::field::host, "127.0.0.1");
  watcher.write(req);
  CAF_REQUIRE(watcher.read_until("\"ADDED\"", 3000ms).find("\"ADDED\"") != std::string::npos);
  constexpr int changes = 10'000;
  // The writer goes straight to the store, concurrently with the server's thread.
  std::thread writer{[&] {
    for (int i = 0; i < changes; ++i)
      (void)s.store->merge_patch({"openbao.org", "v1alpha1", "openbaorestores"}, "tenant-a",
                                 "restore-1",
                                 json::parse(R"({"metadata":{"labels":{"seq":")"
                                             + std::to_string(i) + "\"}}}"));
  }};
  auto raw = watcher.read_until("\"seq\":\"" + std::to_string(changes - 1) + "\"", 120'000ms);
  writer.join();
  int expected = 0;
  bool in_order = true;
  for (auto pos = raw.find("\"MODIFIED\""); pos != std::string::npos;
       pos = raw.find("\"MODIFIED\"", pos + 1)) {
    auto seq = raw.find("\"seq\":\"", pos);
    if (seq == std::string::npos)
      break;
    seq += 7;
    auto end = raw.find('"', seq);
    in_order = in_order && raw.substr(seq, end - seq) == std::to_string(expected);
    ++expected;
  }
  CAF_CHECK(in_order);
  CAF_CHECK_EQUAL(expected, changes);
}

CAF_TEST(https with a generated certificate that the client pins) {
  api_fixture f;
  net::server_options so;
  so.tls = net::make_self_signed({"127.0.0.1"}, {"localhost"});
  net::http_server server{so, [&f](const net::request& r) { return f.cluster->handle(r); }};
  server.start();
  namespace ssl = asio::ssl;
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  ctx.add_certificate_authority(asio::buffer(so.tls->cert_pem));
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1")); // the IP SAN
  beast::error_code ec;
  int steps = 0;
  auto step = [&](beast::error_code e, auto&&...) {
    ec = e;
    ++steps;
  };
  beast::get_lowest_layer(stream).async_connect(
    tcp::endpoint{asio::ip::make_address("127.0.0.1"), server.port()},
    [&](beast::error_code e) { step(e); });
  ioc.run_for(5s);
  CAF_REQUIRE(steps == 1 && !ec);
  ioc.restart();
  stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { step(e); });
  ioc.run_for(5s);
  CAF_REQUIRE(steps == 2 && !ec);
  http::request<http::string_body> req{http::verb::get, "/version", 11};
  req.set(http::field::host, "127.0.0.1");
  ioc.restart();
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) { step(e); });
  ioc.run_for(5s);
  CAF_REQUIRE(steps == 3 && !ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  ioc.restart();
  http::async_read(stream, buf, res, [&](beast::error_code e, std::size_t) { step(e); });
  ioc.run_for(5s);
  CAF_REQUIRE(steps == 4 && !ec);
  CAF_CHECK_EQUAL(res.result_int(), 200);
  CAF_CHECK_EQUAL(at(json::parse(res.body()), "/minor"), "32");
}
