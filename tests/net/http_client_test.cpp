#define CAF_SUITE net.http_client
#include "caf/test/unit_test.hpp"

// The gateway's HTTP client (plain HTTP) against the scripted faulty server on 127.0.0.1:
// pooling, every failure class, stop(), and streamed watches.

#include <atomic>

#include "tests/net/client_fixture.hpp"

using namespace net_test;
using namespace baorestore::testing;

namespace {

std::chrono::milliseconds since(steady::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0);
}

} // namespace

// -- pooling ----------------------------------------------------------------------------------

CAF_TEST(two sequential requests share one keep-alive connection) {
  faulty_server server;
  server.push(faulty::respond{200, {}, R"({"n":1})"});
  server.push(faulty::respond{201, {{"x-reply", "two"}}, R"({"n":2})"});
  net::http_client client{plain_options(server.port())};
  auto first = send_sync(client, get("/api/v1/namespaces"));
  CAF_CHECK_EQUAL(outcome(first), "200");
  CAF_CHECK_EQUAL(body_of(first), R"({"n":1})");
  auto post = request("POST", "/api/v1/namespaces", 5000ms, "hello");
  post.headers["content-type"] = "application/json";
  auto second = send_sync(client, post);
  CAF_CHECK_EQUAL(outcome(second), "201");
  auto reply_header = std::get<net::client_response>(second).headers["x-reply"];
  CAF_CHECK_EQUAL(reply_header, "two");
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 1u);
  auto stats = client.snapshot();
  CAF_CHECK_EQUAL(stats.connections_opened, 1u);
  CAF_CHECK_EQUAL(stats.idle, 1u);
  // The automatic headers.
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 2u);
  CAF_CHECK_EQUAL(seen[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  CAF_CHECK_EQUAL(seen[0].headers["user-agent"], "baorestore/0.1");
  CAF_CHECK_EQUAL(seen[0].headers.count("content-length"), 0u);
  CAF_CHECK_EQUAL(seen[1].method, "POST");
  CAF_CHECK_EQUAL(seen[1].headers["content-length"], "5");
  CAF_CHECK_EQUAL(seen[1].headers["content-type"], "application/json");
  CAF_CHECK_EQUAL(seen[1].body, "hello");
}

CAF_TEST(requests beyond max_connections wait their turn and all complete) {
  faulty_server server;
  server.set_default(faulty::respond{200, {}, "{}", 100ms});
  auto opts = plain_options(server.port());
  opts.max_connections = 2;
  net::http_client client{opts};
  std::vector<pending> sent;
  for (int i = 0; i < 5; ++i)
    sent.emplace_back(client, get("/" + std::to_string(i)));
  auto waiting = client.snapshot().waiting; // the first two took connections inside send()
  CAF_CHECK_EQUAL(waiting, 3u);
  for (auto& p : sent) {
    auto r = p.get();
    CAF_CHECK_EQUAL(outcome(r), "200");
  }
  auto accepted = server.accepted();
  CAF_CHECK_LESS_OR_EQUAL(accepted, 2u);
  auto stats = client.snapshot();
  CAF_CHECK_LESS_OR_EQUAL(stats.connections_opened, 2u);
  CAF_CHECK_EQUAL(stats.waiting, 0u);
  // FIFO: the server saw them in the order they were sent.
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 5u);
  CAF_CHECK_EQUAL(seen[4].target, "/4");
}

CAF_TEST(a request waiting for a connection still times out at its deadline) {
  faulty_server server;
  server.set_default(faulty::stall{});
  auto opts = plain_options(server.port());
  opts.max_connections = 1;
  net::http_client client{opts};
  pending busy{client, get("/busy", 1500ms)};
  auto t0 = steady::now();
  auto queued = send_sync(client, get("/queued", 200ms));
  CAF_CHECK_EQUAL(outcome(queued), "timeout");
  CAF_CHECK_LESS(since(t0), 1000ms);
  auto first = busy.get();
  CAF_CHECK_EQUAL(outcome(first), "timeout");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 1u);
}

// -- response framing and failures ------------------------------------------------------------

CAF_TEST(a chunked response is read whole) {
  faulty_server server;
  server.push(faulty::respond_chunked{200, {}, {R"({"items":)", "[1,2", ",3]}"}, 5ms});
  net::http_client client{plain_options(server.port())};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "200");
  CAF_CHECK_EQUAL(body_of(r), R"({"items":[1,2,3]})");
  // Chunked framing ends the message: the connection is reused.
  auto again = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(again), "200");
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 1u);
}

CAF_TEST(a connection dropped mid-body is reported as dropped) {
  faulty_server server;
  server.push(faulty::drop_after_headers{});
  net::http_client client{plain_options(server.port())};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "dropped");
}

