#pragma once
// Kubernetes metav1.Time: RFC 3339 at second precision, always written in UTC ("...Z").

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

} // namespace baorestore::model
