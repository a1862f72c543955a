// load_kubeconfig: a kubeconfig file's chosen context, its cluster and its user, with the
// files it references read now so that a bad path fails at start, not at the first request.

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "actors/api_gateway/kube_config.hpp"
#include "model/base64.hpp"

namespace baorestore::gateway {

namespace {

/// Thrown inside this file only, caught by load_kubeconfig: the loading steps are short
/// functions that would otherwise each thread an error through every return.
struct load_failure {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw load_failure{where + ": " + what};
}

/// A "name"d entry of one of the kubeconfig's lists.
struct section {
  YAML::Node node;   // the entry's inner map ("cluster", "user", "context"); may be null
  std::string label; // "cluster \"dev\"", to name it in warnings
  std::string where; // "<path>: cluster \"dev\"", the prefix of its error messages
};

std::string in_quotes(const std::string& s) {
  return "\"" + s + "\"";
}

/// The string at `key`; empty when absent or null.
std::string text(const section& s, const char* key) {
  const YAML::Node& n = s.node;
  if (!n || !n.IsMap() || !n[key] || n[key].IsNull())
    return {};
  if (!n[key].IsScalar())
    fail(s.where, std::string{key} + " is not a string");
  return n[key].Scalar();
}

bool flag(const section& s, const char* key) {
  if (text(s, key).empty())
    return false;
  try {
    return s.node[key].as<bool>(); // YAML's spellings: true, True, yes, on, ...
  } catch (const YAML::Exception&) {
    fail(s.where, std::string{key} + " is not true or false: " + in_quotes(text(s, key)));
  }
}

bool has_key(const section& s, const char* key) {
  return s.node && s.node.IsMap() && s.node[key] && !s.node[key].IsNull();
}

/// The entry named `name` in the list at `list` ("clusters"), with its inner `item` map.
section find_named(const YAML::Node& root, const std::string& path, const char* list,
                   const char* item, const std::string& kind, const std::string& name) {
  const YAML::Node& entries = root[list];
  if (entries && !entries.IsNull() && !entries.IsSequence())
    fail(path, std::string{list} + " is not a list");
  std::string known;
  for (const auto& entry : entries) {
    if (!entry.IsMap() || !entry["name"] || !entry["name"].IsScalar())
      continue;
    auto entry_name = entry["name"].Scalar();
    if (entry_name == name) {
      auto label = kind + " " + in_quotes(name);
      return {entry[item], label, path + ": " + label};
    }
    known += (known.empty() ? "" : ", ") + entry_name;
  }
  fail(path, kind + " " + in_quotes(name) + " not found in " + list + " ("
               + (known.empty() ? "none" : known) + ")");
}

/// `file` as given, or relative to the kubeconfig's directory.
std::string resolve(const std::string& kubeconfig_path, const std::string& file) {
  std::filesystem::path p{file};
  if (p.is_absolute())
    return file;
  return (std::filesystem::path{kubeconfig_path}.parent_path() / p).string();
}

std::string read_referenced(const section& s, const char* key, const std::string& file) {
  std::string why;
  auto content = read_small_file(file, &why);
  if (!content)
    fail(s.where, std::string{key} + ": " + why);
  return std::move(*content);
}

std::string decode_data(const section& s, const char* key, std::string data) {
  // Tools wrap long base64 lines; the decoder is strict, so drop whitespace first.
  std::erase_if(data, [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  auto decoded = model::base64_decode(data);
  if (!decoded)
    fail(s.where, std::string{key} + " is not valid base64");
  return std::move(*decoded);
}

/// PEM from `file_key` (a path) or `data_key` (base64); empty when neither is set.
std::string pem(const section& s, const std::string& path, const char* file_key,
                const char* data_key) {
  auto file = text(s, file_key);
  auto data = text(s, data_key);
  if (!file.empty() && !data.empty())
    fail(s.where, std::string{file_key} + " and " + data_key + " are both set");
  if (file.empty() && data.empty())
    return {};
  auto key = file.empty() ? data_key : file_key;
  auto out = file.empty() ? decode_data(s, data_key, std::move(data))
                          : read_referenced(s, file_key, resolve(path, file));
  if (out.find("-----BEGIN ") == std::string::npos)
    fail(s.where, std::string{key} + " is not PEM (no -----BEGIN line)");
  return out;
}

void read_cluster(const section& s, const std::string& path, connection_config& out) {
  auto server = text(s, "server");
  if (server.empty())
    fail(s.where, "server is missing");
  std::string why;
  auto ep = parse_server_url(server, &why);
  if (!ep)
    fail(s.where, "server " + in_quotes(server) + ": " + why);
  out.server = std::move(*ep);
  out.server_name = text(s, "tls-server-name");
  out.ca_pem = pem(s, path, "certificate-authority", "certificate-authority-data");
  out.insecure_skip_tls_verify = flag(s, "insecure-skip-tls-verify");
  // As kubectl: a CA and "don't verify" contradict each other; refuse rather than guess.
  if (out.insecure_skip_tls_verify && !out.ca_pem.empty())
    fail(s.where, "insecure-skip-tls-verify is set together with a certificate authority");
  if (out.insecure_skip_tls_verify)
    out.warnings.push_back("insecure-skip-tls-verify is set for " + s.label
                           + ": the server's certificate is not checked");
  if (has_key(s, "proxy-url"))
    out.warnings.push_back("proxy-url of " + s.label
                           + " is ignored: requests go to the server directly");
}

void reject_unsupported_auth(const section& s) {
  struct mechanism {
    const char* key;
    const char* name;
  };
  static constexpr mechanism unsupported[] = {
    {"exec", "exec credential plugins"},
    {"auth-provider", "auth-provider plugins"},
    {"username", "basic authentication (username/password)"},
    {"password", "basic authentication (username/password)"},
    {"as", "impersonation (as)"},
  };
  for (const auto& m : unsupported)
    if (has_key(s, m.key))
      fail(s.where, std::string{"unsupported authentication: "} + m.name
                      + " (use token, tokenFile or client-certificate/client-key)");
}

void read_user(const section& s, const std::string& path, connection_config& out) {
  reject_unsupported_auth(s);
  out.client_cert_pem = pem(s, path, "client-certificate", "client-certificate-data");
  out.client_key_pem = pem(s, path, "client-key", "client-key-data");
  if (out.client_cert_pem.empty() != out.client_key_pem.empty())
    fail(s.where, "client-certificate and client-key must be set together");
  out.token = text(s, "token");
  auto token_file = text(s, "tokenFile");
  if (!token_file.empty()) {
    // Only checked now: token_source re-reads it when it changes.
    out.token_file = resolve(path, token_file);
    read_referenced(s, "tokenFile", out.token_file);
  }
}

YAML::Node parse_yaml(const std::string& path) {
  std::string why;
  auto content = read_small_file(path, &why);
  if (!content)
    throw load_failure{"kubeconfig: " + why};
  YAML::Node root;
  try {
    root = YAML::Load(*content);
  } catch (const YAML::Exception& e) {
    fail(path, std::string{"not valid YAML: "} + e.what());
  }
  if (!root.IsMap())
    fail(path, "not a kubeconfig (the document is not a map)");
  return root;
}

connection_config load(const std::string& path, const std::string& wanted) {
  const YAML::Node root = parse_yaml(path);
  const YAML::Node& current = root["current-context"];
  auto name = wanted;
  if (name.empty() && current && current.IsScalar())
    name = current.Scalar();
  if (name.empty())
    fail(path, "no context given and current-context is not set");
  auto context = find_named(root, path, "contexts", "context", "context", name);
  auto cluster_name = text(context, "cluster");
  if (cluster_name.empty())
    fail(context.where, "cluster is missing");
  connection_config out;
  out.namespace_ = text(context, "namespace");
  read_cluster(find_named(root, path, "clusters", "cluster", "cluster", cluster_name), path, out);
  // A context without a user talks to the server anonymously (the dev cluster's case).
  if (auto user_name = text(context, "user"); !user_name.empty())
    read_user(find_named(root, path, "users", "user", "user", user_name), path, out);
  return out;
}

} // namespace

std::variant<connection_config, config_error> load_kubeconfig(const std::string& path,
                                                              const std::string& context) {
  try {
    return load(path, context);
  } catch (const load_failure& f) {
    return config_error{f.message};
  } catch (const YAML::Exception& e) {
    // A node of an unexpected shape deep inside (yaml-cpp throws on bad conversions).
    return config_error{path + ": " + e.what()};
  }
}

} // namespace baorestore::gateway
