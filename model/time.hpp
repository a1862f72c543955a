#pragma once
// Kubernetes metav1.Time: RFC 3339 at second precision, always written in UTC ("...Z");
// metav1.MicroTime: the same at microsecond precision.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace baorestore::model {

using timestamp = std::chrono::sys_seconds;

/// Formats as "2026-11-25T08:33:16Z".
std::string format_rfc3339(timestamp t);

/// Parses RFC 3339 ("Z" or "+hh:mm" offsets, optional fractional seconds, which are dropped).
/// Returns nullopt for anything else, including impossible dates such as February 30.
std::optional<timestamp> parse_rfc3339(std::string_view text);

/// Kubernetes metav1.MicroTime (a Lease's acquireTime and renewTime): microsecond precision.
using micro_timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// Formats as "2026-11-25T10:00:00.123456Z": always six fraction digits, as Go's
/// RFC3339Micro layout writes them.
std::string format_rfc3339_micro(micro_timestamp t);

/// Parses RFC 3339 as parse_rfc3339 does, keeping the fraction to the microsecond (digits
/// beyond the sixth are dropped).
std::optional<micro_timestamp> parse_rfc3339_micro(std::string_view text);

} // namespace baorestore::model
