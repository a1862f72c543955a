// The scripted faulty server: Beast reads each request; the reply is raw bytes, so a reply
// can be anything, including wrong. An action becomes a `plan` (bytes to write, pauses, and
// what happens to the connection afterwards) by a pure function; the session only carries
// plans out.
#include "tests/support/faulty_server.hpp"

#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace baorestore::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

enum class after { keep_alive, close, hold };

struct plan {
  std::chrono::milliseconds delay{0};
  std::deque<std::string> writes;
  std::chrono::milliseconds gap{0}; // between writes
  std::size_t filler = 0;           // bytes of 'x' after the writes
  after end = after::keep_alive;
};

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A status line and headers; a Content-Length when `length` is set, chunked otherwise.
std::string head(int status, const std::map<std::string, std::string>& headers,
                 std::optional<std::size_t> length) {
  auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string{reason} + "\r\n";
  if (!headers.count("content-type"))
    out += "Content-Type: application/json\r\n";
  for (const auto& [name, value] : headers)
    out += name + ": " + value + "\r\n";
  out += length ? "Content-Length: " + std::to_string(*length) + "\r\n"
                : std::string{"Transfer-Encoding: chunked\r\n"};
  return out + "\r\n";
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

const std::string last_chunk = "0\r\n\r\n";

struct planner {
  plan operator()(const faulty::respond& a) const {
    auto c = a.headers.find("connection");
    bool close = a.close_silently || (c != a.headers.end() && lower(c->second) == "close");
    return {a.delay, {head(a.status, a.headers, a.body.size()) + a.body}, {}, 0,
            close ? after::close : after::keep_alive};
  }
  plan operator()(const faulty::respond_chunked& a) const {
    plan p{{}, {head(a.status, a.headers, std::nullopt)}, a.gap, 0, after::keep_alive};
    for (const auto& c : a.chunks)
      p.writes.push_back(chunk(c));
    p.writes.push_back(last_chunk);
    return p;
  }
  plan operator()(const faulty::drop_after_headers& a) const {
    return {{}, {head(200, {}, a.claimed) + a.partial}, {}, 0, after::close};
  }
  plan operator()(const faulty::drop_immediately&) const { return {{}, {}, {}, 0, after::close}; }
  plan operator()(const faulty::stall&) const { return {{}, {}, {}, 0, after::hold}; }
  plan operator()(const faulty::garbage&) const {
    return {{}, {head(200, {}, 9) + "{not json"}, {}, 0, after::keep_alive};
  }
  plan operator()(const faulty::huge& a) const {
    return {{}, {head(200, {}, a.bytes)}, {}, a.bytes, after::close};
  }
  plan operator()(const faulty::stream_lines& a) const {
    plan p{{}, {head(200, {}, std::nullopt)}, a.gap, 0, a.keep_open ? after::hold : after::close};
    for (const auto& line : a.lines)
      p.writes.push_back(chunk(line + "\n"));
    if (!a.keep_open)
      p.writes.push_back(last_chunk);
    return p;
  }
  plan operator()(const faulty::raw& a) const { return {{}, {a.bytes}, {}, 0, after::close}; }
};

} // namespace

struct faulty_server::impl {
  explicit impl(faulty_server_options o) : opts(std::move(o)) {}

  recorded_request record(const http::request<http::string_body>& in, std::size_t conn) {
    recorded_request r{std::string{in.method_string()}, std::string{in.target()}, {}, in.body(), conn};
    for (const auto& f : in)
      r.headers[lower(std::string{f.name_string()})] = std::string{f.value()};
    return r;
  }

  // Records the request and takes the action for it.
  plan next(const http::request<http::string_body>& in, std::size_t conn) {
    std::lock_guard lk{mu};
    log.push_back(record(in, conn));
    action a = fallback;
    if (!script.empty()) {
      a = std::move(script.front());
      script.pop_front();
    }
    return std::visit(planner{}, a);
  }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  faulty_server_options opts;
  std::optional<ssl::context> tls_ctx;
  std::unique_ptr<asio::io_context> ioc = std::make_unique<asio::io_context>(1);
  std::unique_ptr<tcp::acceptor> acceptor;
  std::uint16_t port = 0;
  std::thread thread;
  mutable std::mutex mu;
  std::deque<action> script;
  action fallback = faulty::respond{};
  std::vector<recorded_request> log;
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> open{0};
  bool stopped = false;
};

namespace {

template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(faulty_server::impl& srv, std::size_t id, Args&&... args)
    : srv_(srv), id_(id), stream_(std::forward<Args>(args)...), timer_(stream_.get_executor()) {}
  ~session() { --srv_.open; }

