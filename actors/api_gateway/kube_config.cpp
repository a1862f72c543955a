// Server URLs, bounded file reading and the in-cluster configuration. The kubeconfig file
// is read in kubeconfig_file.cpp.

#include "actors/api_gateway/kube_config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace baorestore::gateway {

namespace {

bool set_error(std::string* error, std::string message) {
  if (error)
    *error = std::move(message);
  return false;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
      return false;
  return true;
}

bool is_hostname_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

/// "1".."65535" into `out`.
bool parse_port(std::string_view text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5)
    return false;
  unsigned value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

/// `authority` ("host", "host:port", "[v6]:port") into ep.host and ep.port.
bool parse_authority(std::string_view authority, server_endpoint& ep, std::string* error) {
  if (authority.find('@') != std::string_view::npos)
    return set_error(error, "user info in the server URL is not supported");
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return set_error(error, "unterminated '[' in the host");
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return set_error(error, "unexpected text after ']'");
    has_port = !rest.empty();
    port = has_port ? rest.substr(1) : std::string_view{};
    if (host.find(':') == std::string_view::npos
        || !std::all_of(host.begin(), host.end(), is_ipv6_char))
      return set_error(error, "not an IPv6 address in brackets: '" + std::string{host} + "'");
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos
        && authority.find(':', colon + 1) != std::string_view::npos)
      return set_error(error, "IPv6 addresses must be written in brackets");
    has_port = colon != std::string_view::npos;
    host = authority.substr(0, colon);
    port = has_port ? authority.substr(colon + 1) : std::string_view{};
    if (!std::all_of(host.begin(), host.end(), is_hostname_char))
      return set_error(error, "invalid character in the host '" + std::string{host} + "'");
  }
  if (host.empty())
    return set_error(error, "the host is missing");
  if (has_port && !parse_port(port, ep.port))
    return set_error(error, "invalid port '" + std::string{port} + "'");
  ep.host = std::string{host};
  return true;
}

} // namespace

std::optional<server_endpoint> parse_server_url(std::string_view url, std::string* error) {
  server_endpoint ep;
  if (starts_with_nocase(url, "https://")) {
    url.remove_prefix(8);
  } else if (starts_with_nocase(url, "http://")) {
    url.remove_prefix(7);
    ep.tls = false;
    ep.port = 80;
  } else {
    set_error(error, "the server URL must start with https:// or http://");
    return std::nullopt;
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    set_error(error, "a query or fragment in the server URL is not supported");
    return std::nullopt;
  }
  auto slash = url.find('/');
  if (!parse_authority(url.substr(0, slash), ep, error))
    return std::nullopt;
  if (slash != std::string_view::npos) {
    auto path = url.substr(slash);
    while (!path.empty() && path.back() == '/')
      path.remove_suffix(1);
    ep.base_path = std::string{path};
  }
  return ep;
}

std::string host_for_url(const server_endpoint& ep) {
  return ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
}

// -- files -----------------------------------------------------------------------------------

namespace {

/// Closes a file descriptor on every path out of read_small_file.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::optional<std::string> fail_read(const std::string& path, std::string* error,
                                     const std::string& why) {
  set_error(error, "cannot read " + path + ": " + why);
  return std::nullopt;
}

} // namespace

std::optional<std::string> read_small_file(const std::string& path, std::string* error,
                                           std::size_t max_bytes) {
  // POSIX calls rather than iostreams: they tell why (errno) and fstat bounds the size
  // before anything is read.
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    return fail_read(path, error, std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return fail_read(path, error, std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail_read(path, error, "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return fail_read(path, error, "larger than " + std::to_string(max_bytes) + " bytes");
  std::string out;
  char buf[8192];
  for (;;) {
    auto n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_read(path, error, std::strerror(errno));
    if (n == 0)
      return out;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) // it grew after fstat
      return fail_read(path, error, "larger than " + std::to_string(max_bytes) + " bytes");
  }
}

// -- in-cluster ------------------------------------------------------------------------------

std::optional<std::string> process_getenv(const char* name) {
  if (const char* v = std::getenv(name))
    return std::string{v};
  return std::nullopt;
}

namespace {

std::string trim_space(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && std::isspace(static_cast<unsigned char>(s[first])))
    ++first;
  return s.substr(first);
}

config_error in_cluster_error(std::string message) {
  return {"in-cluster configuration: " + std::move(message)};
}

} // namespace

std::variant<connection_config, config_error>
load_in_cluster(std::function<std::optional<std::string>(const char*)> getenv,
                const std::string& sa_dir) {
  auto host = getenv("KUBERNETES_SERVICE_HOST");
  auto port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty())
    return in_cluster_error("KUBERNETES_SERVICE_HOST is not set (not running in a Pod?)");
  if (!port || port->empty())
    return in_cluster_error("KUBERNETES_SERVICE_PORT is not set (not running in a Pod?)");
  // The service host is a bare address, an IPv6 one without brackets.
  auto bracketed = host->find(':') != std::string::npos ? "[" + *host + "]" : *host;
  std::string why;
  auto ep = parse_server_url("https://" + bracketed + ":" + *port, &why);
  if (!ep)
    return in_cluster_error("KUBERNETES_SERVICE_HOST/PORT \"" + *host + "\" \"" + *port
                            + "\": " + why);
  connection_config out;
  out.server = std::move(*ep);
  // The token is only checked now; token_source re-reads it as the kubelet rotates it.
  out.token_file = sa_dir + "/token";
  if (!read_small_file(out.token_file, &why))
    return in_cluster_error(why);
  auto ca = read_small_file(sa_dir + "/ca.crt", &why);
  if (!ca)
    return in_cluster_error(why);
  out.ca_pem = std::move(*ca);
  // The namespace file is optional (a Pod without the projected namespace works cluster-wide).
  if (auto ns = read_small_file(sa_dir + "/namespace", nullptr))
    out.namespace_ = trim_space(std::move(*ns));
  return out;
}

} // namespace baorestore::gateway
