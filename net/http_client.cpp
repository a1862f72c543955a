// The HTTP client, in the shape of Beast's async client example: one connection object per
// socket, one on_<step> member per asynchronous operation, a deadline on each. The pool
// only hands connections out and takes them back, under one mutex; everything a connection
// does runs on its own strand, so a connection needs no lock of its own.
#include "net/http_client.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace baorestore::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using steady = std::chrono::steady_clock;

std::string to_string(client_errc c) {
  switch (c) {
    case client_errc::connect: return "connect";
    case client_errc::tls: return "tls";
    case client_errc::timeout: return "timeout";
    case client_errc::dropped: return "dropped";
    case client_errc::body_too_large: return "body_too_large";
    case client_errc::header_too_large: return "header_too_large";
    case client_errc::protocol: return "protocol";
    case client_errc::cancelled: return "cancelled";
    case client_errc::closed: return "closed";
  }
  return "unknown";
}

namespace {

// -- pure helpers ---------------------------------------------------------------------------

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

bool is_idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

// The peer went away (EOF or reset, at any layer), as opposed to a bad message or a deadline.
bool is_drop(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream
         || ec == http::error::partial_message || ec == asio::error::connection_reset
         || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted
         || ec == ssl::error::stream_truncated;
}

// What a failed write or read means to the caller.
client_errc classify(const beast::error_code& ec) {
  if (ec == beast::error::timeout)
    return client_errc::timeout;
  if (ec == http::error::body_limit)
    return client_errc::body_too_large;
  if (ec == http::error::header_limit)
    return client_errc::header_too_large;
  if (is_drop(ec))
    return client_errc::dropped;
  if (ec == asio::error::operation_aborted)
    return client_errc::cancelled;
  if (ec.category() == http::make_error_code(http::error::bad_version).category())
    return client_errc::protocol;
  if (ec.category() == asio::error::get_ssl_category()
      || ec.category() == ssl::error::get_stream_category())
    return client_errc::tls;
  return client_errc::dropped;
}

bool has_space_or_ctl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '\x7f';
  });
}

// Why the request cannot go on the wire as asked (header injection, empty method); "" if it can.
std::string check_request(const client_request& r) {
  if (r.method.empty() || has_space_or_ctl(r.method))
    return "invalid method \"" + r.method + "\"";
  if (r.target.empty() || has_space_or_ctl(r.target))
    return "invalid request target \"" + r.target + "\"";
  for (const auto& [name, value] : r.headers)
    if (name.empty() || has_space_or_ctl(name) || value.find_first_of("\r\n") != std::string::npos)
      return "invalid header \"" + name + "\"";
  return {};
}

std::string host_header(const client_options& o) {
  auto h = o.host.find(':') == std::string::npos ? o.host : "[" + o.host + "]";
  if (o.port != (o.tls ? 443 : 80))
    h += ":" + std::to_string(o.port);
  return h;
}

http::request<http::string_body> build_request(const client_request& in, const client_options& o) {
  http::request<http::string_body> req;
  req.version(11);
  if (auto verb = http::string_to_verb(in.method); verb != http::verb::unknown)
    req.method(verb);
  else
    req.method_string(in.method);
  req.target(in.target);
  req.set(http::field::host, host_header(o));
  req.set(http::field::user_agent, "baorestore/0.1");
  for (const auto& [name, value] : in.headers)
    if (!beast::iequals(name, "content-length") && !beast::iequals(name, "transfer-encoding"))
      req.set(name, value);
  req.body() = in.body;
  req.prepare_payload(); // content-length; none for a GET without a body
  return req;
}

template <class Fields>
std::map<std::string, std::string> plain_headers(const Fields& fields) {
  std::map<std::string, std::string> out;
  for (const auto& f : fields) {
    std::string name{f.name_string()};
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, fresh] = out.emplace(name, std::string{f.value()});
    if (!fresh)
      it->second += ", " + std::string{f.value()};
  }
  return out;
}

std::string describe(const std::string& what, const beast::error_code& ec) {
  return what + ": " + ec.message();
}