CAF_TEST(a fresh connection closed without an answer is dropped and not retried) {
  faulty_server server;
  server.push(faulty::drop_immediately{});
  net::http_client client{plain_options(server.port())};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "dropped");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 1u);
}

CAF_TEST(a GET on a stale keep-alive connection is resent once on a new one) {
  faulty_server server;
  server.push(faulty::respond{});
  server.push(faulty::drop_immediately{}); // the reused connection dies under the request
  server.push(faulty::respond{200, {}, "second"});
  net::http_client client{plain_options(server.port())};
  auto first = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(first), "200");
  auto second = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(second), "200");
  CAF_CHECK_EQUAL(body_of(second), "second");
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 2u);
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 3u);
}

CAF_TEST(the stale keep-alive resend happens once only) {
  faulty_server server;
  server.push(faulty::respond{});
  server.push(faulty::drop_immediately{});
  server.push(faulty::drop_immediately{}); // the resend, on a fresh connection, fails too
  net::http_client client{plain_options(server.port())};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  auto second = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(second), "dropped");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 3u);
}

CAF_TEST(a POST on a stale keep-alive connection is not resent) {
  faulty_server server;
  server.push(faulty::respond{});
  server.push(faulty::drop_immediately{});
  net::http_client client{plain_options(server.port())};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  auto post = send_sync(client, request("POST", "/api/v1/namespaces", 5000ms, "{}"));
  CAF_CHECK_EQUAL(outcome(post), "dropped");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 2u);
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 1u);
}

CAF_TEST(a response saying Connection close is not pooled) {
  faulty_server server;
  server.push(faulty::respond{200, {{"connection", "close"}}, "{}"});
  net::http_client client{plain_options(server.port())};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  auto stats = client.snapshot();
  CAF_CHECK_EQUAL(stats.idle, 0u);
  CAF_CHECK_EQUAL(stats.open, 0u);
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 2u);
}

CAF_TEST(an idle connection the server closed is replaced before a POST goes out) {
  faulty_server server;
  server.push(faulty::respond{200, {}, "{}", 0ms, true}); // closes without saying so
  net::http_client client{plain_options(server.port())};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "200");
  CAF_REQUIRE(eventually([&] { return server.open() == 0; }));
  auto idle = client.snapshot().idle; // the client has not noticed yet
  CAF_CHECK_EQUAL(idle, 1u);
  // Not a resend: the close is seen before the POST is written, so it is safe.
  auto post = send_sync(client, request("POST", "/x", 5000ms, "{}"));
  CAF_CHECK_EQUAL(outcome(post), "200");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 2u);
  auto accepted = server.accepted();
  CAF_CHECK_EQUAL(accepted, 2u);
}

CAF_TEST(idle connections are capped and expire) {
  faulty_server server;
  server.set_default(faulty::respond{200, {}, "{}", 50ms});
  auto opts = plain_options(server.port());
  opts.max_idle_per_host = 1;
  opts.idle_keepalive = std::chrono::seconds{1};
  net::http_client client{opts};
  std::vector<pending> sent;
  for (int i = 0; i < 3; ++i)
    sent.emplace_back(client, get());
  for (auto& p : sent)
    CAF_CHECK_EQUAL(outcome(p.get()), "200");
  auto stats = client.snapshot();
  CAF_CHECK_EQUAL(stats.idle, 1u);
  CAF_CHECK_EQUAL(stats.open, 1u);
  CAF_CHECK(eventually([&] { return client.snapshot().open == 0; }, 3s));
  CAF_CHECK(eventually([&] { return server.open() == 0; }));
}

CAF_TEST(a stalled server times out near the deadline) {
  faulty_server server;
  server.push(faulty::stall{});
  net::http_client client{plain_options(server.port())};
  auto t0 = steady::now();
  auto r = send_sync(client, get("/", 300ms));
  auto took = since(t0);
  CAF_CHECK_EQUAL(outcome(r), "timeout");
  CAF_CHECK_GREATER_OR_EQUAL(took, 250ms);
  CAF_CHECK_LESS(took, 1500ms);
  // The timed-out connection is closed, not pooled.
  auto open = client.snapshot().open;
  CAF_CHECK_EQUAL(open, 0u);
}

CAF_TEST(a body over the cap is refused without reading it) {
  faulty_server server;
  server.push(faulty::huge{50u << 20});
  auto opts = plain_options(server.port());
  opts.max_body_bytes = 1u << 20;
  net::http_client client{opts};
  auto t0 = steady::now();
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "body_too_large");
  CAF_CHECK_LESS(since(t0), 2000ms);
}

