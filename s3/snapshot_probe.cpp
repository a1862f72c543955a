#include "s3/snapshot_probe.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace baorestore::s3 {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'
                        || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'
                        || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::uint16_t default_port(bool tls) {
  return tls ? 443 : 80;
}

/// host[:port] as the Host header carries it.
std::string authority(const std::string& host, std::uint16_t port, bool tls) {
  auto h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (port != default_port(tls))
    h += ":" + std::to_string(port);
  return h;
}

std::string endpoint_text(const probe_target& t) {
  auto parts = parse_endpoint(t.endpoint, t.region);
  if (auto* p = std::get_if<endpoint_parts>(&parts))
    return (p->tls ? "https://" : "http://") + authority(p->host, p->port, p->tls);
  return t.endpoint;
}

std::string header(const net::client_response& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string{} : it->second;
}

} // namespace

std::string to_string(probe_outcome o) {
  switch (o) {
    case probe_outcome::found:
      return "found";
    case probe_outcome::not_found:
      return "not_found";
    case probe_outcome::forbidden:
      return "forbidden";
    case probe_outcome::unreachable:
      return "unreachable";
    case probe_outcome::error:
      break;
  }
  return "error";
}

std::string describe(const probe_target& target) {
  return "s3://" + target.bucket + "/" + target.key;
}

// -- building the target ----------------------------------------------------------------------

std::variant<probe_target, std::string>
make_probe_target(const model::backup_target& target, const std::string& key,
                  const model::secret& credentials) {
  if (target.provider != model::provider_s3)
    return "provider " + target.provider + " is not S3: the snapshot cannot be checked here";
  if (target.bucket.empty())
    return std::string{"the backup target has no bucket"};
  if (key.empty())
    return std::string{"the snapshot key is empty"};
  auto secret_name = credentials.metadata.name.empty()
                       ? std::string{"credentials Secret"}
                       : "credentials Secret " + credentials.metadata.name;
  auto value = [&](const char* name) {
    auto it = credentials.data.find(name);
    return it == credentials.data.end() ? std::string{} : it->second;
  };
  probe_target out;
  out.endpoint = target.endpoint;
  out.bucket = target.bucket;
  out.key = key;
  out.region = target.region.empty() ? std::string{model::default_region} : target.region;
  if (auto region = std::string{trim(value(secret_region))}; !region.empty())
    out.region = region;
  out.use_path_style = target.use_path_style;
  out.insecure_skip_verify = target.insecure_skip_verify;
  out.ca_pem = value(secret_ca_cert);
  // Keys and tokens are used as stored, but a trailing newline (echo > file | kubectl create
  // secret --from-file) is never part of one.
  out.credentials.access_key_id = std::string{trim(value(secret_access_key_id))};
  out.credentials.secret_access_key = std::string{trim(value(secret_secret_access_key))};
  out.credentials.session_token = std::string{trim(value(secret_session_token))};
  if (out.credentials.access_key_id.empty())
    return secret_name + ": missing or empty key " + secret_access_key_id;
  if (out.credentials.secret_access_key.empty())
    return secret_name + ": missing or empty key " + secret_secret_access_key;
  if (auto parts = parse_endpoint(out.endpoint, out.region);
      auto* error = std::get_if<std::string>(&parts))
    return *error;
  return out;
}

