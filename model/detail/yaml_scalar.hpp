#pragma once
// Typing of YAML scalars for manifests: the YAML 1.2 core schema, as JSON values. Internal to
// model/ (manifest reading).
//
// A plain scalar is null (null, Null, NULL, ~, empty), a boolean (true/True/TRUE,
// false/False/FALSE), an integer (decimal, 0o octal, 0x hex), a float, or else a string.
// Quoted and block scalars are always strings: `"true"` and `"10485760"` stay text, which is
// what a person quoting them means. YAML 1.1's yes/no/on/off and leading-zero octal (0644) are
// not recognised: under the core schema they are the string "yes" and the integer 644.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace baorestore::model::detail {

/// A typed scalar, or why its text cannot have the type its tag asks for.
struct typed_scalar {
  std::optional<boost::json::value> value;
  std::string error;
};

/// Types a scalar as yaml-cpp reports it: tag "?" is a plain scalar, "!" a quoted or block
/// one; "tag:yaml.org,2002:str|int|float|bool|null" are the explicit core tags. Any other tag
/// (!!binary, !custom) is an error: its meaning is not ours to guess.
typed_scalar type_scalar(std::string_view tag, std::string_view text);

/// Resolves a plain scalar under the core schema. nullopt for .inf, .nan and floats out of
/// double range, which JSON cannot hold.
std::optional<boost::json::value> resolve_plain_scalar(std::string_view text);

} // namespace baorestore::model::detail
