#pragma once
// Where the API server is and how to authenticate to it: parsed from a kubeconfig file (the
// operator run outside a cluster, tests against the dev cluster) or from the service
// account a Pod is given (in-cluster). Pure file and text handling: no sockets, no TLS
// library; the gateway turns a connection_config into its TLS context and request headers.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace baorestore::gateway {

/// Where requests go: "https://10.0.0.1:6443" -> {true, "10.0.0.1", 6443, ""}.
struct server_endpoint {
  bool tls = true;
  std::string host;      // an IPv6 address without its brackets
  std::uint16_t port = 443;
  std::string base_path; // prefix of every request path, without trailing '/'; often empty
  bool operator==(const server_endpoint&) const = default;
};

/// "http[s]://host[:port][/base]" (IPv6 hosts in brackets); the port defaults to 443 for
/// https and 80 for http. nullopt, with the reason in `*error` when given, for anything else
/// (another scheme, user info, a query, a bad port).
std::optional<server_endpoint> parse_server_url(std::string_view url, std::string* error);

/// The host as it goes into a URL or a Host header: IPv6 addresses in brackets.
std::string host_for_url(const server_endpoint& ep);

struct connection_config {
  server_endpoint server;
  std::string server_name; // tls-server-name when the kubeconfig sets it: SNI + verification
  std::string ca_pem;      // empty: the system's trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;      // a fixed bearer token; takes precedence over token_file
  std::string token_file; // re-read on rotation (token_source::from_file), never inlined
  bool insecure_skip_tls_verify = false;
  std::string namespace_; // context namespace / in-cluster namespace file; may be empty
  std::vector<std::string> warnings; // to log at start, e.g. insecure-skip-tls-verify
};

/// Why a configuration cannot be used; the message names the file and the key.
struct config_error {
  std::string message;
};

/// The largest file we read as configuration (kubeconfig, PEM, token, namespace): these are
/// a few KiB; anything bigger is a mistake (a wrong path), not something to load.
inline constexpr std::size_t max_config_file_bytes = 1 << 20;

/// The whole file, or nullopt with "cannot read <path>: <why>" in `*error` (missing,
/// unreadable, not a regular file, larger than `max_bytes`).
std::optional<std::string> read_small_file(const std::string& path, std::string* error,
                                           std::size_t max_bytes = max_config_file_bytes);

/// The kubeconfig at `path`: the given context, else its current-context, with that
/// context's cluster and user. File references (certificate-authority, client-certificate,
/// client-key) are read now, relative ones resolved against the kubeconfig's directory;
/// tokenFile is only resolved and checked readable. Auth mechanisms we do not support
/// (exec, auth-provider, username/password) are errors naming them, not silently ignored.
std::variant<connection_config, config_error> load_kubeconfig(const std::string& path,
                                                              const std::string& context = "");

/// The service account directory every Pod gets.
inline constexpr const char* default_sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The environment as std::getenv sees it (the production `getenv` argument).
std::optional<std::string> process_getenv(const char* name);

/// In-cluster: KUBERNETES_SERVICE_HOST and _PORT from `getenv`, and under `sa_dir` the
/// token (as token_file: projected tokens rotate), ca.crt and namespace (optional).
std::variant<connection_config, config_error>
load_in_cluster(std::function<std::optional<std::string>(const char*)> getenv,
                const std::string& sa_dir = default_sa_dir);

} // namespace baorestore::gateway
