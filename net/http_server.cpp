// The HTTP server, in the shape of Beast's async server example: a listener that accepts,
// one session per connection, one on_<step> member per asynchronous operation and a
// deadline on each. The handler decides; this file only moves bytes.
#include "net/http_server.hpp"

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace baorestore::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

/// A line about the server itself: to the options' log, else stderr.
void say(const server_options& o, const std::string& line) {
  if (o.log)
    o.log(line);
  else
    std::cerr << "http: " << line << "\n";
}

// Peers going away is normal; anything else is worth a line.
void fail(const server_options& o, beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == http::error::end_of_stream
      || ec == asio::error::eof || ec == asio::error::connection_reset
      || ec == beast::error::timeout || ec == asio::error::broken_pipe
      || ec == ssl::error::stream_truncated) // a TLS peer leaving without close_notify
    return;
  say(o, std::string{what} + ": " + ec.message());
}

request to_plain(const http::request<http::string_body>& in) {
  request out;
  out.method = std::string{in.method_string()};
  out.target = std::string{in.target()};
  for (const auto& f : in) {
    std::string name{f.name_string()};
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string{f.value()};
  }
  out.body = in.body();
  return out;
}

// What identifies a version of a file: a replaced file (a renamed-over Secret volume) has a
// new inode, an edited one a new mtime or size.
struct file_stamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  std::uint64_t inode = 0;
  bool operator==(const file_stamp&) const = default;
};

// The server's handler: exactly one of the two is set.
struct handlers {
  handler sync;
  async_handler async;
};

// What a session needs from its server: the options, the handler, and (for replies that
// come later, from other threads) a weak reference to the server's state, so that a late
// reply keeps the io_context alive while it posts to it, and the TLS context it was
// accepted with.
struct session_env {
  const server_options& opts;
  const handlers& handle;
  std::weak_ptr<void> owner;
  std::shared_ptr<ssl::context> tls; // kept alive for the stream that refers to it
};

// Stream is beast::tcp_stream (plain HTTP) or tls_stream (HTTPS, one handshake step more).
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... StreamArgs>
  session(const session_env& env, StreamArgs&&... args)
    : tls_hold_(env.tls), stream_(std::forward<StreamArgs>(args)...), opts_(env.opts),
      handler_(env.handle), owner_(env.owner), poll_(stream_.get_executor()) {}

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&session::do_handshake, this->shared_from_this()));
  }

