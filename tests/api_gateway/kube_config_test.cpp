#define CAF_SUITE gateway.kube_config
// Kubeconfig and in-cluster configuration, from files written to a temporary directory.
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "actors/api_gateway/kube_config.hpp"
#include "model/base64.hpp"

using namespace baorestore;
using namespace baorestore::gateway;
namespace fs = std::filesystem;

namespace {

const std::string ca_pem = "-----BEGIN CERTIFICATE-----\nMIIBcaCA\n-----END CERTIFICATE-----\n";
const std::string cert_pem = "-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n";
const std::string key_pem = "-----BEGIN PRIVATE KEY-----\nMIIEkey\n-----END PRIVATE KEY-----\n";

/// A fresh directory under /tmp, removed with everything in it at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "gwcfg-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    auto p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream{p} << content;
    return p.string();
  }
};

/// A kubeconfig with one context "ctx" -> cluster "c" and user "u", with the given blocks.
std::string kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& context_extra = "") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: ctx\n"
         "clusters:\n- name: c\n  cluster:\n"
         + cluster + "users:\n- name: u\n  user:\n" + user
         + "contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\n" + context_extra;
}

std::optional<connection_config> ok(const std::variant<connection_config, config_error>& r) {
  if (auto* e = std::get_if<config_error>(&r)) {
    CAF_MESSAGE("unexpected error: " << e->message);
    return std::nullopt;
  }
  return std::get<connection_config>(r);
}

std::string error_of(const std::variant<connection_config, config_error>& r) {
  if (auto* e = std::get_if<config_error>(&r)) {
    CAF_MESSAGE("error: " << e->message);
    return e->message;
  }
  return "<no error>";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(server URLs) {
  struct good_case {
    const char* url;
    server_endpoint expected;
  };
  const good_case good[] = {
    {"https://10.0.0.1:6443", {true, "10.0.0.1", 6443, ""}},
    {"http://127.0.0.1:8080", {false, "127.0.0.1", 8080, ""}},
    {"https://[::1]:6443", {true, "::1", 6443, ""}},
    {"https://[fd00::10]", {true, "fd00::10", 443, ""}},
    {"https://api.example.com", {true, "api.example.com", 443, ""}},
    {"http://api.example.com", {false, "api.example.com", 80, ""}},
    {"https://api.example.com/", {true, "api.example.com", 443, ""}},
    {"https://rancher.example/k8s/clusters/c-1/",
     {true, "rancher.example", 443, "/k8s/clusters/c-1"}},
    {"HTTPS://Host-1.example:1", {true, "Host-1.example", 1, ""}},
    {"https://h:65535", {true, "h", 65535, ""}},
  };
  for (const auto& c : good) {
    std::string why;
    auto ep = parse_server_url(c.url, &why);
    CAF_MESSAGE(c.url << " " << why);
    CAF_REQUIRE(ep.has_value());
    CAF_CHECK(*ep == c.expected);
  }
  const char* bad[] = {
    "", "10.0.0.1:6443", "ftp://h", "https://", "https://:6443", "https://h:", "https://h:0",
    "https://h:65536", "https://h:12a", "https://::1:6443", "https://[::1", "https://[::1]x",
    "https://[zz]:1", "https://user:pw@h", "https://h/?q=1", "https://h#frag", "https://h h",
  };
  for (auto url : bad) {
    std::string why;
    auto ep = parse_server_url(url, &why);
    CAF_MESSAGE("'" << url << "': " << why);
    CAF_CHECK(!ep.has_value());
    CAF_CHECK(!why.empty());
  }
  CAF_CHECK(!parse_server_url("nope", nullptr)); // the error is optional
  auto v6 = *parse_server_url("https://[::1]:6443", nullptr);
  CAF_CHECK_EQUAL(host_for_url(v6), "[::1]");
}

CAF_TEST(files relative to the kubeconfig directory) {
  temp_dir dir;
  dir.write("pki/ca.crt", ca_pem);
  dir.write("pki/client.crt", cert_pem);
  dir.write("pki/client.key", key_pem);
  dir.write("token", "file-token\n");
  auto path = dir.write(
    "conf/../kubeconfig",
    kubeconfig("    server: https://10.0.0.1:6443\n    certificate-authority: pki/ca.crt\n"
               "    tls-server-name: kubernetes.default\n",
               "    client-certificate: pki/client.crt\n    client-key: pki/client.key\n"
               "    tokenFile: token\n",
               "    namespace: tenant-a\n"));
  auto cfg = ok(load_kubeconfig(path));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->server == (server_endpoint{true, "10.0.0.1", 6443, ""}));
  CAF_CHECK_EQUAL(cfg->server_name, "kubernetes.default");
  CAF_CHECK_EQUAL(cfg->ca_pem, ca_pem);
  CAF_CHECK_EQUAL(cfg->client_cert_pem, cert_pem);
  CAF_CHECK_EQUAL(cfg->client_key_pem, key_pem);
  CAF_CHECK(cfg->token.empty());
  // The token stays in its file (rotation), resolved against the kubeconfig's directory.
  CAF_CHECK(fs::equivalent(cfg->token_file, dir.path / "token"));
  CAF_CHECK_EQUAL(cfg->namespace_, "tenant-a");
  CAF_CHECK(!cfg->insecure_skip_tls_verify);
  CAF_CHECK(cfg->warnings.empty());
}