// User callbacks must not unwind through Asio: that would break a connection's chain of
// operations and leak its pool slot.
template <class F, class... Args>
void guarded(const F& f, Args&&... args) {
  if (!f)
    return;
  try {
    f(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    std::cerr << "http client: a completion handler threw: " << e.what() << "\n";
  }
}

// -- one exchange: a request and how its outcome is delivered ---------------------------------

class connection_base;

struct exchange {
  client_request req;
  std::function<void(client_result)> done; // send()
  std::optional<stream_handlers> stream;   // stream()
  std::atomic<bool> finished{false};
  std::atomic<bool> cancel_requested{false};
  // Written under the pool's mutex (or before the exchange reaches a strand):
  bool reused = false;  // runs on a connection taken from the idle pool
  bool retried = false; // the one stale keep-alive resend has happened
  std::optional<asio::steady_timer> wait_timer; // while queued for a connection
  std::weak_ptr<connection_base> conn;          // while attached to one
};

// Delivers the outcome, once: every later call is a no-op.
void finish(exchange& ex, std::optional<client_error> err, std::optional<client_response> res) {
  if (ex.finished.exchange(true))
    return;
  if (ex.stream)
    return guarded(ex.stream->on_end, std::move(err), std::move(res));
  if (err)
    return guarded(ex.done, client_result{std::move(*err)});
  guarded(ex.done, client_result{std::move(res).value_or(client_response{})});
}

void finish(exchange& ex, client_errc code, std::string message) {
  finish(ex, client_error{code, std::move(message)}, std::nullopt);
}

class connection_base : public std::enable_shared_from_this<connection_base> {
public:
  virtual ~connection_base() = default;
  // Each posts onto the connection's strand; callable from any thread.
  virtual void start(std::shared_ptr<exchange> ex) = 0;
  /// Finishes `ex` with `why`, and closes the socket if `ex` is the running exchange.
  virtual void abort(std::shared_ptr<exchange> ex, client_errc why) = 0;
  virtual void close() = 0;

  // Guarded by the pool's mutex.
  std::shared_ptr<exchange> attached;
  steady::time_point idle_since;
  std::uint64_t idle_gen = 0; // bumped whenever the connection enters or leaves the idle list
};

std::optional<ssl::context> make_tls_context(const client_options& o);

} // namespace

// -- the pool --------------------------------------------------------------------------------

// Connections and timers refer to the pool by reference: stop() (from ~http_client) drains
// or abandons every handler and joins the threads before the pool goes away.
struct http_client::impl {
  explicit impl(client_options o);
  ~impl();
  void run_threads(const std::shared_ptr<impl>& self);
  void submit(std::shared_ptr<exchange> ex);
  void cancel(const std::shared_ptr<exchange>& ex);
  void stop();
  stats snapshot() const;

  // Called by connections, on their strand.
  /// Takes the connection back; the idle generation if it was pooled, nullopt: close it.
  std::optional<std::uint64_t> release(const std::shared_ptr<connection_base>& c, bool reusable);
  /// Moves `ex` from a connection about to close to a new one (same slot).
  void replace(const std::shared_ptr<connection_base>& c, std::shared_ptr<exchange> ex);
  /// Whether the idle connection expired (and left the pool) at generation `gen`.
  bool expire_idle(const std::shared_ptr<connection_base>& c, std::uint64_t gen);

  const client_options opts;

private:
  using assignment = std::pair<std::shared_ptr<connection_base>, std::shared_ptr<exchange>>;
  std::shared_ptr<connection_base> take_locked(exchange& ex);
  std::shared_ptr<connection_base> make_connection_locked();
  void attach_locked(const std::shared_ptr<connection_base>& c, const std::shared_ptr<exchange>& ex);
  void queue_locked(const std::shared_ptr<exchange>& ex);
  std::vector<assignment> serve_waiting_locked();
  void on_wait_expired(const std::shared_ptr<exchange>& ex);
  void run_io();
  void join_threads();

