#pragma once
// The lock service as the operator runs it (issue 8): HTTPS on net::http_server with the
// certificate and key from files (reloaded when they change), the tokens file (reloaded
// too), the request handling of service.hpp and the registry bridge.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/cluster_lock/cluster_lock.hpp"
#include "lock_service/service.hpp"

namespace baorestore::lock_service {

struct lock_server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0; // 0: any free port, see lock_server::port()
  std::string cert_file;
  std::string key_file;
  std::string tokens_file;
  service_config service; // bounds and the decision log
  /// Holds not renewed for this long are released (hold_expiry.hpp); 0: never.
  std::chrono::milliseconds hold_timeout{0};
  /// Where the service's locks taken before this process are found at start, to expire
  /// them too (hold_options); none: only holds granted by this process expire.
  gateway::api_gateway_actor gateway;
  std::vector<std::string> namespaces; // the operator's watched namespaces; empty: all
  /// Lines about the server itself (token file reloads); never a token.
  std::function<void(const std::string&)> log;
};

class lock_server {
public:
  /// Reads the tokens file and the TLS pair, binds and serves. Throws std::runtime_error
  /// (or boost::system::system_error when it cannot bind) with what is wrong.
  lock_server(caf::actor_system& sys, cluster_lock::lock_registry_actor registry,
              lock_server_options opts);
  ~lock_server(); // stops
  lock_server(const lock_server&) = delete;
  lock_server& operator=(const lock_server&) = delete;

  std::uint16_t port() const;
  /// Stops serving and the bridge actor; waiting requests are dropped. Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace baorestore::lock_service
