#pragma once
// One connection to the lock service for `baorestore lock ...`: the resolved flags (server,
// token, CA, cluster, what to send) and a blocking call per verb over net::http_client, which
// verifies the server's certificate and host name. The token is sent, never printed.

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/lock_client_core.hpp"
#include "net/http_client.hpp"

namespace baorestore::cli {

/// The flags of `baorestore lock`, as given (strings: they are checked in one place).
struct lock_options {
  std::string server;      // --server / BAORESTORE_LOCK_SERVER
  std::string token_file;  // --token-file / BAORESTORE_LOCK_TOKEN_FILE
  std::string ca_file;     // --ca-file; empty: the system's trust store
  std::string cluster;     // ns/name
  std::string operation;
  std::string holder;
  std::string message;
  std::string wait = "0";        // acquire: seconds the server may queue us
  std::string timeout = "30";    // each request, on top of the wait
  std::string renew_every = "30s";  // lock run
  std::string kill_after = "10s";   // lock run: SIGTERM..SIGKILL grace for the command
  std::vector<std::string> command; // lock run: after --
};

/// What one call gave: an HTTP reply (read), or a transport/TLS failure.
struct lock_outcome {
  std::optional<lock::lock_reply> reply;
  std::string body;      // the reply's body, verbatim
  std::string failure;   // set when no reply came
};

int exit_code_for(const lock_outcome&);

class lock_session {
public:
  /// Checks every flag `v` needs and reads the token and CA files; nullptr with `error` set
  /// when something is missing or unreadable.
  static std::unique_ptr<lock_session> open(lock::verb v, const lock_options& opts,
                                            std::string& error);
  ~lock_session();

  const lock::cluster_ref& cluster() const { return cluster_; }
  const lock::lock_params& params() const { return params_; }
  /// The waitSeconds of the next acquires (lock run asks in slices).
  void set_wait(std::chrono::seconds wait) { params_.wait = wait; }

  /// The request of `v`, waited for (up to the wait, for acquire, plus --timeout).
  lock_outcome call(lock::verb v);
  /// The same, without waiting: lets `lock run` watch for signals meanwhile.
  std::future<lock_outcome> call_async(lock::verb v);
  /// The stderr line of an outcome.
  std::string describe(lock::verb v, const lock_outcome&) const;

  /// Fails what is in flight (`closed`) and closes the connections.
  void stop();
  /// stop(), then a fresh client for the next calls (after abandoning a waiting acquire).
  void reset();

private:
  lock_session() = default;
  lock::cluster_ref cluster_;
  lock::lock_params params_;
  std::string token_;
  std::chrono::seconds timeout_{30};
  net::client_options client_options_;
  std::unique_ptr<net::http_client> client_;
};

} // namespace baorestore::cli