CAF_TEST(inline data and token) {
  temp_dir dir;
  auto path = dir.write(
    "kubeconfig",
    kubeconfig("    server: https://[::1]:6443\n    certificate-authority-data: "
                 + model::base64_encode(ca_pem) + "\n",
               "    client-certificate-data: " + model::base64_encode(cert_pem)
                 + "\n    client-key-data: " + model::base64_encode(key_pem)
                 + "\n    token: abc.def\n"));
  auto cfg = ok(load_kubeconfig(path));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->server == (server_endpoint{true, "::1", 6443, ""}));
  CAF_CHECK_EQUAL(cfg->ca_pem, ca_pem);
  CAF_CHECK_EQUAL(cfg->client_cert_pem, cert_pem);
  CAF_CHECK_EQUAL(cfg->client_key_pem, key_pem);
  CAF_CHECK_EQUAL(cfg->token, "abc.def");
  CAF_CHECK(cfg->token_file.empty());
  CAF_CHECK(cfg->namespace_.empty());
}

CAF_TEST(base64 wrapped over lines is accepted) {
  temp_dir dir;
  auto b64 = model::base64_encode(ca_pem);
  auto wrapped = b64.substr(0, 20) + "\n      " + b64.substr(20);
  auto cluster = "    server: https://h\n    certificate-authority-data: |\n      " + wrapped;
  auto path = dir.write("kubeconfig", kubeconfig(cluster + "\n", "    token: t\n"));
  auto cfg = ok(load_kubeconfig(path));
  CAF_CHECK(cfg.has_value() && cfg->ca_pem == ca_pem);
}

CAF_TEST(the dev cluster kubeconfig of the README) {
  temp_dir dir;
  auto path = dir.write("dev.kubeconfig", R"(apiVersion: v1
kind: Config
clusters: [{name: dev, cluster: {server: "http://127.0.0.1:8080"}}]
users: [{name: dev, user: {}}]
contexts: [{name: dev, context: {cluster: dev, user: dev}}]
current-context: dev
)");
  auto cfg = ok(load_kubeconfig(path));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->server == (server_endpoint{false, "127.0.0.1", 8080, ""}));
  CAF_CHECK(cfg->token.empty() && cfg->token_file.empty() && cfg->ca_pem.empty());
}

CAF_TEST(choosing a context and missing contexts) {
  temp_dir dir;
  auto text = kubeconfig("    server: https://a\n", "    token: ta\n")
              + "- name: other\n  context:\n    cluster: c2\n    namespace: ns2\n"
                "- name: dangling\n  context:\n    cluster: missing\n"
                "- name: no-cluster\n  context:\n    user: u\n"
                "- name: no-user\n  context:\n    cluster: c\n    user: ghost\n";
  // A second cluster, at the end of the clusters list.
  text.replace(text.find("users:"), 0, "- name: c2\n  cluster:\n    server: https://b:6443\n");
  auto path = dir.write("kubeconfig", text);
  auto other = ok(load_kubeconfig(path, "other"));
  CAF_REQUIRE(other.has_value());
  CAF_CHECK_EQUAL(other->server.host, "b");
  CAF_CHECK_EQUAL(other->namespace_, "ns2");
  CAF_CHECK(other->token.empty()); // that context has no user
  auto current = ok(load_kubeconfig(path));
  CAF_REQUIRE(current.has_value());
  CAF_CHECK_EQUAL(current->server.host, "a");
  CAF_CHECK_EQUAL(current->token, "ta");
  auto missing = error_of(load_kubeconfig(path, "nope"));
  CAF_CHECK(contains(missing, path));
  CAF_CHECK(contains(missing, "context \"nope\" not found"));
  CAF_CHECK(contains(missing, "ctx, other"));
  CAF_CHECK(
    contains(error_of(load_kubeconfig(path, "dangling")), "cluster \"missing\" not found"));
  CAF_CHECK(contains(error_of(load_kubeconfig(path, "no-cluster")), "cluster is missing"));
  CAF_CHECK(contains(error_of(load_kubeconfig(path, "no-user")), "user \"ghost\" not found"));
  auto no_current = dir.write("nocurrent", "apiVersion: v1\nkind: Config\ncontexts: []\n");
  CAF_CHECK(contains(error_of(load_kubeconfig(no_current)), "current-context is not set"));
}