CAF_TEST(a chunked body over the cap is refused) {
  faulty_server server;
  server.push(faulty::respond_chunked{200, {}, {std::string(600u << 10, 'a'), std::string(600u << 10, 'b')}});
  auto opts = plain_options(server.port());
  opts.max_body_bytes = 1u << 20;
  net::http_client client{opts};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "body_too_large");
}

CAF_TEST(a header over the cap is refused) {
  faulty_server server;
  server.push(faulty::respond{200, {{"x-big", std::string(4096, 'h')}}, "{}"});
  auto opts = plain_options(server.port());
  opts.max_header_bytes = 1024;
  net::http_client client{opts};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "header_too_large");
}

CAF_TEST(bytes that are not HTTP are a protocol error) {
  faulty_server server;
  server.push(faulty::raw{"SSH-2.0-OpenSSH_9.2\r\n\r\n"});
  net::http_client client{plain_options(server.port())};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "protocol");
}

CAF_TEST(a 200 with a body that is not JSON is still a response) {
  faulty_server server;
  server.push(faulty::garbage{});
  net::http_client client{plain_options(server.port())};
  auto r = send_sync(client, get());
  CAF_CHECK_EQUAL(outcome(r), "200");
  CAF_CHECK_EQUAL(body_of(r), "{not json");
}

CAF_TEST(nothing listening is a connect error) {
  std::uint16_t port = 0;
  {
    faulty_server gone; // a port that was just free
    port = gone.port();
  }
  net::http_client client{plain_options(port)};
  CAF_CHECK_EQUAL(outcome(send_sync(client, get())), "connect");
}

CAF_TEST(a request that would inject headers is refused) {
  faulty_server server;
  net::http_client client{plain_options(server.port())};
  auto r = get();
  r.headers["x-evil"] = "a\r\nx-injected: 1";
  CAF_CHECK_EQUAL(outcome(send_sync(client, r)), "protocol");
  auto seen = server.requests().size();
  CAF_CHECK_EQUAL(seen, 0u);
}

// -- stop() -----------------------------------------------------------------------------------

CAF_TEST(stop fails in-flight and queued requests once each with closed) {
  faulty_server server;
  server.set_default(faulty::stall{});
  auto opts = plain_options(server.port());
  opts.max_connections = 2;
  constexpr int n = 4;
  std::atomic<int> calls[n] = {};
  std::atomic<int> closed{0};
  {
    net::http_client client{opts};
    for (int i = 0; i < n; ++i)
      client.send(get("/", 10s), [&, i](net::client_result r) {
        ++calls[i];
        if (outcome(r) == "closed")
          ++closed;
      });
    CAF_CHECK(eventually([&] { return server.requests().size() == 2; }));
    client.stop();
    client.stop(); // idempotent
    auto open = client.snapshot().open;
    CAF_CHECK_EQUAL(open, 0u);
  }
  for (int i = 0; i < n; ++i)
    CAF_CHECK_EQUAL(calls[i].load(), 1);
  CAF_CHECK_EQUAL(closed.load(), n);
}

CAF_TEST(after stop a send completes with closed but not inline) {
  faulty_server server;
  net::http_client client{plain_options(server.port())};
  client.stop();
  std::promise<std::thread::id> ran_on;
  auto f = ran_on.get_future();
  std::atomic<bool> sending{true};
  std::atomic<bool> inline_call{false};
  std::string code;
  client.send(get(), [&](net::client_result r) {
    inline_call = sending.load();
    code = outcome(r);
    ran_on.set_value(std::this_thread::get_id());
  });
  sending = false;
  CAF_REQUIRE(f.wait_for(5s) == std::future_status::ready);
  CAF_CHECK(f.get() != std::this_thread::get_id());
  CAF_CHECK_EQUAL(code, "closed");
  CAF_CHECK(!inline_call.load());
}

// -- streams (watches) ------------------------------------------------------------------------

CAF_TEST(stream lines are split across and within chunks) {
  faulty_server server;
  server.push(faulty::respond_chunked{
    200, {}, {"{\"n\":1}\n{\"n\":2}\n{\"n\"", ":3}\n", "{\"n\":4}", "\n"}, 20ms});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch", 2000ms), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  auto lines = probe.lines();
  CAF_REQUIRE_EQUAL(lines.size(), 4u);
  CAF_CHECK_EQUAL(lines[0], R"({"n":1})");
  CAF_CHECK_EQUAL(lines[1], R"({"n":2})");
  CAF_CHECK_EQUAL(lines[2], R"({"n":3})");
  CAF_CHECK_EQUAL(lines[3], R"({"n":4})");
  CAF_CHECK_EQUAL(probe.status(), 200);
  CAF_CHECK_EQUAL(probe.statuses(), 1);
  CAF_CHECK_EQUAL(probe.end(), "ok");
  CAF_CHECK_EQUAL(probe.ends(), 1);
}