  std::optional<ssl::context> tls_;
  asio::io_context ioc_; // after tls_: abandoned handlers die before the context they use
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  mutable std::mutex mu_;
  bool stopped_ = false;
  std::deque<std::shared_ptr<connection_base>> idle_; // most recently used at the back
  std::set<std::shared_ptr<connection_base>> busy_;
  std::deque<std::shared_ptr<exchange>> waiting_;
  std::size_t open_ = 0;
  std::uint64_t opened_ = 0;
  std::vector<std::thread> late_; // completions of exchanges submitted after stop()
  std::mutex run_mu_;
  std::condition_variable run_cv_;
  std::size_t running_ = 0;
  std::mutex join_mu_;
  std::vector<std::thread> threads_;
};

using pool = http_client::impl;

namespace {

// -- one connection ---------------------------------------------------------------------------

// Stream is beast::tcp_stream (plain HTTP) or tls_stream (HTTPS, one handshake step more).
template <class Stream>
class connection final : public connection_base {
public:
  template <class... StreamArgs>
  connection(pool& p, StreamArgs&&... args)
    : pool_(p), stream_(std::forward<StreamArgs>(args)...), resolver_(stream_.get_executor()),
      resolve_timer_(stream_.get_executor()), idle_timer_(stream_.get_executor()) {}

  void start(std::shared_ptr<exchange> ex) override {
    asio::post(stream_.get_executor(), [self = shared(), ex = std::move(ex)]() mutable {
      self->begin(std::move(ex));
    });
  }

  void abort(std::shared_ptr<exchange> ex, client_errc why) override {
    asio::post(stream_.get_executor(), [self = shared(), ex = std::move(ex), why] {
      finish(*ex, why, why == client_errc::closed ? "the client was stopped" : "cancelled");
      // The pending operation fails, and its handler gives the connection back.
      if (self->ex_ == ex)
        self->shut();
    });
  }

  void close() override {
    asio::post(stream_.get_executor(), [self = shared()] { self->shut(); });
  }

private:
  static constexpr bool tls = std::is_same_v<Stream, tls_stream>;

  std::shared_ptr<connection> shared() {
    return std::static_pointer_cast<connection>(shared_from_this());
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const std::string& name() const {
    return pool_.opts.server_name.empty() ? pool_.opts.host : pool_.opts.server_name;
  }
  bool live() const { return !ex_->finished && !ex_->cancel_requested; }

  void arm_deadline() {
    if (ex_->req.deadline == steady::time_point{})
      lowest().expires_never();
    else
      lowest().expires_at(ex_->req.deadline);
  }

  void begin(std::shared_ptr<exchange> ex) {
    idle_timer_.cancel();
    ex_ = std::move(ex);
    parser_.reset();
    sparser_.reset();
    line_.clear();
    non_ok_.reset();
    if (ex_->finished) // aborted before it got here
      return give_back(false);
    if (!connected_)
      return do_resolve();
    if (is_stale()) // nothing was sent yet: a fresh connection is safe for any method
      return replace_self();
    do_write();
  }

  // A pooled connection the server closed (or wrote to) while it sat idle. A peek, so
  // nothing is consumed from a healthy connection.
  bool is_stale() {
    if (buffer_.size() != 0)
      return true;
    auto& sock = lowest().socket();
    beast::error_code ec, ignored;
    char byte;
    sock.non_blocking(true, ignored);
    sock.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    sock.non_blocking(false, ignored);
    return ec != asio::error::would_block && ec != asio::error::try_again;
  }

  void replace_self() {
    auto ex = std::move(ex_);
    shut();
    pool_.replace(shared(), std::move(ex));
  }

  // -- connecting ----------------------------------------------------------------------------

  void do_resolve() {
    const auto& o = pool_.opts;
    beast::error_code ec;
    auto address = asio::ip::make_address(o.host, ec);
    if (!ec)
      return do_connect({tcp::endpoint{address, o.port}});
    // The resolver has no deadline of its own.
    if (ex_->req.deadline != steady::time_point{}) {
      resolve_timer_.expires_at(ex_->req.deadline);
      resolve_timer_.async_wait([self = shared()](beast::error_code e) {
        if (!e) {
          self->resolve_timed_out_ = true;
          self->resolver_.cancel();
        }
      });
    }
    resolver_.async_resolve(o.host, std::to_string(o.port),
                            beast::bind_front_handler(&connection::on_resolve, shared()));
  }

  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    resolve_timer_.cancel();
    if (resolve_timed_out_)
      return fail(client_errc::timeout, "resolving " + pool_.opts.host + ": deadline passed");
    if (ec)
      return fail(client_errc::connect, describe("resolving " + pool_.opts.host, ec));
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results)
      endpoints.push_back(entry.endpoint());
    do_connect(std::move(endpoints));
  }