private:
  static constexpr bool tls = std::is_same_v<Stream, tls_stream>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void do_handshake() {
    if constexpr (tls) {
      lowest().expires_after(opts_.write_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&session::on_handshake,
                                                        this->shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec)
      return fail(opts_, ec, "handshake");
    do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(opts_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
    lowest().expires_after(opts_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit && opts_.too_large_reply) {
      keep_alive_ = false;
      return send(*opts_.too_large_reply, 11);
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      response too_big;
      too_big.status = ec == http::error::body_limit ? 413 : 431;
      too_big.body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                     R"("message":"request too large","reason":"RequestEntityTooLarge","code":)"
                     + std::to_string(too_big.status) + "}";
      keep_alive_ = false;
      return send(std::move(too_big), 11);
    }
    if (ec)
      return fail(opts_, ec, "read");
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    if (handler_.async)
      return call_async(to_plain(req), req.version());
    response res;
    try {
      res = handler_.sync(to_plain(req));
    } catch (const std::exception& e) {
      // A handler bug must not take the server down: 500, as the API server does.
      res = response{};
      res.status = 500;
      res.body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                 R"("reason":"InternalError","code":500})";
      say(opts_, std::string{"handler threw: "} + e.what());
    }
    if (res.stream)
      return start_stream(std::move(res), req.version());
    send(std::move(res), req.version());
  }

  // The handler answers through a function that may run on any thread, later: the write is
  // posted back onto this connection's executor. Only the first call counts.
  void call_async(request req, unsigned version) {
    auto self = this->shared_from_this();
    auto owner = owner_.lock();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    reply_function reply = [self, owner, answered, version](response res) {
      if (answered->exchange(true))
        return;
      auto executor = self->stream_.get_executor();
      asio::post(executor, [self, res = std::move(res), version]() mutable {
        res.stream.reset(); // not supported for asynchronous handlers
        self->send(std::move(res), version);
      });
    };
    try {
      handler_.async(req, reply);
    } catch (const std::exception& e) {
      say(opts_, std::string{"handler threw: "} + e.what());
      response err;
      err.status = 500;
      err.body = R"({"error":"internal","message":"internal error"})";
      reply(std::move(err));
    }
  }

  void send(response res, unsigned version) {
    auto msg = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(res.status), version);
    msg->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers)
      msg->set(k, v);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive_);
    msg->prepare_payload();
    reply_ = msg;
    lowest().expires_after(opts_.write_timeout);
    http::async_write(stream_, *msg,
                      beast::bind_front_handler(&session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    reply_.reset();
    if (ec)
      return fail(opts_, ec, "write");
    if (!keep_alive_)
      return close();
    do_read();
  }

  // -- streamed replies (watches) ---------------------------------------------------------

  void start_stream(response res, unsigned version) {
    source_ = std::move(res.stream);
    auto head = std::make_shared<http::response<http::empty_body>>(
      static_cast<http::status>(res.status), version);
    head->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers)
      head->set(k, v);
    head->chunked(true);
    head->keep_alive(false);
    auto ser = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    lowest().expires_after(opts_.write_timeout);
    http::async_write_header(
      stream_, *ser,
      [self = this->shared_from_this(), head, ser](beast::error_code ec, std::size_t) {
        self->on_stream_header(ec);
      });
  }

  void on_stream_header(beast::error_code ec) {
    if (ec)
      return fail(opts_, ec, "write header");
    // A pending read notices the client going away while the stream is quiet.
    lowest().expires_never();
    lowest().socket().async_wait(tcp::socket::wait_read,
                                beast::bind_front_handler(&session::on_peer, this->shared_from_this()));
    do_pump();
  }

  void on_peer(beast::error_code) {
    // Watch clients send nothing after the request: readable means closed (or misbehaving).
    closed_ = true;
    poll_.cancel();
  }

  void do_pump() {
    if (closed_)
      return close();
    std::optional<std::string> chunk;
    try {
      chunk = source_->next();
    } catch (const std::exception& e) {
      say(opts_, std::string{"stream source threw: "} + e.what());
    }
    if (!chunk) {
      lowest().expires_after(opts_.write_timeout);
      return asio::async_write(stream_, http::make_chunk_last(),
                               [self = this->shared_from_this()](beast::error_code, std::size_t) {
                                 self->close();
                               });
    }
    if (chunk->empty()) {
      poll_.expires_after(opts_.stream_poll);
      return poll_.async_wait(beast::bind_front_handler(&session::on_poll, this->shared_from_this()));
    }
    chunk_ = std::move(*chunk);
    lowest().expires_after(opts_.write_timeout);
    asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)),
                      beast::bind_front_handler(&session::on_chunk, this->shared_from_this()));
  }

  void on_poll(beast::error_code) { do_pump(); }

  void on_chunk(beast::error_code ec, std::size_t) {
    if (ec) {
      fail(opts_, ec, "write chunk");
      return close();
    }
    lowest().expires_never();
    do_pump();
  }

  void close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().socket().close(ec);
  }

  std::shared_ptr<ssl::context> tls_hold_; // before stream_: it must outlive it
  Stream stream_;
  const server_options& opts_;
  const handlers& handler_;
  std::weak_ptr<void> owner_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> reply_;
  bool keep_alive_ = true;
  std::shared_ptr<stream_source> source_;
  std::string chunk_;
  asio::steady_timer poll_;
  bool closed_ = false;
};

} // namespace