  void run() {
    if (srv_.opts.mute)
      return hold();
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      lowest().expires_after(srv_.opts.io_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = shared()](beast::error_code ec) {
        if (!ec)
          self->do_read();
      });
    } else {
      do_read();
    }
  }

private:
  std::shared_ptr<session> shared() { return this->shared_from_this(); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(64u << 20);
    lowest().expires_after(srv_.opts.io_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return close();
    keep_alive_ = parser_->get().keep_alive();
    plan_ = srv_.next(parser_->get(), id_);
    pause(plan_.delay);
  }

  void pause(std::chrono::milliseconds d) {
    if (d.count() == 0)
      return do_write();
    timer_.expires_after(d);
    timer_.async_wait([self = shared()](beast::error_code ec) {
      if (!ec)
        self->do_write();
    });
  }

  void do_write() {
    if (!plan_.writes.empty()) {
      out_ = std::move(plan_.writes.front());
      plan_.writes.pop_front();
    } else if (plan_.filler > 0) {
      static const std::string block(64u << 10, 'x');
      out_ = block.substr(0, std::min(block.size(), plan_.filler));
      plan_.filler -= out_.size();
    } else {
      return finish();
    }
    lowest().expires_after(srv_.opts.io_timeout);
    asio::async_write(stream_, asio::buffer(out_), [self = shared()](beast::error_code ec, std::size_t) {
      if (ec)
        return self->close();
      self->pause(self->plan_.writes.empty() ? std::chrono::milliseconds{0} : self->plan_.gap);
    });
  }

  void finish() {
    if (plan_.end == after::hold)
      return hold();
    if (plan_.end == after::close || !keep_alive_)
      return close();
    do_read();
  }

  // Nothing more is sent; a read ends when the client leaves (or the hold times out).
  void hold() {
    lowest().expires_after(srv_.opts.hold_timeout);
    lowest().async_read_some(asio::buffer(sink_), [self = shared()](beast::error_code ec, std::size_t) {
      if (ec)
        return self->close();
      self->hold();
    });
  }

  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  faulty_server::impl& srv_;
  std::size_t id_;
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  plan plan_;
  std::string out_;
  char sink_[512];
};

} // namespace

void faulty_server::impl::do_accept() {
  acceptor->async_accept([this](beast::error_code ec, tcp::socket s) { on_accept(ec, std::move(s)); });
}

void faulty_server::impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted)
    return;
  if (!ec) {
    auto id = ++accepted;
    ++open;
    if (tls_ctx)
      std::make_shared<session<tls_stream>>(*this, id, std::move(socket), *tls_ctx)->run();
    else
      std::make_shared<session<beast::tcp_stream>>(*this, id, std::move(socket))->run();
  }
  do_accept();
}

faulty_server::faulty_server(faulty_server_options opts)
  : impl_(std::make_shared<impl>(std::move(opts))) {
  auto& i = *impl_;
  if (i.opts.tls) {
    i.tls_ctx.emplace(ssl::context::tls_server);
    i.tls_ctx->use_certificate_chain(asio::buffer(i.opts.tls->cert_pem));
    i.tls_ctx->use_private_key(asio::buffer(i.opts.tls->key_pem), ssl::context::pem);
  }
  i.acceptor = std::make_unique<tcp::acceptor>(
    *i.ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
  i.port = i.acceptor->local_endpoint().port();
  i.do_accept();
  i.thread = std::thread([&i] { i.ioc->run(); });
}

faulty_server::~faulty_server() {
  stop();
}

std::uint16_t faulty_server::port() const {
  return impl_->port;
}

void faulty_server::push(action a) {
  std::lock_guard lk{impl_->mu};
  impl_->script.push_back(std::move(a));
}

void faulty_server::set_default(action a) {
  std::lock_guard lk{impl_->mu};
  impl_->fallback = std::move(a);
}

std::vector<recorded_request> faulty_server::requests() const {
  std::lock_guard lk{impl_->mu};
  return impl_->log;
}

std::size_t faulty_server::accepted() const {
  return impl_->accepted;
}

std::size_t faulty_server::open() const {
  return impl_->open;
}

void faulty_server::stop() {
  {
    std::lock_guard lk{impl_->mu};
    if (impl_->stopped)
      return;
    impl_->stopped = true;
  }
  impl_->ioc->stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
  // The acceptor before its context; destroying the context destroys the abandoned
  // sessions, which closes their sockets.
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

} // namespace baorestore::testing