  void do_connect(std::vector<tcp::endpoint> endpoints) {
    endpoints_ = std::move(endpoints);
    arm_deadline();
    lowest().async_connect(endpoints_,
                           beast::bind_front_handler(&connection::on_connect, shared()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    auto where = pool_.opts.host + ":" + std::to_string(pool_.opts.port);
    if (ec == beast::error::timeout)
      return fail(client_errc::timeout, "connecting to " + where + ": deadline passed");
    if (ec)
      return fail(client_errc::connect, describe("connecting to " + where, ec));
    beast::error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (tls) {
      do_handshake();
    } else {
      connected_ = true;
      do_write();
    }
  }

  void do_handshake() {
    auto* handle = stream_.native_handle();
    bool ip = is_ip_literal(name());
    // SNI carries DNS names only (RFC 6066 §3).
    if (!ip && SSL_set_tlsext_host_name(handle, name().c_str()) != 1)
      return fail(client_errc::tls, "cannot set the TLS server name " + name());
    if (!pool_.opts.tls_config.insecure_skip_verify) {
      // OpenSSL checks the name during the handshake: IP SANs for an address, DNS SANs
      // (no partial wildcards) otherwise.
      auto* param = SSL_get0_param(handle);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name().c_str())
                  : X509_VERIFY_PARAM_set1_host(param, name().c_str(), name().size());
      if (ok != 1)
        return fail(client_errc::tls, "cannot verify against the name " + name());
    }
    arm_deadline();
    stream_.async_handshake(ssl::stream_base::client,
                            beast::bind_front_handler(&connection::on_handshake, shared()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec == beast::error::timeout)
      return fail(client_errc::timeout, "TLS handshake: deadline passed");
    if (ec) {
      auto message = describe("TLS handshake with " + name(), ec);
      if (auto v = SSL_get_verify_result(stream_.native_handle()); v != X509_V_OK)
        message += std::string{" ("} + X509_verify_cert_error_string(v) + ")";
      return fail(client_errc::tls, message);
    }
    connected_ = true;
    do_write();
  }

  // -- one request and its response ----------------------------------------------------------

  void do_write() {
    req_ = build_request(ex_->req, pool_.opts);
    arm_deadline();
    http::async_write(stream_, req_, beast::bind_front_handler(&connection::on_write, shared()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec)
      return fail_io(ec, "writing the request");
    if (ex_->stream)
      return do_read_head();
    do_read();
  }

  std::uint32_t header_limit() const {
    return static_cast<std::uint32_t>(std::min<std::size_t>(pool_.opts.max_header_bytes, UINT32_MAX));
  }

  void do_read() {
    // Beast refuses a Content-Length over the limit from the header alone, and counts
    // chunked bodies as they arrive: an oversized body is never buffered.
    parser_.emplace();
    parser_->body_limit(pool_.opts.max_body_bytes);
    parser_->header_limit(header_limit());
    if (ex_->req.method == "HEAD")
      parser_->skip(true);
    arm_deadline();
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&connection::on_read, shared()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec)
      return fail_io(ec, "reading the response");
    auto& msg = parser_->get();
    client_response res{static_cast<int>(msg.result_int()), plain_headers(msg), std::move(msg.body())};
    complete(msg.keep_alive() && !parser_->need_eof(), std::nullopt, std::move(res));
  }

  // -- streamed bodies (watches) -------------------------------------------------------------

  void do_read_head() {
    sparser_.emplace();
    sparser_->header_limit(header_limit());
    sparser_->body_limit(boost::none); // lines are capped one by one instead
    arm_deadline();
    http::async_read_header(stream_, buffer_, *sparser_,
                            beast::bind_front_handler(&connection::on_head, shared()));
  }

  void on_head(beast::error_code ec, std::size_t) {
    if (ec)
      return fail_io(ec, "reading the response head");
    if (!live())
      return fail(client_errc::cancelled, "cancelled");
    auto& msg = sparser_->get();
    auto status = static_cast<int>(msg.result_int());
    if (status != 200)
      non_ok_ = client_response{status, plain_headers(msg), {}};
    else
      lowest().expires_never(); // a watch lives until the server ends it
    guarded(ex_->stream->on_status, status);
    do_read_body();
  }

  void do_read_body() {
    if (sparser_->is_done())
      return end_stream();
    auto& body = sparser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    http::async_read_some(stream_, buffer_, *sparser_,
                          beast::bind_front_handler(&connection::on_body, shared()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) // chunk_ is full: not an error
      ec = {};
    if (ec)
      return fail_io(ec, "reading the stream");
    if (!live())
      return fail(client_errc::cancelled, "cancelled");
    auto got = chunk_.size() - sparser_->get().body().size;
    if (non_ok_ ? take_body(got) : take_lines(got))
      do_read_body();
  }

  bool take_body(std::size_t n) {
    if (non_ok_->body.size() + n > pool_.opts.max_body_bytes) {
      fail(client_errc::body_too_large, "the response body exceeds "
                                          + std::to_string(pool_.opts.max_body_bytes) + " bytes");
      return false;
    }
    non_ok_->body.append(chunk_.data(), n);
    return true;
  }

  bool take_lines(std::size_t n) {
    auto from = line_.size();
    line_.append(chunk_.data(), n);
    std::size_t begin = 0;
    for (auto nl = line_.find('\n', from); nl != std::string::npos; nl = line_.find('\n', begin)) {
      if (!live()) {
        fail(client_errc::cancelled, "cancelled");
        return false;
      }
      auto line = line_.substr(begin, nl - begin);
      begin = nl + 1;
      guarded(ex_->stream->on_line, std::move(line));
    }
    line_.erase(0, begin);
    if (line_.size() > pool_.opts.max_line_bytes) {
      fail(client_errc::body_too_large, "a streamed line exceeds "
                                          + std::to_string(pool_.opts.max_line_bytes) + " bytes");
      return false;
    }
    return true;
  }

  void end_stream() {
    if (non_ok_) {
      auto res = std::move(*non_ok_);
      return complete(false, std::nullopt, std::move(res));
    }
    if (!line_.empty() && live())
      guarded(ex_->stream->on_line, std::move(line_));
    complete(false, std::nullopt, std::nullopt);
  }

  // -- endings -------------------------------------------------------------------------------

  // Stale keep-alive: the server closed the idle connection as we reused it. Resent once on
  // a new connection, and only when nothing of a response arrived and the method is
  // idempotent, so the server cannot have acted on it twice in a way that matters.
  bool may_retry(const beast::error_code& ec) const {
    bool nothing_read = buffer_.size() == 0 && !(parser_ && parser_->got_some())
                        && !(sparser_ && sparser_->got_some());
    return ex_->reused && !ex_->retried && !ex_->finished && nothing_read && is_drop(ec)
           && is_idempotent(ex_->req.method);
  }

  void fail_io(const beast::error_code& ec, const std::string& step) {
    if (may_retry(ec)) {
      ex_->retried = true;
      return replace_self();
    }
    auto code = classify(ec);
    auto message = code == client_errc::timeout ? step + ": deadline passed" : describe(step, ec);
    fail(code, std::move(message));
  }

  void fail(client_errc code, std::string message) {
    complete(false, client_error{code, std::move(message)}, std::nullopt);
  }

  // Gives the connection back before the completion runs, so a request the completion sends
  // can reuse it.
  void complete(bool reusable, std::optional<client_error> err, std::optional<client_response> res) {
    auto ex = std::move(ex_);
    give_back(reusable && !err);
    if (ex)
      finish(*ex, std::move(err), std::move(res));
  }

  void give_back(bool reusable) {
    ex_.reset();
    auto gen = pool_.release(shared(), reusable && connected_ && buffer_.size() == 0);
    if (!gen)
      return shut();
    idle_timer_.expires_after(pool_.opts.idle_keepalive);
    idle_timer_.async_wait([self = shared(), g = *gen](beast::error_code ec) {
      if (!ec && self->pool_.expire_idle(self, g))
        self->shut();
    });
  }

  void shut() {
    connected_ = false;
    resolver_.cancel();
    resolve_timer_.cancel();
    idle_timer_.cancel();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  pool& pool_;
  Stream stream_;
  tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;
  asio::steady_timer idle_timer_;
  bool resolve_timed_out_ = false;
  bool connected_ = false;
  std::vector<tcp::endpoint> endpoints_;
  beast::flat_buffer buffer_;
  std::shared_ptr<exchange> ex_; // the running exchange
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::optional<http::response_parser<http::buffer_body>> sparser_;
  std::optional<client_response> non_ok_; // a stream answered with another status than 200
  std::string line_;                     // the incomplete last line of a stream
  std::array<char, 16384> chunk_{};
};

class stream_handle_impl final : public stream_handle {
public:
  stream_handle_impl(const std::shared_ptr<pool>& p, const std::shared_ptr<exchange>& ex)
    : pool_(p), ex_(ex) {}

  void cancel() override {
    auto ex = ex_.lock();
    if (!ex)
      return;
    ex->cancel_requested = true;
    if (auto p = pool_.lock())
      p->cancel(ex);
  }

private:
  std::weak_ptr<pool> pool_;
  std::weak_ptr<exchange> ex_;
};

std::optional<ssl::context> make_tls_context(const client_options& o) {
  if (!o.tls)
    return std::nullopt;
  const auto& t = o.tls_config;
  if (t.client_cert_pem.empty() != t.client_key_pem.empty())
    throw std::runtime_error("http client: a client certificate needs its key, and a key its "
                             "certificate");
  try {
    std::optional<ssl::context> ctx{std::in_place, ssl::context::tls_client};
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                     | ssl::context::no_tlsv1_1);
    if (t.insecure_skip_verify) {
      ctx->set_verify_mode(ssl::verify_none);
    } else {
      ctx->set_verify_mode(ssl::verify_peer);
      if (t.ca_pem.empty())
        ctx->set_default_verify_paths();
      else
        ctx->add_certificate_authority(asio::buffer(t.ca_pem));
    }
    if (!t.client_cert_pem.empty()) {
      ctx->use_certificate_chain(asio::buffer(t.client_cert_pem));
      ctx->use_private_key(asio::buffer(t.client_key_pem), ssl::context::pem);
      if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw std::runtime_error("http client: the client key does not match its certificate");
    }
    return ctx;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string{"http client: bad TLS material: "} + e.what());
  }
}

client_options checked(client_options o) {
  if (o.host.empty())
    throw std::runtime_error("http client: no host");
  o.max_connections = std::max<std::size_t>(o.max_connections, 1);
  o.threads = std::max<std::size_t>(o.threads, 1);
  return o;
}

} // namespace

// -- pool: handing out and taking back --------------------------------------------------------

http_client::impl::impl(client_options o)
  : opts(checked(std::move(o))), tls_(make_tls_context(opts)),
    work_(asio::make_work_guard(ioc_)) {}

http_client::impl::~impl() {
  for (auto& t : late_)
    if (t.joinable())
      t.join();
}

void pool::submit(std::shared_ptr<exchange> ex) {
  std::unique_lock lk{mu_};
  if (stopped_) {
    // No io thread is left to run the completion, and it must not run inline.
    late_.emplace_back([ex] { finish(*ex, client_errc::closed, "the client is stopped"); });
    return;
  }
  if (auto bad = check_request(ex->req); !bad.empty()) {
    asio::post(ioc_, [ex, bad] { finish(*ex, client_errc::protocol, bad); });
    return;
  }
  auto c = take_locked(*ex);
  if (!c)
    return queue_locked(ex);
  attach_locked(c, ex);
  lk.unlock();
  c->start(std::move(ex));
}

std::shared_ptr<connection_base> pool::take_locked(exchange& ex) {
  auto now = steady::now();
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    ++c->idle_gen;
    if (now - c->idle_since < opts.idle_keepalive) {
      ex.reused = true;
      return c;
    }
    --open_;
    c->close();
  }
  if (open_ >= opts.max_connections)
    return nullptr;
  ++open_;
  ex.reused = false;
  return make_connection_locked();
}