// Handlers capture `this`, not a shared_ptr: the io_context is a member, and a pending
// accept holding its owner would keep both alive forever after stop().
struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  impl(server_options o, handlers h)
    : opts(std::move(o)), handle(std::move(h)), acceptor(ioc) {
    tcp::endpoint ep{asio::ip::make_address(opts.address), opts.port};
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
    if (opts.tls_from_files) {
      auto loaded = load_tls_files();
      if (!loaded.first)
        throw std::runtime_error(loaded.second);
      tls_checked = std::chrono::steady_clock::now();
    } else if (opts.tls) {
      tls_ctx = make_tls_context(*opts.tls);
    }
  }

  static std::shared_ptr<ssl::context> make_tls_context(const tls_identity& id) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                     | ssl::context::no_tlsv1_1);
    ctx->use_certificate_chain(asio::buffer(id.cert_pem));
    ctx->use_private_key(asio::buffer(id.key_pem), ssl::context::pem);
    return ctx;
  }

  // -- TLS pair from files, reloaded when they change -------------------------------------

  static std::optional<file_stamp> stamp_of(const std::string& path) {
    struct stat sb {};
    if (::stat(path.c_str(), &sb) != 0)
      return std::nullopt;
    return file_stamp{static_cast<std::int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000
                        + sb.st_mtim.tv_nsec,
                      static_cast<std::int64_t>(sb.st_size), static_cast<std::uint64_t>(sb.st_ino)};
  }

  static std::string read_text(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in)
      throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Loads the pair when its files changed since the last load; {false, why} when it does not
  // load (the previous context stays).
  std::pair<bool, std::string> load_tls_files() {
    const auto& f = *opts.tls_from_files;
    auto cert_stamp = stamp_of(f.cert_file);
    auto key_stamp = stamp_of(f.key_file);
    if (!cert_stamp || !key_stamp)
      return {false, "cannot read the TLS certificate " + f.cert_file + " or key " + f.key_file};
    if (tls_ctx && *cert_stamp == tls_stamps.first && *key_stamp == tls_stamps.second)
      return {true, {}};
    try {
      tls_identity id{read_text(f.cert_file), read_text(f.key_file)};
      tls_ctx = make_tls_context(id);
      tls_stamps = {*cert_stamp, *key_stamp};
      return {true, {}};
    } catch (const std::exception& e) {
      return {false, "TLS certificate " + f.cert_file + " and key " + f.key_file
                       + " do not load: " + e.what()};
    }
  }

  // At an accept: a reload at most once per check_interval.
  void refresh_tls() {
    if (!opts.tls_from_files)
      return;
    auto now = std::chrono::steady_clock::now();
    if (now - tls_checked < opts.tls_from_files->check_interval)
      return;
    tls_checked = now;
    auto before = tls_ctx;
    auto loaded = load_tls_files();
    if (!loaded.first)
      say(opts, loaded.second + "; keeping the previous pair");
    else if (tls_ctx != before)
      say(opts, "TLS certificate reloaded from " + opts.tls_from_files->cert_file);
  }

  void do_accept() {
    acceptor.async_accept(asio::make_strand(ioc),
                          beast::bind_front_handler(&impl::on_accept, this));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted)
      return;
    if (ec) {
      fail(opts, ec, "accept");
      return do_accept();
    }
    refresh_tls();
    session_env env{opts, handle, weak_from_this(), tls_ctx};
    if (tls_ctx)
      std::make_shared<session<tls_stream>>(env, std::move(socket), *tls_ctx)->run();
    else
      std::make_shared<session<beast::tcp_stream>>(env, std::move(socket))->run();
    do_accept();
  }

  server_options opts;
  handlers handle;
  asio::io_context ioc{1};
  std::shared_ptr<ssl::context> tls_ctx;
  std::pair<file_stamp, file_stamp> tls_stamps; // of the cert and key files tls_ctx is from
  std::chrono::steady_clock::time_point tls_checked{};
  tcp::acceptor acceptor;
  std::thread thread;
  bool started = false;
};

http_server::http_server(server_options opts, handler h)
  : impl_(std::make_shared<impl>(std::move(opts), handlers{std::move(h), nullptr})) {}

http_server::http_server(server_options opts, async_handler h)
  : impl_(std::make_shared<impl>(std::move(opts), handlers{nullptr, std::move(h)})) {}

http_server::~http_server() {
  stop();
}

std::uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void http_server::start() {
  if (impl_->started)
    return;
  impl_->started = true;
  impl_->do_accept();
  impl_->thread = std::thread([i = impl_] { i->ioc.run(); });
}

void http_server::stop() {
  if (!impl_->started)
    return;
  impl_->started = false;
  // Stopping the context abandons sessions mid-operation; their sockets close when the
  // handlers holding them are destroyed with the context's queues.
  impl_->ioc.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

} // namespace baorestore::net
