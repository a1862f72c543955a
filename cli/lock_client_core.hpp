#pragma once
// The pure part of `baorestore lock` (issue 8), the lock service's command-line client: what
// the flags mean (--cluster, --server, durations), which HTTP request each verb sends, what a
// reply says, and which exit code it becomes. No sockets, no Beast, no CAF: every decision is
// a function of its arguments, table-tested in tests/lock_cli/.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::cli::lock {

/// Exit codes of `baorestore lock ...` (scripts branch on them).
enum exit_status : int {
  exit_granted = 0, // granted, released, renewed, shown
  exit_error = 1,   // network, TLS, 400, 404, 5xx, a reply we cannot read
  exit_usage = 2,   // bad flags (as every other subcommand)
  exit_busy = 3,    // 409: busy, or not the holder
  exit_denied = 4,  // 401 or 403
};

enum class verb { show, acquire, release, renew };
std::string_view to_string(verb);

/// `--cluster ns/name`: a namespace (DNS-1123 label) and a cluster name (DNS-1123 subdomain).
struct cluster_ref {
  std::string ns;
  std::string name;
};

/// Parsed value or the reason it is unusable (said to the user as is).
template <class T>
struct parsed {
  std::optional<T> value;
  std::string error;
};

parsed<cluster_ref> parse_cluster(std::string_view text);

/// `--server https://host[:port]` (no path). Only https: the token must never travel in clear.
struct server_address {
  std::string host; // without brackets for IPv6 literals
  std::uint16_t port = 443;
};
parsed<server_address> parse_server(std::string_view url);

/// "30", "30s", "2m", "1h" -> seconds; no negative values, no fractions.
parsed<std::chrono::seconds> parse_duration(std::string_view text);

/// The token as read from a file or the environment: surrounding white space (a trailing
/// newline from `echo` or a Secret) removed. Empty means no token.
std::string trim_token(std::string_view raw);

/// What a verb sends, besides the cluster.
struct lock_params {
  std::string operation; // Backup | Upgrade (acquire, release)
  std::string holder;    // acquire, release, renew
  std::string message;   // acquire
  std::chrono::seconds wait{0}; // acquire: how long the server may queue us
};

/// `operation` is one the lock service accepts from outside (Restore is not).
bool is_service_operation(std::string_view operation);

/// The flags a verb needs, checked before anything is sent: "" when complete.
std::string check_params(verb, const lock_params&);

struct http_call {
  std::string method; // GET or POST
  std::string target; // /v1/namespaces/{ns}/clusters/{name}/lock[/verb]
  std::string body;   // JSON; empty for GET
};

/// The request of `v` on `cluster`; the body is serialized JSON (holder and message escaped).
http_call build_call(verb v, const cluster_ref& cluster, const lock_params& params);

/// The LOCK object of the server's replies.
struct lock_info {
  std::string operation;
  std::string holder;
  std::string message;
  std::int64_t fence = 0;
  std::string since;      // empty when absent
  std::string renewed_at; // empty when absent
};

/// A reply, as far as the client needs it.
struct lock_reply {
  int status = 0;
  bool readable = false;         // a JSON object with the fields its status requires
  std::string problem;           // why it is not readable
  std::string error;             // "busy", "not_holder", "unauthorized", ... ("" on 200)
  std::string message;           // the server's message on errors
  bool held = false;             // show
  std::optional<std::int64_t> fence; // acquire, renew
  std::optional<lock_info> lock; // show when held, acquire/renew, busy, not_holder (maybe)
  std::optional<std::int64_t> retry_after; // seconds, from the Retry-After header
};

/// Reads the reply to `v`. Never throws: malformed JSON or missing fields give readable=false.
lock_reply parse_reply(verb v, int status, std::string_view body);

/// Retry-After in seconds (the delta form; an HTTP date is not used by the lock service).
std::optional<std::int64_t> parse_retry_after(std::string_view header);

/// The exit code of a reply: 200 read -> 0; 409 busy/not_holder -> 3; 401/403 -> 4; else 1.
int exit_code_for(const lock_reply&);

/// The exit code of an HTTP status alone (the mapping table of exit_code_for).
int exit_code_for_status(int status, std::string_view error_code);

/// The one human line on stderr for a reply (never the token: it is not an input here).
std::string describe(verb v, const cluster_ref& cluster, const lock_reply& reply);

/// "Backup tenant-a/backup-1 (fence 3, since ..., \"nightly\")".
std::string describe_lock(const lock_info&);

} // namespace baorestore::cli::lock
