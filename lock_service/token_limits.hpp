#pragma once
// Per-token bounds of the lock service (issue 8): a request rate (a token bucket per token,
// gateway::token_bucket) and a number of acquires waiting at once. Time is passed in.
// Thread-safe: requests arrive on the HTTP thread, waits end on the actor system's.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "actors/api_gateway/token_bucket.hpp"

namespace baorestore::lock_service {

class token_limits {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// requests_per_second <= 0: no rate limit. max_waits 0: no waiting acquire at all.
  token_limits(double requests_per_second, double burst, std::size_t max_waits);

  /// Takes one request from the token's bucket; nullopt when it may go ahead, else the
  /// whole seconds (at least 1) after which it may retry (Retry-After).
  std::optional<std::chrono::seconds> take_request(const std::string& token, time_point now);

  /// Counts a waiting acquire of the token; false (counting nothing) when it already has
  /// max_waits.
  bool begin_wait(const std::string& token);
  /// Ends one of begin_wait's waits.
  void end_wait(const std::string& token);
  std::size_t waits(const std::string& token) const;

private:
  double rate_;
  double burst_;
  std::size_t max_waits_;
  mutable std::mutex mtx_;
  std::map<std::string, gateway::token_bucket> buckets_;
  std::map<std::string, std::size_t> waits_;
};

} // namespace baorestore::lock_service