std::shared_ptr<connection_base> pool::make_connection_locked() {
  ++opened_;
  if (tls_)
    return std::make_shared<connection<tls_stream>>(*this, asio::make_strand(ioc_), *tls_);
  return std::make_shared<connection<beast::tcp_stream>>(*this, asio::make_strand(ioc_));
}

void pool::attach_locked(const std::shared_ptr<connection_base>& c,
                         const std::shared_ptr<exchange>& ex) {
  busy_.insert(c);
  c->attached = ex;
  ex->conn = c;
}

// FIFO; the exchange's deadline keeps running while it waits.
void pool::queue_locked(const std::shared_ptr<exchange>& ex) {
  waiting_.push_back(ex);
  if (ex->req.deadline == steady::time_point{})
    return;
  ex->wait_timer.emplace(ioc_, ex->req.deadline);
  ex->wait_timer->async_wait([this, ex](beast::error_code ec) {
    if (!ec)
      on_wait_expired(ex);
  });
}

void pool::on_wait_expired(const std::shared_ptr<exchange>& ex) {
  {
    std::lock_guard lk{mu_};
    auto it = std::find(waiting_.begin(), waiting_.end(), ex);
    if (it == waiting_.end())
      return; // served or cancelled meanwhile
    waiting_.erase(it);
  }
  finish(*ex, client_errc::timeout, "deadline passed while waiting for a free connection");
}