CAF_TEST(a stream outlives its deadline once the head has arrived) {
  faulty_server server;
  server.push(faulty::stream_lines{{"a", "b", "c", "d"}, false, 150ms});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch", 200ms), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  auto lines = probe.lines();
  CAF_CHECK_EQUAL(lines.size(), 4u);
  CAF_CHECK_EQUAL(probe.end(), "ok");
}

CAF_TEST(a stream answered with another status than 200 ends with the response) {
  faulty_server server;
  server.push(faulty::respond{410, {}, R"({"kind":"Status","code":410,"reason":"Expired"})"});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  CAF_CHECK_EQUAL(probe.status(), 410);
  CAF_CHECK_EQUAL(probe.end(), "ok");
  auto non_ok = probe.non_ok();
  CAF_REQUIRE(non_ok.has_value());
  CAF_CHECK_EQUAL(non_ok->status, 410);
  CAF_CHECK_EQUAL(non_ok->body, R"({"kind":"Status","code":410,"reason":"Expired"})");
  auto lines = probe.lines().size();
  CAF_CHECK_EQUAL(lines, 0u);
}

CAF_TEST(a cancelled stream ends once with cancelled and frees its connection) {
  faulty_server server;
  server.push(faulty::stream_lines{{"one", "two"}, true});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_lines(2));
  handle->cancel();
  CAF_REQUIRE(probe.wait_end());
  handle->cancel(); // once is enough
  CAF_CHECK_EQUAL(probe.end(), "cancelled");
  CAF_CHECK(eventually([&] { return client.snapshot().open == 0; }));
  CAF_CHECK(eventually([&] { return server.open() == 0; })); // the server saw it close
  CAF_CHECK_EQUAL(probe.ends(), 1);
}

CAF_TEST(a stream whose head never comes times out) {
  faulty_server server;
  server.push(faulty::stall{});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch", 300ms), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  CAF_CHECK_EQUAL(probe.end(), "timeout");
  CAF_CHECK_EQUAL(probe.statuses(), 0);
}

CAF_TEST(a stream dropped mid-body ends with dropped) {
  faulty_server server;
  // Lines then a close without the last chunk: raw bytes, as a crashed server would leave it.
  server.push(faulty::raw{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabc\n\r\n"});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  CAF_CHECK_EQUAL(probe.end(), "dropped");
  auto lines = probe.lines();
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK_EQUAL(lines[0], "abc");
}

CAF_TEST(a streamed line over the cap ends the stream) {
  faulty_server server;
  server.push(faulty::stream_lines{{std::string(4096, 'x')}, true});
  stream_probe probe;
  auto opts = plain_options(server.port());
  opts.max_line_bytes = 1024;
  net::http_client client{opts};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_end());
  CAF_CHECK_EQUAL(probe.end(), "body_too_large");
}

CAF_TEST(stop ends an open stream once with closed) {
  faulty_server server;
  server.push(faulty::stream_lines{{"one"}, true});
  stream_probe probe;
  net::http_client client{plain_options(server.port())};
  auto handle = client.stream(get("/watch"), probe.handlers());
  CAF_REQUIRE(probe.wait_lines(1));
  client.stop();
  CAF_REQUIRE(probe.wait_end());
  CAF_CHECK_EQUAL(probe.end(), "closed");
  handle->cancel(); // after stop: nothing happens
  CAF_CHECK_EQUAL(probe.ends(), 1);
}

CAF_TEST(a stream handle may outlive its client) {
  faulty_server server;
  server.push(faulty::stream_lines{{"one"}, true});
  stream_probe probe;
  std::shared_ptr<net::stream_handle> handle;
  {
    net::http_client client{plain_options(server.port())};
    handle = client.stream(get("/watch"), probe.handlers());
    CAF_REQUIRE(probe.wait_lines(1));
  }
  handle->cancel();
  CAF_CHECK_EQUAL(probe.end(), "closed");
  CAF_CHECK_EQUAL(probe.ends(), 1);
}

CAF_TEST(several io threads serve concurrent requests) {
  faulty_server server;
  server.set_default(faulty::respond{200, {}, "{}", 5ms});
  auto opts = plain_options(server.port());
  opts.threads = 3;
  opts.max_connections = 4;
  net::http_client client{opts};
  std::vector<pending> sent;
  for (int i = 0; i < 40; ++i)
    sent.emplace_back(client, get("/" + std::to_string(i)));
  int ok = 0;
  for (auto& p : sent)
    ok += outcome(p.get()) == "200";
  CAF_CHECK_EQUAL(ok, 40);
  auto accepted = server.accepted();
  CAF_CHECK_LESS_OR_EQUAL(accepted, 4u);
}
