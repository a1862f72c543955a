#pragma once
// The value rules of the configuration (validate, durations, addresses) and the "did you
// mean" suggestion for unknown keys. Internal to config/ apart from what operator_config.hpp
// declares; exposed for its tests.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/operator_config.hpp"

namespace baorestore::config::detail {

/// Why `text` is not a HOST:PORT address to listen on, HOST an IPv4 address or an IPv6 one in
/// brackets; empty when it is one.
std::string address_problem(std::string_view text);

/// The edit distance (optimal string alignment: a swap of two neighbours costs 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `key`, when one is close enough to be what was meant; case,
/// '_' and '-' are ignored ("lease_duration" suggests "leaseDuration").
std::string suggest(std::string_view key, const std::vector<std::string>& candidates);

/// validate(), leaving out the rules that involve one of the `skip` paths (settings whose
/// value could not be read, which still hold their defaults).
config_problems validate_except(const operator_config& cfg, const std::set<std::string>& skip);

} // namespace baorestore::config::detail
