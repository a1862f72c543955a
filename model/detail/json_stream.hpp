#pragma once
// JSON manifests to JSON values, under manifest_limits. Internal to model/ (manifest reading).

#include <string_view>
#include <vector>

#include "model/detail/parsed_document.hpp"
#include "model/manifest.hpp"

namespace baorestore::model::detail {

/// Every value of a JSON text holding one or more values back to back (whitespace between
/// them), as `kubectl apply -f` accepts. A syntax error ends the stream and becomes the last
/// document. Duplicate keys keep their last value, as Go's encoding/json does.
std::vector<parsed_document> read_json_stream(std::string_view text,
                                              const manifest_limits& limits);

} // namespace baorestore::model::detail
