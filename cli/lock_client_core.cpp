#include "cli/lock_client_core.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <boost/json.hpp>

namespace baorestore::cli::lock {

namespace json = boost::json;

std::string_view to_string(verb v) {
  switch (v) {
    case verb::show: return "show";
    case verb::acquire: return "acquire";
    case verb::release: return "release";
    case verb::renew: return "renew";
  }
  return "?";
}

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// DNS-1123 label: what Kubernetes accepts as a namespace.
bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back()))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

// DNS-1123 subdomain: what Kubernetes accepts as an object name. Checking it here also keeps
// '/', '?', '%' and '..' out of the request path we build from it.
bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253)
    return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    if (!is_dns_label(s.substr(start, dot == std::string_view::npos ? dot : dot - start)))
      return false;
    if (dot == std::string_view::npos)
      return true;
    start = dot + 1;
  }
}

std::optional<std::uint64_t> parse_digits(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

} // namespace

parsed<cluster_ref> parse_cluster(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return {std::nullopt, "--cluster: expected NAMESPACE/NAME, got \"" + std::string{text} + "\""};
  auto ns = text.substr(0, slash);
  auto name = text.substr(slash + 1);
  if (!is_dns_label(ns))
    return {std::nullopt, "--cluster: \"" + std::string{ns}
                            + "\" is not a namespace (lower-case letters, digits and '-')"};
  if (!is_dns_subdomain(name))
    return {std::nullopt, "--cluster: \"" + std::string{name}
                            + "\" is not a cluster name (lower-case letters, digits, '-', '.')"};
  return {cluster_ref{std::string{ns}, std::string{name}}, {}};
}

parsed<server_address> parse_server(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.substr(0, scheme.size()) != scheme)
    return {std::nullopt, "--server: expected https://HOST[:PORT], got \"" + std::string{url} + "\""};
  auto rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos)
    return {std::nullopt, "--server: only https://HOST[:PORT] (no path, query or user)"};
  server_address out;
  std::optional<std::string_view> port_text; // after a ':', when there is one
  if (!rest.empty() && rest.front() == '[') { // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return {std::nullopt, "--server: unterminated IPv6 literal"};
    out.host = std::string{rest.substr(1, close - 1)};
    auto after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      return {std::nullopt, "--server: junk after the IPv6 literal"};
    if (!after.empty())
      port_text = after.substr(1);
  } else {
    auto colon = rest.find(':');
    out.host = std::string{rest.substr(0, colon)};
    if (colon != std::string_view::npos)
      port_text = rest.substr(colon + 1);
  }
  if (out.host.empty())
    return {std::nullopt, "--server: no host"};
  if (port_text && port_text->find(':') != std::string_view::npos)
    return {std::nullopt, "--server: an IPv6 address goes in brackets, https://[::1]:8443"};
  if (port_text) {
    auto port = parse_digits(*port_text);
    if (!port || *port == 0 || *port > 65535)
      return {std::nullopt, "--server: bad port \"" + std::string{*port_text} + "\""};
    out.port = static_cast<std::uint16_t>(*port);
  }
  return {out, {}};
}

parsed<std::chrono::seconds> parse_duration(std::string_view text) {
  std::uint64_t unit = 1;
  auto digits = text;
  if (!digits.empty() && !std::isdigit(static_cast<unsigned char>(digits.back()))) {
    switch (digits.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      default: return {std::nullopt, "bad duration \"" + std::string{text} + "\" (use 30, 30s, 2m, 1h)"};
    }
    digits.remove_suffix(1);
  }
  auto n = parse_digits(digits);
  // A cap of a week keeps the arithmetic on deadlines far from overflow.
  if (!n || *n > 7 * 24 * 3600 / unit)
    return {std::nullopt, "bad duration \"" + std::string{text} + "\" (use 30, 30s, 2m, 1h)"};
  return {std::chrono::seconds{static_cast<std::int64_t>(*n * unit)}, {}};
}

std::string trim_token(std::string_view raw) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!raw.empty() && is_space(raw.front()))
    raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back()))
    raw.remove_suffix(1);
  return std::string{raw};
}

bool is_service_operation(std::string_view operation) {
  return operation == "Backup" || operation == "Upgrade";
}

std::string check_params(verb v, const lock_params& p) {
  bool needs_operation = v == verb::acquire || v == verb::release;
  if (needs_operation && !is_service_operation(p.operation))
    return p.operation.empty() ? "--operation is required (Backup or Upgrade)"
                               : "--operation must be Backup or Upgrade, not \"" + p.operation + "\"";
  if (v != verb::show && p.holder.empty())
    return "--holder is required";
  return {};
}

http_call build_call(verb v, const cluster_ref& cluster, const lock_params& p) {
  http_call call;
  call.target = "/v1/namespaces/" + cluster.ns + "/clusters/" + cluster.name + "/lock";
  if (v == verb::show) {
    call.method = "GET";
    return call;
  }
  call.method = "POST";
  call.target += "/" + std::string{to_string(v)};
  json::object body;
  if (v != verb::renew)
    body["operation"] = p.operation;
  body["holder"] = p.holder;
  if (v == verb::acquire) {
    body["message"] = p.message;
    body["waitSeconds"] = p.wait.count();
  }
  call.body = json::serialize(body);
  return call;
}

std::optional<std::int64_t> parse_retry_after(std::string_view header) {
  auto n = parse_digits(trim_token(header));
  if (!n || *n > 24 * 3600)
    return std::nullopt;
  return static_cast<std::int64_t>(*n);
}

} // namespace baorestore::cli::lock