CAF_TEST(unsupported authentication is named) {
  temp_dir dir;
  const std::pair<const char*, const char*> cases[] = {
    {"    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1\n",
     "unsupported authentication: exec credential plugins"},
    {"    auth-provider:\n      name: oidc\n", "unsupported authentication: auth-provider plugins"},
    {"    username: admin\n    password: secret\n", "username/password"},
    {"    password: secret\n", "username/password"},
    {"    as: someone\n", "impersonation"},
  };
  for (const auto& [user, expected] : cases) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://h\n", user));
    auto message = error_of(load_kubeconfig(path));
    CAF_CHECK(contains(message, expected));
    CAF_CHECK(contains(message, "user \"u\""));
    CAF_CHECK(contains(message, path));
    CAF_CHECK(!contains(message, "secret")); // never echo credentials
  }
}

CAF_TEST(insecure skip verify warns and refuses a CA beside it) {
  temp_dir dir;
  auto path = dir.write("kubeconfig", kubeconfig("    server: https://h\n"
                                                 "    insecure-skip-tls-verify: true\n",
                                                 "    token: t\n"));
  auto cfg = ok(load_kubeconfig(path));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->insecure_skip_tls_verify);
  CAF_REQUIRE_EQUAL(cfg->warnings.size(), 1u);
  CAF_CHECK(contains(cfg->warnings[0], "insecure-skip-tls-verify is set for cluster \"c\""));
  CAF_CHECK(contains(cfg->warnings[0], "not checked"));
  path = dir.write("kubeconfig", kubeconfig("    server: https://h\n"
                                            "    insecure-skip-tls-verify: false\n",
                                            "    token: t\n"));
  cfg = ok(load_kubeconfig(path));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(!cfg->insecure_skip_tls_verify);
  CAF_CHECK(cfg->warnings.empty());
  path = dir.write("kubeconfig", kubeconfig("    server: https://h\n"
                                            "    insecure-skip-tls-verify: maybe\n",
                                            "    token: t\n"));
  CAF_CHECK(contains(error_of(load_kubeconfig(path)), "insecure-skip-tls-verify is not true"));
  path = dir.write("kubeconfig",
                   kubeconfig("    server: https://h\n    insecure-skip-tls-verify: true\n"
                              "    certificate-authority-data: "
                                + model::base64_encode(ca_pem) + "\n",
                              "    token: t\n"));
  CAF_CHECK(contains(error_of(load_kubeconfig(path)), "together with a certificate authority"));
}

CAF_TEST(bad cluster entries) {
  temp_dir dir;
  const std::pair<std::string, const char*> cases[] = {
    {"    server: ftp://h\n", "server \"ftp://h\": the server URL must start with"},
    {"    server: https://h:99999\n", "invalid port"},
    {"    insecure-skip-tls-verify: true\n", "server is missing"},
    {"    server: https://h\n    certificate-authority-data: '@@@'\n",
     "certificate-authority-data is not valid base64"},
    {"    server: https://h\n    certificate-authority-data: " + model::base64_encode("DER")
       + "\n",
     "certificate-authority-data is not PEM"},
    {"    server: https://h\n    certificate-authority: /nonexistent/ca.crt\n",
     "certificate-authority: cannot read /nonexistent/ca.crt: No such file"},
    {"    server: https://h\n    certificate-authority: ca.crt\n    certificate-authority-data: "
       + model::base64_encode(ca_pem) + "\n",
     "certificate-authority and certificate-authority-data are both set"},
    {"    server: [a, b]\n", "server is not a string"},
  };
  for (const auto& [cluster, expected] : cases) {
    auto path = dir.write("kubeconfig", kubeconfig(cluster, "    token: t\n"));
    auto message = error_of(load_kubeconfig(path));
    CAF_CHECK(contains(message, expected));
    CAF_CHECK(contains(message, path + ": cluster \"c\""));
  }
}