std::vector<pool::assignment> pool::serve_waiting_locked() {
  std::vector<assignment> out;
  while (!stopped_ && !waiting_.empty()) {
    auto c = take_locked(*waiting_.front());
    if (!c)
      break;
    auto ex = std::move(waiting_.front());
    waiting_.pop_front();
    if (ex->wait_timer)
      ex->wait_timer->cancel();
    attach_locked(c, ex);
    out.emplace_back(std::move(c), std::move(ex));
  }
  return out;
}

std::optional<std::uint64_t> pool::release(const std::shared_ptr<connection_base>& c,
                                           bool reusable) {
  std::optional<std::uint64_t> gen;
  std::vector<assignment> starts;
  {
    std::lock_guard lk{mu_};
    busy_.erase(c);
    c->attached.reset();
    if (reusable && !stopped_ && idle_.size() < opts.max_idle_per_host) {
      c->idle_since = steady::now();
      gen = ++c->idle_gen;
      idle_.push_back(c);
    } else {
      --open_;
    }
    starts = serve_waiting_locked();
  }
  for (auto& [conn, ex] : starts)
    conn->start(std::move(ex));
  return gen;
}

void pool::replace(const std::shared_ptr<connection_base>& c, std::shared_ptr<exchange> ex) {
  std::shared_ptr<connection_base> fresh;
  {
    std::lock_guard lk{mu_};
    busy_.erase(c);
    c->attached.reset();
    if (stopped_) {
      --open_;
    } else {
      fresh = make_connection_locked();
      ex->reused = false;
      attach_locked(fresh, ex);
    }
  }
  if (fresh)
    fresh->start(std::move(ex));
  else
    finish(*ex, client_errc::closed, "the client was stopped");
}

