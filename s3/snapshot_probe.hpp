#pragma once
// The restore's snapshot accessibility check (DESIGN §4 validation step 5, issue 6): a
// SigV4-signed S3 HEAD of `source.key`, used verbatim as the object's full key (never
// prefixed with pathPrefix), over the project's async HTTP client. The answer is a value:
// found (with the object's size), not_found and forbidden (permanent: the restore fails with
// the message), unreachable (may heal: retried until the validation deadline) or error.
//
// Pure pieces first (target building, request planning, interpretation: tested without
// sockets), then the asynchronous probe that carries them out.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include "model/backup_target.hpp"
#include "model/secret.hpp"
#include "model/time.hpp"
#include "net/http_client.hpp"
#include "s3/sigv4.hpp"

namespace baorestore::s3 {

using namespace std::chrono_literals;

/// From model::backup_target + the restore's source.key + the credentials Secret.
struct probe_target {
  /// "http://127.0.0.1:4568", "https://s3.example.com"; empty: https://s3.<region>.amazonaws.com.
  /// Without a scheme, https. A path ("https://gw.example.com/s3") prefixes every request.
  std::string endpoint;
  std::string bucket;
  std::string key; // the full object key, verbatim
  std::string region = "us-east-1";
  /// false: virtual-hosted (bucket.host/key); true: host/bucket/key. An endpoint whose host is
  /// an IP address or "localhost" cannot carry a bucket name and is always path-style.
  bool use_path_style = false;
  bool insecure_skip_verify = false;
  std::string ca_pem; // the Secret's caCert; empty: the system's trust store
  sigv4_credentials credentials;
  /// Connect here instead of the addressed host (as curl --connect-to), keeping the Host
  /// header, SNI and certificate name check. For tests of virtual-hosted addressing.
  std::string connect_address;
};

enum class probe_outcome { found, not_found, forbidden, unreachable, error };
std::string to_string(probe_outcome);

struct probe_result {
  probe_outcome outcome = probe_outcome::error;
  std::int64_t size = -1;  // Content-Length of a found object; -1 when unknown
  std::string message;     // for people: "snapshot s3://b/k not found (404)"; never a secret
};

// Secret keys (upstream internal/storage/credentials.go).
inline constexpr const char* secret_access_key_id = "accessKeyId";
inline constexpr const char* secret_secret_access_key = "secretAccessKey";
inline constexpr const char* secret_session_token = "sessionToken";
inline constexpr const char* secret_region = "region";    // overrides target.region
inline constexpr const char* secret_ca_cert = "caCert";

/// Builds the target from the model. `credentials.data` holds decoded bytes (model::secret).
/// Returns a message naming what is missing or wrong (no secret value in it): a provider
/// other than s3, an empty bucket or key, a missing or empty accessKeyId/secretAccessKey, or
/// an endpoint that is not http(s)://host[:port][/path].
std::variant<probe_target, std::string>
make_probe_target(const model::backup_target& target, const std::string& key,
                  const model::secret& credentials);

struct endpoint_parts {
  bool tls = true;
  std::string host; // IPv6 without brackets
  std::uint16_t port = 443;
  std::string base_path; // "" or "/prefix" (no trailing '/')
};
/// Empty `endpoint`: https://s3.<region>.amazonaws.com.
std::variant<endpoint_parts, std::string> parse_endpoint(std::string_view endpoint,
                                                         std::string_view region);

/// One signed HEAD, ready for net::http_client.
struct planned_head {
  net::client_options client; // where to connect and how (TLS, SNI, CA)
  std::string host_header;     // as sent and signed
  std::string path;            // unencoded, as signed
  net::client_request request; // method, target (encoded path), headers incl. host; no deadline
};
std::variant<planned_head, std::string> plan_head(const probe_target& target,
                                                  model::timestamp now);

/// The outcome of one exchange: 2xx found (size from Content-Length), 404 not_found,
/// 401/403 forbidden, 5xx/408/429 and transport failures (connect, TLS, timeout, dropped)
/// unreachable, everything else error (a 301 or 400 names the bucket's region when the store
/// says it).
probe_result interpret(const probe_target& target, const net::client_result& result);

/// "s3://bucket/key".
std::string describe(const probe_target& target);

/// Runs HEADs asynchronously. One probe may run many checks, concurrently too; it owns one
/// http_client per distinct connection setting (scheme, host, port, TLS trust), created on
/// first use and kept for keep-alive reuse until stop().
class snapshot_probe {
public:
  explicit snapshot_probe(std::chrono::milliseconds timeout = 10s);
  ~snapshot_probe(); // stop()
  snapshot_probe(const snapshot_probe&) = delete;
  snapshot_probe& operator=(const snapshot_probe&) = delete;

  /// `done` runs exactly once: on an I/O thread after the exchange, or inline in check()
  /// when the request cannot be made at all (bad endpoint, bad CA PEM, probe stopped; outcome
  /// error). Signs with the system clock. Safe from any thread, not from `done` after stop().
  void check(const probe_target& target, std::function<void(probe_result)> done);

  /// Idempotent. Fails in-flight checks (outcome error, "stopped") and joins the I/O threads.
  /// Not from a `done` callback.
  void stop();

  /// Open clients, for tests.
  std::size_t clients() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace baorestore::s3
