// The flags of `baorestore lock`: --cluster, --server, durations, the token's white space,
// Retry-After (cli/lock_client_core.hpp).
#define CAF_SUITE lock_cli_flags
#include "caf/test/unit_test.hpp"

#include "cli/lock_client_core.hpp"

using namespace baorestore::cli::lock;
using namespace std::chrono_literals;

namespace {

bool cluster_is(std::string_view text, std::string_view ns, std::string_view name) {
  auto c = parse_cluster(text);
  return c.value && c.value->ns == ns && c.value->name == name && c.error.empty();
}

bool cluster_refused(std::string_view text) {
  auto c = parse_cluster(text);
  return !c.value && !c.error.empty();
}

bool server_is(std::string_view url, std::string_view host, std::uint16_t port) {
  auto s = parse_server(url);
  return s.value && s.value->host == host && s.value->port == port;
}

bool server_refused(std::string_view url) {
  auto s = parse_server(url);
  return !s.value && !s.error.empty();
}

std::optional<std::int64_t> seconds_of(std::string_view text) {
  auto d = parse_duration(text);
  return d.value ? std::optional<std::int64_t>{d.value->count()} : std::nullopt;
}

} // namespace

CAF_TEST(cluster accepts namespace and name) {
  CAF_CHECK(cluster_is("tenant-a/vault", "tenant-a", "vault"));
  CAF_CHECK(cluster_is("a/b", "a", "b"));
  CAF_CHECK(cluster_is("ns1/vault.prod-2", "ns1", "vault.prod-2"));
  auto label = std::string(63, 'c');
  auto longest = label + "." + label + "." + label + "." + std::string(61, 'c'); // 253
  CAF_CHECK(cluster_is(std::string(63, 'n') + "/" + longest, std::string(63, 'n'), longest));
}

CAF_TEST(cluster refuses what is not ns slash name) {
  for (auto bad : {"", "vault", "/vault", "tenant-a/", "tenant-a/vault/x", "Tenant-A/vault",
                   "tenant-a/Vault", "-a/vault", "a-/vault", "a/-vault", "a/vault-", "a/va..ult",
                   "a/.vault", "a/vault.", "te.nant/vault", "a/va%2Fult", "a/va?ult", "a/ vault",
                   "a/va_ult", "../etc/passwd"})
    CAF_CHECK(cluster_refused(bad));
  CAF_CHECK(cluster_refused(std::string(64, 'n') + "/vault"));
  CAF_CHECK(cluster_refused("a/" + std::string(63, 'c') + "." + std::string(63, 'c') + "."
                            + std::string(63, 'c') + "." + std::string(62, 'c'))); // 254
  CAF_CHECK(cluster_refused("a/" + std::string(64, 'c'))); // each label is 63 at most
}

CAF_TEST(cluster error names the flag and the value) {
  auto c = parse_cluster("Tenant/vault");
  CAF_CHECK(c.error.find("--cluster") != std::string::npos);
  CAF_CHECK(c.error.find("Tenant") != std::string::npos);
}

CAF_TEST(server is https host and port) {
  CAF_CHECK(server_is("https://lock.example.com", "lock.example.com", 443));
  CAF_CHECK(server_is("https://lock.example.com/", "lock.example.com", 443));
  CAF_CHECK(server_is("https://127.0.0.1:8443", "127.0.0.1", 8443));
  CAF_CHECK(server_is("https://[::1]:9443", "::1", 9443));
  CAF_CHECK(server_is("https://[::1]", "::1", 443));
}

CAF_TEST(server refuses plain http and junk) {
  for (auto bad : {"", "http://lock:80", "lock:8443", "https://", "https://:8443",
                   "https://lock:", "https://lock:0", "https://lock:65536", "https://lock:8x",
                   "https://lock/v1", "https://user@lock", "https://lock?x=1", "https://[::1",
                   "https://[::1]x", "HTTPS://lock", "https://::1:8443"})
    CAF_CHECK(server_refused(bad));
}

CAF_TEST(durations in seconds minutes and hours) {
  CAF_CHECK(seconds_of("0") == 0);
  CAF_CHECK(seconds_of("30") == 30);
  CAF_CHECK(seconds_of("30s") == 30);
  CAF_CHECK(seconds_of("2m") == 120);
  CAF_CHECK(seconds_of("1h") == 3600);
  CAF_CHECK(seconds_of("168h") == 7 * 24 * 3600);
  for (auto bad : {"", "s", "-1", "1.5", "1d", "30 s", " 30", "169h", "99999999999999999999"})
    CAF_CHECK(!seconds_of(bad));
}

CAF_TEST(token loses surrounding white space only) {
  CAF_CHECK_EQUAL(trim_token("s3cret\n"), "s3cret");
  CAF_CHECK_EQUAL(trim_token("  s3cret \r\n"), "s3cret");
  CAF_CHECK_EQUAL(trim_token("a b"), "a b"); // refused later, not silently changed
  CAF_CHECK_EQUAL(trim_token("\n\n"), "");
}

CAF_TEST(retry after in seconds) {
  CAF_CHECK(parse_retry_after("3") == 3);
  CAF_CHECK(parse_retry_after(" 10 ") == 10);
  CAF_CHECK(!parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
  CAF_CHECK(!parse_retry_after("-1"));
  CAF_CHECK(!parse_retry_after(""));
}