bool pool::expire_idle(const std::shared_ptr<connection_base>& c, std::uint64_t gen) {
  std::lock_guard lk{mu_};
  auto it = std::find(idle_.begin(), idle_.end(), c);
  if (c->idle_gen != gen || it == idle_.end())
    return false;
  idle_.erase(it);
  --open_;
  return true;
}

void pool::cancel(const std::shared_ptr<exchange>& ex) {
  std::shared_ptr<connection_base> c;
  {
    std::lock_guard lk{mu_};
    auto it = std::find(waiting_.begin(), waiting_.end(), ex);
    if (it != waiting_.end()) {
      waiting_.erase(it);
      if (ex->wait_timer)
        ex->wait_timer->cancel();
      asio::post(ioc_, [ex] { finish(*ex, client_errc::cancelled, "cancelled"); });
      return;
    }
    c = ex->conn.lock();
  }
  if (c)
    c->abort(ex, client_errc::cancelled);
}

http_client::stats pool::snapshot() const {
  std::lock_guard lk{mu_};
  return {opened_, open_, idle_.size(), waiting_.size()};
}

// -- pool: threads and stopping ---------------------------------------------------------------

void pool::run_threads(const std::shared_ptr<impl>& self) {
  running_ = opts.threads;
  for (std::size_t i = 0; i < opts.threads; ++i)
    threads_.emplace_back([self] { self->run_io(); });
}

