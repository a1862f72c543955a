#pragma once
// Helpers for the HTTP client suites: bounded synchronous waits on the asynchronous client,
// and a stream probe that records what a watch delivered. Every wait has a limit.

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "net/http_client.hpp"
#include "tests/support/faulty_server.hpp"

namespace net_test {

using namespace baorestore;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

inline net::client_options plain_options(std::uint16_t port) {
  net::client_options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tls = false;
  return o;
}

inline net::client_request request(std::string method, std::string target,
                                   std::chrono::milliseconds limit = 5000ms, std::string body = {}) {
  net::client_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  r.deadline = steady::now() + limit;
  return r;
}

inline net::client_request get(std::string target = "/", std::chrono::milliseconds limit = 5000ms) {
  return request("GET", std::move(target), limit);
}

/// "200", "404", ... or the error code's name ("timeout", "dropped", ...).
inline std::string outcome(const net::client_result& r) {
  if (auto* e = std::get_if<net::client_error>(&r))
    return net::to_string(e->code);
  return std::to_string(std::get<net::client_response>(r).status);
}

inline std::string body_of(const net::client_result& r) {
  auto* res = std::get_if<net::client_response>(&r);
  return res ? res->body : std::string{"<error>"};
}

inline std::string message_of(const net::client_result& r) {
  auto* e = std::get_if<net::client_error>(&r);
  return e ? e->message : std::string{};
}

/// A pending send(): the completion is awaited with a limit.
class pending {
public:
  pending(net::http_client& c, net::client_request r) {
    auto p = std::make_shared<std::promise<net::client_result>>();
    result_ = p->get_future();
    c.send(std::move(r), [p](net::client_result res) { p->set_value(std::move(res)); });
  }
  net::client_result get(std::chrono::milliseconds limit = 10s) {
    CAF_REQUIRE(result_.wait_for(limit) == std::future_status::ready);
    return result_.get();
  }

private:
  std::future<net::client_result> result_;
};

inline net::client_result send_sync(net::http_client& c, net::client_request r) {
  return pending{c, std::move(r)}.get();
}

/// With a client made for this one request.
inline net::client_result send_sync(net::http_client&& c, net::client_request r) {
  return send_sync(c, std::move(r));
}

/// Records a stream's callbacks. Declare it before the client, so the client (whose
/// threads call into it) is destroyed first.
class stream_probe {
public:
  net::stream_handlers handlers() {
    net::stream_handlers h;
    h.on_status = [this](int s) {
      std::lock_guard lk{mu_};
      status_ = s;
      ++statuses_;
    };
    h.on_line = [this](std::string line) {
      std::lock_guard lk{mu_};
      lines_.push_back(std::move(line));
      cv_.notify_all();
    };
    h.on_end = [this](std::optional<net::client_error> e, std::optional<net::client_response> r) {
      std::lock_guard lk{mu_};
      ++ends_;
      error_ = std::move(e);
      non_ok_ = std::move(r);
      cv_.notify_all();
    };
    return h;
  }

  bool wait_lines(std::size_t n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lk{mu_};
    return cv_.wait_for(lk, limit, [&] { return lines_.size() >= n; });
  }
  bool wait_end(std::chrono::milliseconds limit = 5s) {
    std::unique_lock lk{mu_};
    return cv_.wait_for(lk, limit, [&] { return ends_ > 0; });
  }

  std::vector<std::string> lines() const { std::lock_guard lk{mu_}; return lines_; }
  int status() const { std::lock_guard lk{mu_}; return status_; }
  int statuses() const { std::lock_guard lk{mu_}; return statuses_; }
  int ends() const { std::lock_guard lk{mu_}; return ends_; }
  /// "ok" for a clean end, else the error code's name.
  std::string end() const {
    std::lock_guard lk{mu_};
    return error_ ? net::to_string(error_->code) : std::string{"ok"};
  }
  std::optional<net::client_response> non_ok() const { std::lock_guard lk{mu_}; return non_ok_; }

private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  int status_ = 0;
  int statuses_ = 0;
  int ends_ = 0;
  std::optional<net::client_error> error_;
  std::optional<net::client_response> non_ok_;
};

/// Polls `pred` until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
  auto until = steady::now() + limit;
  while (!pred()) {
    if (steady::now() > until)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

} // namespace net_test