std::variant<endpoint_parts, std::string> parse_endpoint(std::string_view endpoint,
                                                         std::string_view region) {
  endpoint_parts out;
  auto text = trim(endpoint);
  if (text.empty()) {
    if (region.empty())
      return std::string{"no endpoint and no region"};
    out.host = "s3." + std::string{region} + ".amazonaws.com";
    return out;
  }
  auto bad = [&](const std::string& why) {
    return "invalid endpoint \"" + std::string{text} + "\": " + why;
  };
  if (auto scheme_end = text.find("://"); scheme_end != std::string_view::npos) {
    auto scheme = lower(std::string{text.substr(0, scheme_end)});
    if (scheme == "http")
      out.tls = false;
    else if (scheme != "https")
      return bad("the scheme must be http or https");
    text.remove_prefix(scheme_end + 3);
  }
  out.port = default_port(out.tls);
  if (text.find_first_of("?#@ \t") != std::string_view::npos)
    return bad("no query, fragment, user or blanks allowed");
  auto slash = text.find('/');
  auto host_port = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto path = std::string{text.substr(slash)};
    while (!path.empty() && path.back() == '/')
      path.pop_back();
    out.base_path = path;
  }
  std::string_view port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    auto close = host_port.find(']');
    if (close == std::string_view::npos)
      return bad("unclosed [");
    out.host = std::string{host_port.substr(1, close - 1)};
    auto rest = host_port.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return bad("text after ]");
      port_text = rest.substr(1);
      if (port_text.empty())
        return bad("empty port");
    }
  } else if (auto colon = host_port.find(':'); colon != std::string_view::npos) {
    out.host = std::string{host_port.substr(0, colon)};
    port_text = host_port.substr(colon + 1);
    if (port_text.empty())
      return bad("empty port");
  } else {
    out.host = std::string{host_port};
  }
  if (out.host.empty())
    return bad("no host");
  out.host = lower(out.host);
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0
        || port > 65535)
      return bad("the port must be 1..65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

// -- planning the request ---------------------------------------------------------------------

std::variant<planned_head, std::string> plan_head(const probe_target& target,
                                                  model::timestamp now) {
  auto parsed = parse_endpoint(target.endpoint, target.region);
  if (auto* error = std::get_if<std::string>(&parsed))
    return *error;
  const auto& ep = std::get<endpoint_parts>(parsed);
  bool path_style = target.use_path_style || is_ip_literal(ep.host) || ep.host == "localhost";
  auto addressed = path_style ? ep.host : target.bucket + "." + ep.host;

  planned_head out;
  out.host_header = authority(addressed, ep.port, ep.tls);
  out.path = ep.base_path + (path_style ? "/" + target.bucket : std::string{}) + "/" + target.key;

  auto& c = out.client;
  c.host = target.connect_address.empty() ? addressed : target.connect_address;
  c.server_name = target.connect_address.empty() ? std::string{} : addressed;
  c.port = ep.port;
  c.tls = ep.tls;
  c.tls_config.ca_pem = target.ca_pem;
  c.tls_config.insecure_skip_verify = target.insecure_skip_verify;
  c.max_connections = 4;
  c.max_idle_per_host = 2;
  c.max_body_bytes = 64u << 10; // a HEAD has no body; error bodies of other verbs stay small
  c.idle_keepalive = std::chrono::seconds{30};

  sigv4_request sreq;
  sreq.method = "HEAD";
  sreq.host = out.host_header;
  sreq.path = out.path;
  sreq.payload_sha256 = std::string{empty_payload_sha256};
  auto& r = out.request;
  r.method = "HEAD";
  r.target = canonical_uri(out.path);
  r.headers = sign_v4(sreq, target.credentials, target.region, "s3", now);
  r.headers["host"] = out.host_header;
  return out;
}

// -- reading the answer -----------------------------------------------------------------------

probe_result interpret(const probe_target& target, const net::client_result& result) {
  auto what = describe(target);
  if (auto* e = std::get_if<net::client_error>(&result)) {
    switch (e->code) {
      case net::client_errc::connect:
      case net::client_errc::tls:
      case net::client_errc::timeout:
      case net::client_errc::dropped:
        return {probe_outcome::unreachable, -1,
                "object store " + endpoint_text(target) + " unreachable for snapshot " + what
                  + ": " + net::to_string(e->code) + ": " + e->message};
      case net::client_errc::closed:
      case net::client_errc::cancelled:
        return {probe_outcome::error, -1, "check of snapshot " + what + " stopped"};
      default:
        return {probe_outcome::error, -1,
                "object store " + endpoint_text(target) + " gave no usable answer for snapshot "
                  + what + ": " + net::to_string(e->code) + ": " + e->message};
    }
  }
  const auto& r = std::get<net::client_response>(result);
  auto status = std::to_string(r.status);
  if (r.status >= 200 && r.status < 300) {
    std::int64_t size = -1;
    auto length = header(r, "content-length");
    if (std::int64_t n = 0; !length.empty()) {
      auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
      if (ec == std::errc{} && end == length.data() + length.size() && n >= 0)
        size = n;
    }
    auto bytes = size >= 0 ? std::to_string(size) + " bytes" : std::string{"size unknown"};
    return {probe_outcome::found, size, "snapshot " + what + " found (" + bytes + ")"};
  }
  if (r.status == 404)
    return {probe_outcome::not_found, -1, "snapshot " + what + " not found (404)"};
  if (r.status == 401 || r.status == 403)
    return {probe_outcome::forbidden, -1,
            "access to snapshot " + what + " denied (" + status
              + "): check the credentials Secret, the region and the bucket policy"};
  if (r.status >= 500 || r.status == 408 || r.status == 429)
    return {probe_outcome::unreachable, -1,
            "object store " + endpoint_text(target) + " answered " + status + " for snapshot "
              + what};
  auto message = "unexpected answer " + status + " for snapshot " + what;
  if (auto region = header(r, "x-amz-bucket-region"); !region.empty() && region != target.region)
    message += ": the bucket is in region " + region + ", not " + target.region;
  return {probe_outcome::error, -1, message};
}

// -- the probe --------------------------------------------------------------------------------

struct snapshot_probe::impl {
  explicit impl(std::chrono::milliseconds t) : timeout(t) {
    // nop
  }
  std::chrono::milliseconds timeout;
  mutable std::mutex mu;
  bool stopped = false;
  std::map<std::string, std::shared_ptr<net::http_client>> clients;
};

snapshot_probe::snapshot_probe(std::chrono::milliseconds timeout) : impl_(std::make_unique<impl>(timeout)) {
  // nop
}

snapshot_probe::~snapshot_probe() {
  stop();
}

void snapshot_probe::check(const probe_target& target, std::function<void(probe_result)> done) {
  auto plan = plan_head(target, std::chrono::floor<std::chrono::seconds>(
                                  std::chrono::system_clock::now()));
  if (auto* error = std::get_if<std::string>(&plan))
    return done({probe_outcome::error, -1, *error});
  auto& head = std::get<planned_head>(plan);
  const auto& o = head.client;
  auto client_key = std::string{o.tls ? "https" : "http"} + "\n" + o.host + "\n"
                    + std::to_string(o.port) + "\n" + o.server_name + "\n"
                    + (o.tls_config.insecure_skip_verify ? "insecure" : "verify") + "\n"
                    + o.tls_config.ca_pem;
  std::shared_ptr<net::http_client> client;
  std::string failure;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    if (impl_->stopped) {
      failure = "check of snapshot " + describe(target) + " stopped";
    } else if (auto it = impl_->clients.find(client_key); it != impl_->clients.end()) {
      client = it->second;
    } else {
      try {
        client = std::make_shared<net::http_client>(o);
        impl_->clients.emplace(client_key, client);
      } catch (const std::exception& e) {
        failure = "cannot reach the object store for snapshot " + describe(target) + ": "
                  + e.what();
      }
    }
  }
  if (!client)
    return done({probe_outcome::error, -1, failure});
  head.request.deadline = std::chrono::steady_clock::now() + impl_->timeout;
  // interpret() needs the addressing only: the credentials stay out of the callback.
  auto addressing = target;
  addressing.credentials = {};
  addressing.ca_pem.clear();
  client->send(std::move(head.request),
               [addressing = std::move(addressing), done = std::move(done)](
                 net::client_result result) { done(interpret(addressing, result)); });
}

void snapshot_probe::stop() {
  std::map<std::string, std::shared_ptr<net::http_client>> clients;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    impl_->stopped = true;
    clients.swap(impl_->clients);
  }
  for (auto& [key, client] : clients)
    client->stop();
}

std::size_t snapshot_probe::clients() const {
  std::lock_guard<std::mutex> guard{impl_->mu};
  return impl_->clients.size();
}

} // namespace baorestore::s3
