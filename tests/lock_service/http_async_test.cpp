#define CAF_SUITE lock_service.http_async
#include "caf/test/unit_test.hpp"

// net::http_server's additions for the lock service: a handler that answers later from
// another thread without holding up other connections, the TLS pair from files reloaded when
// they change (a pair that does not load keeps the previous one), and a custom 413 reply.

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <unistd.h>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/self_signed.hpp"

using namespace baorestore;
using namespace std::chrono_literals;

namespace {

struct temp_dir {
  std::filesystem::path path = std::filesystem::temp_directory_path()
                               / ("lock-http-" + std::to_string(::getpid()));
  temp_dir() { std::filesystem::create_directories(path); }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  // Writes as a Secret volume update does: a new file renamed over the old name.
  void write(const std::string& name, const std::string& text) const {
    auto tmp = path / (name + ".new");
    std::ofstream{tmp} << text;
    std::filesystem::rename(tmp, path / name);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

net::client_result get(std::uint16_t port, const std::string& ca_pem, const std::string& target,
                       std::string body = {}) {
  net::client_options co;
  co.host = "127.0.0.1";
  co.port = port;
  co.tls_config.ca_pem = ca_pem;
  net::http_client client{co};
  std::promise<net::client_result> done;
  net::client_request req;
  req.method = body.empty() ? "GET" : "POST";
  req.target = target;
  req.body = std::move(body);
  req.deadline = std::chrono::steady_clock::now() + 10s;
  client.send(req, [&done](net::client_result r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

int status_of(const net::client_result& r) {
  auto* ok = std::get_if<net::client_response>(&r);
  return ok ? ok->status : -1;
}

} // namespace

CAF_TEST(a late reply from another thread does not hold up other connections) {
  temp_dir dir;
  auto pair = net::make_ca_and_leaf("test CA one", {"127.0.0.1"}, {});
  dir.write("tls.crt", pair.leaf.cert_pem);
  dir.write("tls.key", pair.leaf.key_pem);
  std::vector<std::thread> repliers;
  std::mutex mtx;
  net::server_options so;
  so.tls_from_files = net::tls_files{dir.file("tls.crt"), dir.file("tls.key"), 50ms};
  net::http_server server{so, [&](const net::request& req, net::reply_function reply) {
                            if (req.target != "/slow") {
                              reply(net::response{200, "text/plain", "fast", {}, nullptr});
                              return;
                            }
                            std::lock_guard guard{mtx};
                            repliers.emplace_back([reply] {
                              std::this_thread::sleep_for(1500ms);
                              reply(net::response{200, "text/plain", "slow", {}, nullptr});
                              reply(net::response{500, "text/plain", "twice", {}, nullptr});
                            });
                          }};
  server.start();
  auto slow = std::async(std::launch::async,
                         [&] { return get(server.port(), pair.ca.cert_pem, "/slow"); });
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  auto fast = get(server.port(), pair.ca.cert_pem, "/fast");
  auto fast_took = std::chrono::steady_clock::now() - start;
  CAF_CHECK_EQUAL(status_of(fast), 200);
  CAF_CHECK(fast_took < 1200ms); // well before the slow reply
  auto slow_result = slow.get();
  CAF_REQUIRE_EQUAL(status_of(slow_result), 200);
  CAF_CHECK_EQUAL(std::get<net::client_response>(slow_result).body, "slow"); // the first reply
  for (auto& t : repliers)
    t.join();
  server.stop();
}

CAF_TEST(the TLS pair is reloaded from its files and a broken one is ignored) {
  temp_dir dir;
  auto one = net::make_ca_and_leaf("test CA one", {"127.0.0.1"}, {});
  auto two = net::make_ca_and_leaf("test CA two", {"127.0.0.1"}, {});
  dir.write("tls.crt", one.leaf.cert_pem);
  dir.write("tls.key", one.leaf.key_pem);
  net::server_options so;
  so.tls_from_files = net::tls_files{dir.file("tls.crt"), dir.file("tls.key"), 50ms};
  so.max_body_bytes = 64;
  so.too_large_reply = net::response{413, "application/json", R"({"error":"payload_too_large"})",
                                     {}, nullptr};
  net::http_server server{so, [](const net::request&, net::reply_function reply) {
                            reply(net::response{});
                          }};
  server.start();
  CAF_CHECK_EQUAL(status_of(get(server.port(), one.ca.cert_pem, "/")), 200);
  dir.write("tls.key", two.leaf.key_pem);
  dir.write("tls.crt", two.leaf.cert_pem);
  std::this_thread::sleep_for(100ms);
  CAF_CHECK_EQUAL(status_of(get(server.port(), two.ca.cert_pem, "/")), 200);
  auto old = get(server.port(), one.ca.cert_pem, "/");
  auto* e = std::get_if<net::client_error>(&old);
  CAF_REQUIRE(e != nullptr);
  CAF_CHECK(e->code == net::client_errc::tls);
  dir.write("tls.crt", "not a certificate");
  std::this_thread::sleep_for(100ms);
  CAF_CHECK_EQUAL(status_of(get(server.port(), two.ca.cert_pem, "/")), 200);
  auto big = get(server.port(), two.ca.cert_pem, "/", std::string(100, 'x'));
  CAF_REQUIRE_EQUAL(status_of(big), 413);
  CAF_CHECK_EQUAL(std::get<net::client_response>(big).body, R"({"error":"payload_too_large"})");
  server.stop();
}

CAF_TEST(a first pair that does not load is an error) {
  temp_dir dir;
  dir.write("tls.crt", "nope");
  dir.write("tls.key", "nope");
  net::server_options so;
  so.tls_from_files = net::tls_files{dir.file("tls.crt"), dir.file("tls.key"), 50ms};
  std::string what;
  try {
    net::http_server server{so, [](const net::request&, net::reply_function) {}};
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  CAF_CHECK(what.find("do not load") != std::string::npos);
}
