#include "cli/lock_session.hpp"

#include <cstdlib>
#include <fstream>
#include <utility>

#include "net/http_client.hpp"

namespace baorestore::cli {

namespace {

// Caps: the service's replies are small; a token or CA bundle bigger than this is a mistake.
constexpr std::size_t max_reply_bytes = 1u << 20;
constexpr std::size_t max_file_bytes = 1u << 20;

std::optional<std::string> read_small_file(const std::string& path, std::string& error) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::string text(max_file_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_file_bytes) {
    error = path + ": larger than 1 MiB";
    return std::nullopt;
  }
  return text;
}

// --token-file (or BAORESTORE_LOCK_TOKEN_FILE, filled in by CLI11), else BAORESTORE_LOCK_TOKEN.
std::optional<std::string> read_token(const lock_options& opts, std::string& error) {
  std::string raw;
  if (!opts.token_file.empty()) {
    auto text = read_small_file(opts.token_file, error);
    if (!text)
      return std::nullopt;
    raw = *text;
  } else if (const char* value = std::getenv("BAORESTORE_LOCK_TOKEN")) {
    raw = value;
  }
  auto token = lock::trim_token(raw);
  if (token.empty()) {
    error = "no token: give --token-file, BAORESTORE_LOCK_TOKEN_FILE or BAORESTORE_LOCK_TOKEN";
    return std::nullopt;
  }
  // A token with a line break or a control character would split the header.
  for (unsigned char c : token)
    if (c < 0x21 || c == 0x7f) {
      error = "the token contains white space or control characters";
      return std::nullopt;
    }
  return token;
}

lock_outcome to_outcome(lock::verb v, net::client_result result) {
  lock_outcome out;
  if (auto* e = std::get_if<net::client_error>(&result)) {
    out.failure = net::to_string(e->code) + ": " + e->message;
    return out;
  }
  auto& response = std::get<net::client_response>(result);
  out.reply = lock::parse_reply(v, response.status, response.body);
  if (auto h = response.headers.find("retry-after"); h != response.headers.end())
    out.reply->retry_after = lock::parse_retry_after(h->second);
  out.body = std::move(response.body);
  return out;
}

} // namespace

int exit_code_for(const lock_outcome& o) {
  return o.reply ? lock::exit_code_for(*o.reply) : lock::exit_error;
}

std::unique_ptr<lock_session> lock_session::open(lock::verb v, const lock_options& opts,
                                                 std::string& error) {
  if (opts.server.empty()) {
    error = "--server is required (or BAORESTORE_LOCK_SERVER)";
    return nullptr;
  }
  auto server = lock::parse_server(opts.server);
  auto cluster = lock::parse_cluster(opts.cluster);
  auto wait = lock::parse_duration(opts.wait);
  auto timeout = lock::parse_duration(opts.timeout);
  for (const auto* e : {&server.error, &cluster.error, &wait.error, &timeout.error})
    if (!e->empty()) {
      error = *e;
      return nullptr;
    }
  if (timeout.value->count() == 0) {
    error = "--timeout must be at least 1s";
    return nullptr;
  }
  std::unique_ptr<lock_session> s{new lock_session};
  s->cluster_ = *cluster.value;
  s->params_ = {opts.operation, opts.holder, opts.message, *wait.value};
  s->timeout_ = *timeout.value;
  if (error = lock::check_params(v, s->params_); !error.empty())
    return nullptr;
  auto token = read_token(opts, error);
  if (!token)
    return nullptr;
  s->token_ = std::move(*token);
  net::client_options copts;
  copts.host = server.value->host;
  copts.port = server.value->port;
  copts.tls = true; // and verified: client_tls::insecure_skip_verify stays false
  copts.max_connections = 2;
  // No keep-alive pool: lock run's calls are minutes apart, and a POST sent on an idle
  // connection the server has since closed fails as `dropped` (http_client never resends a
  // POST). A fresh connection per call costs one handshake, which a CLI can afford.
  copts.max_idle_per_host = 0;
  copts.max_body_bytes = max_reply_bytes;
  if (!opts.ca_file.empty()) {
    auto ca = read_small_file(opts.ca_file, error);
    if (!ca)
      return nullptr;
    copts.tls_config.ca_pem = std::move(*ca);
  }
  s->client_options_ = copts;
  try {
    s->client_ = std::make_unique<net::http_client>(std::move(copts));
  } catch (const std::exception& e) {
    error = std::string{"TLS setup: "} + e.what();
    return nullptr;
  }
  return s;
}

lock_session::~lock_session() {
  stop();
}

void lock_session::stop() {
  if (client_)
    client_->stop();
}

std::future<lock_outcome> lock_session::call_async(lock::verb v) {
  auto call = lock::build_call(v, cluster_, params_);
  net::client_request request;
  request.method = call.method;
  request.target = call.target;
  request.body = std::move(call.body);
  request.headers["authorization"] = "Bearer " + token_;
  request.headers["accept"] = "application/json";
  if (request.method == "POST")
    request.headers["content-type"] = "application/json";
  auto budget = timeout_ + (v == lock::verb::acquire ? params_.wait : std::chrono::seconds{0});
  request.deadline = std::chrono::steady_clock::now() + budget;
  auto promise = std::make_shared<std::promise<lock_outcome>>();
  auto result = promise->get_future();
  client_->send(std::move(request), [promise, v](net::client_result r) {
    promise->set_value(to_outcome(v, std::move(r)));
  });
  return result;
}

void lock_session::reset() {
  stop();
  client_ = std::make_unique<net::http_client>(client_options_);
}

lock_outcome lock_session::call(lock::verb v) {
  return call_async(v).get();
}

std::string lock_session::describe(lock::verb v, const lock_outcome& o) const {
  if (o.reply)
    return lock::describe(v, cluster_, *o.reply);
  return "lock " + std::string{lock::to_string(v)} + " " + cluster_.ns + "/" + cluster_.name
         + ": " + o.failure;
}

} // namespace baorestore::cli