void pool::run_io() {
  for (;;) {
    try {
      ioc_.run();
      break;
    } catch (const std::exception& e) {
      std::cerr << "http client: an io handler threw: " << e.what() << "\n";
    }
  }
  std::lock_guard lk{run_mu_};
  --running_;
  run_cv_.notify_all();
}

void pool::stop() {
  std::deque<std::shared_ptr<exchange>> waiting;
  std::deque<std::shared_ptr<connection_base>> idle;
  std::vector<assignment> running;
  {
    std::lock_guard lk{mu_};
    if (!stopped_) {
      stopped_ = true;
      waiting.swap(waiting_);
      idle.swap(idle_);
      open_ -= idle.size();
      for (const auto& ex : waiting)
        if (ex->wait_timer)
          ex->wait_timer->cancel();
      for (const auto& c : busy_)
        running.emplace_back(c, c->attached);
      busy_.clear();
    }
  }
  for (auto& ex : waiting)
    asio::post(ioc_, [ex] { finish(*ex, client_errc::closed, "the client was stopped"); });
  for (auto& c : idle)
    c->close();
  for (auto& [c, ex] : running)
    if (ex)
      c->abort(std::move(ex), client_errc::closed);
  join_threads();
}

void pool::join_threads() {
  std::lock_guard join_lk{join_mu_};
  work_.reset();
  auto self = std::this_thread::get_id();
  std::size_t own = std::count_if(threads_.begin(), threads_.end(),
                                  [&](const std::thread& t) { return t.get_id() == self; });
  {
    // Every socket is closed and every timer cancelled by now, so the threads run out of
    // work at once. Should something be left, stopping the context abandons it.
    std::unique_lock lk{run_mu_};
    if (!run_cv_.wait_for(lk, std::chrono::seconds{5}, [&] { return running_ <= own; }))
      ioc_.stop();
  }
  for (auto& t : threads_) {
    if (!t.joinable())
      continue;
    if (t.get_id() == std::this_thread::get_id())
      t.detach(); // stop() from a completion: the thread holds the pool until it returns
    else
      t.join();
  }
}

// -- http_client ------------------------------------------------------------------------------

http_client::http_client(client_options opts)
  : impl_(std::make_shared<impl>(std::move(opts))) {
  impl_->run_threads(impl_);
}

http_client::~http_client() {
  stop();
}

void http_client::send(client_request req, std::function<void(client_result)> done) {
  auto ex = std::make_shared<exchange>();
  ex->req = std::move(req);
  ex->done = std::move(done);
  impl_->submit(std::move(ex));
}

std::shared_ptr<stream_handle> http_client::stream(client_request req, stream_handlers handlers) {
  auto ex = std::make_shared<exchange>();
  ex->req = std::move(req);
  ex->stream = std::move(handlers);
  impl_->submit(ex);
  return std::make_shared<stream_handle_impl>(impl_, ex);
}

void http_client::stop() {
  impl_->stop();
}

http_client::stats http_client::snapshot() const {
  return impl_->snapshot();
}

} // namespace baorestore::net
