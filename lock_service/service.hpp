#pragma once
// The lock service's request handling (issue 8) with the registry behind a function: every
// decision (route, token, tenancy, bounds, body) is made here, then the call is forwarded
// and the registry's answer rendered. No CAF and no sockets: tests drive it with plain
// requests and a scripted registry; lock_server.hpp connects it to both.
//
// Checks, in order: route (404, 405, 400 names) -> token (401) -> namespace (403) -> rate
// (429) -> body (413, 400, 403 Restore) -> operation (403) -> waits (429) -> registry.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lock_service/lock_call.hpp"
#include "lock_service/replies.hpp"
#include "lock_service/token_limits.hpp"
#include "lock_service/token_table.hpp"
#include "net/http_message.hpp"

namespace baorestore::lock_service {

/// One request's decision, for the log. Never holds the token, only its name.
struct decision {
  std::string token_name; // empty when no valid token was presented
  std::string cluster;    // "ns/name"; empty when the path named none
  std::string call;       // "query", "acquire", ... ; the method and path when unrouted
  std::string operation;  // "Backup", "Upgrade", ... when known
  std::string holder;
  std::string outcome;    // "granted", "busy", ..., or the error code
  int status = 0;
};

/// One line of text for a decision: `lock-service token=... cluster=... status=...`.
std::string to_string(const decision& d);

struct service_config {
  std::size_t max_body_bytes = 16 * 1024;
  double requests_per_second = 10;
  double burst = 20;
  std::size_t max_waits_per_token = 4;
  std::int64_t max_wait_seconds = 300;
  std::function<void(const decision&)> on_decision;
};

using reply_function = std::function<void(net::response)>;
using answer_function = std::function<void(registry_answer)>;
/// Sends a call to the lock registry; `done` is called once, from any thread.
using forward_function = std::function<void(const lock_call&, answer_function done)>;
/// The token table as of now (token_file::current in production).
using table_source = std::function<std::shared_ptr<const token_table>()>;

class service : public std::enable_shared_from_this<service> {
public:
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  service(service_config config, table_source tokens, forward_function forward,
          clock_function now = [] { return std::chrono::steady_clock::now(); });

  /// Answers `req` through `reply`, now or later (a waiting acquire), exactly once.
  void handle(const net::request& req, reply_function reply);

  const service_config& config() const { return config_; }

private:
  struct pending; // one request's state across the registry round trips

  void proceed(std::shared_ptr<pending> p, const net::request& req);
  void renew_checked(std::shared_ptr<pending> p, std::vector<model::cluster_operation> ops);
  void forward(std::shared_ptr<pending> p);

  service_config config_;
  table_source tokens_;
  forward_function forward_;
  clock_function now_;
  token_limits limits_;
};

} // namespace baorestore::lock_service