CAF_TEST(bad user entries) {
  temp_dir dir;
  dir.write("client.crt", cert_pem);
  const std::pair<std::string, const char*> cases[] = {
    {"    client-certificate: client.crt\n", "client-certificate and client-key must be set"},
    {"    client-key-data: " + model::base64_encode(key_pem) + "\n", "must be set together"},
    {"    tokenFile: missing-token\n", "tokenFile: cannot read "},
    {"    client-certificate: client.crt\n    client-key: nokey\n", "client-key: cannot read"},
  };
  for (const auto& [user, expected] : cases) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://h\n", user));
    auto message = error_of(load_kubeconfig(path));
    CAF_CHECK(contains(message, expected));
    CAF_CHECK(contains(message, "user \"u\""));
  }
}

CAF_TEST(unreadable and malformed kubeconfig files) {
  temp_dir dir;
  auto missing = (dir.path / "absent").string();
  auto message = error_of(load_kubeconfig(missing));
  CAF_CHECK(contains(message, "cannot read " + missing));
  CAF_CHECK(contains(message, "No such file"));
  CAF_CHECK(contains(error_of(load_kubeconfig(dir.path.string())), "not a regular file"));
  auto bad_yaml = dir.write("bad", "clusters: [unclosed\n");
  CAF_CHECK(contains(error_of(load_kubeconfig(bad_yaml)), "not valid YAML"));
  auto scalar = dir.write("scalar", "just text\n");
  CAF_CHECK(contains(error_of(load_kubeconfig(scalar)), "not a kubeconfig"));
  auto not_list = dir.write("notlist", "current-context: x\ncontexts: {a: b}\n");
  CAF_CHECK(contains(error_of(load_kubeconfig(not_list)), "contexts is not a list"));
  auto big = dir.write("big", std::string(max_config_file_bytes + 1, '#'));
  CAF_CHECK(contains(error_of(load_kubeconfig(big)), "larger than"));
}

CAF_TEST(read_small_file) {
  temp_dir dir;
  auto p = dir.write("f", "hello");
  std::string why;
  auto text = read_small_file(p, &why);
  CAF_CHECK(text.has_value() && *text == "hello");
  CAF_CHECK(!read_small_file(p, &why, 4).has_value());
  CAF_CHECK(contains(why, "larger than 4 bytes"));
  auto empty = read_small_file(dir.write("e", ""), &why);
  CAF_CHECK(empty.has_value() && empty->empty());
}

namespace {

/// A fake environment for load_in_cluster.
auto fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end())
      return std::nullopt;
    return it->second;
  };
}

} // namespace

CAF_TEST(in-cluster configuration) {
  temp_dir sa;
  sa.write("token", "sa-token\n");
  sa.write("ca.crt", ca_pem);
  sa.write("namespace", "tenant-b\n");
  auto cfg = ok(load_in_cluster(
    fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
    sa.path.string()));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->server == (server_endpoint{true, "10.96.0.1", 443, ""}));
  CAF_CHECK_EQUAL(cfg->token_file, (sa.path / "token").string());
  CAF_CHECK(cfg->token.empty()); // not inlined: the kubelet rotates it
  CAF_CHECK_EQUAL(cfg->ca_pem, ca_pem);
  CAF_CHECK_EQUAL(cfg->namespace_, "tenant-b");
  auto v6 = ok(load_in_cluster(
    fake_env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}),
    sa.path.string()));
  CAF_REQUIRE(v6.has_value());
  CAF_CHECK(v6->server == (server_endpoint{true, "fd00::1", 6443, ""}));
}

CAF_TEST(in-cluster failures) {
  temp_dir sa;
  auto env =
    fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  auto message = error_of(load_in_cluster(env, sa.path.string()));
  CAF_CHECK(contains(message, "cannot read " + (sa.path / "token").string()));
  sa.write("token", "t");
  CAF_CHECK(contains(error_of(load_in_cluster(env, sa.path.string())), "ca.crt"));
  sa.write("ca.crt", ca_pem);
  auto cfg = ok(load_in_cluster(env, sa.path.string()));
  CAF_REQUIRE(cfg.has_value());
  CAF_CHECK(cfg->namespace_.empty()); // the namespace file is optional
  CAF_CHECK(contains(error_of(load_in_cluster(fake_env({}), sa.path.string())),
                     "KUBERNETES_SERVICE_HOST is not set"));
  CAF_CHECK(contains(
    error_of(load_in_cluster(fake_env({{"KUBERNETES_SERVICE_HOST", "h"}}), sa.path.string())),
    "KUBERNETES_SERVICE_PORT is not set"));
  CAF_CHECK(contains(error_of(load_in_cluster(fake_env({{"KUBERNETES_SERVICE_HOST", "h"},
                                                        {"KUBERNETES_SERVICE_PORT", "http"}}),
                                              sa.path.string())),
                     "invalid port"));
}
