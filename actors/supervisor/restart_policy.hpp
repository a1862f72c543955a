#pragma once
// The supervisor's restart decision (DESIGN §6), pure: no CAF, no clock of its own.
//
// Intensity is counted over the whole supervisor, as in Erlang/OTP: more than `intensity`
// restarts within `period` means something systemic is wrong, and the supervisor escalates
// (fails itself) instead of restarting again. The backoff before a restart is per child:
// base * 2^(attempt-1), capped, where `attempt` counts the child's consecutive crashes and
// starts again at 1 when the child had run for at least `period` before it crashed.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace baorestore::supervision {

using time_point = std::chrono::steady_clock::time_point;
using duration = std::chrono::nanoseconds;

struct restart_policy {
  /// N: restarts allowed within `period`; one more crash inside the window escalates.
  std::uint32_t intensity = 5;
  /// T: the window of the intensity limit, and the uptime after which a child counts as
  /// healthy again (its backoff starts over).
  duration period = std::chrono::seconds{60};
  duration backoff_base = std::chrono::milliseconds{100};
  duration backoff_cap = std::chrono::seconds{10};
};

enum class restart_action : std::uint8_t { restart, escalate };

std::string to_string(restart_action a);

struct restart_decision {
  restart_action action = restart_action::restart;
  duration delay{0}; // restart: wait this long before starting the child again
  bool operator==(const restart_decision&) const = default;
};

/// base * 2^(attempt-1), at most cap; attempt 0 counts as 1. Never negative, no overflow.
duration backoff_delay(const restart_policy& p, std::uint32_t attempt);

/// The attempt number of a child's crash: 1 when the child had been up for `period` or
/// longer (or never crashed before), else previous + 1.
std::uint32_t next_attempt(const restart_policy& p, std::uint32_t previous_attempt,
                           duration uptime);

/// How many of `restarts` lie within the window (now - period, now].
std::size_t restarts_in_window(const restart_policy& p, std::span<const time_point> restarts,
                               time_point now);

/// A child crashed at `now`. `restarts` are the supervisor's earlier restarts (older ones are
/// ignored); `attempt` is this crash's attempt number (next_attempt). Escalate when the
/// window already holds `intensity` restarts; else restart after backoff_delay(attempt).
restart_decision decide_restart(const restart_policy& p, std::span<const time_point> restarts,
                                std::uint32_t attempt, time_point now);

} // namespace baorestore::supervision
