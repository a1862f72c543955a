#pragma once
// Failures to reach or trust the API server (DESIGN §5): refused or unresolvable, a TLS
// handshake or verification failure, a deadline, 401 and 403. Each is logged at warning with
// its cause within seconds of the first, then at most once per interval per cause (with how
// many were not logged), counted, and named by /readyz until an exchange succeeds again.
// Pure: the gateway feeds the tracker (inside gateway_counters) and acts on its answers.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::gateway {

enum class trouble_cause : std::uint8_t { connect, tls, timeout, unauthorized, forbidden };

/// "connect", "tls", "timeout", "unauthorized", "forbidden": the metric's cause label.
std::string_view to_string(trouble_cause c);

/// A transport failure, by the HTTP client's error name (net::to_string(client_errc)):
/// connect, tls and timeout are trouble; a dropped or oversized answer is not (the server
/// was reached and trusted).
std::optional<trouble_cause> trouble_of_transport(std::string_view client_errc_name);

/// An HTTP answer: 401 and 403 are trouble; every other status means the server is reached
/// and trusts us.
std::optional<trouble_cause> trouble_of_status(int status);

struct active_trouble {
  trouble_cause cause = trouble_cause::connect;
  std::string message; // the latest one
  std::uint64_t count = 0; // since the last success
  bool operator==(const active_trouble&) const = default;
};

class trouble_tracker {
public:
  using clock = std::chrono::steady_clock;

  explicit trouble_tracker(std::chrono::seconds log_interval = std::chrono::seconds{30})
    : interval_(log_interval) {
    // nop
  }

  /// One failure. Returns whether to log it: the first of its cause, or the first once the
  /// interval since the last logged one passed; then *suppressed is the number of this
  /// cause's failures that were not logged in between.
  bool record(trouble_cause c, std::string message, clock::time_point now,
              std::uint64_t* suppressed = nullptr);

  /// A successful exchange: no cause is active any more. The log interval keeps running,
  /// so a flapping cause still logs at most once per interval.
  void clear();

  /// The causes seen since the last success.
  std::vector<active_trouble> active() const;

private:
  struct entry {
    active_trouble trouble;
    bool active = false;
    std::optional<clock::time_point> logged_at;
    std::uint64_t unlogged = 0;
  };
  std::chrono::seconds interval_;
  std::map<trouble_cause, entry> entries_;
};

} // namespace baorestore::gateway
