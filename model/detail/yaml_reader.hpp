#pragma once
// YAML streams to JSON values, under manifest_limits. Internal to model/ (manifest reading).

#include <string_view>
#include <vector>

#include "model/detail/parsed_document.hpp"
#include "model/manifest.hpp"

namespace baorestore::model::detail {

/// Every non-empty document of a YAML stream. Limits are enforced while parsing, before
/// anything is expanded: an over-limit document costs no more than its own text. A syntax
/// error ends the stream (yaml-cpp cannot resume after one): it becomes the last document.
std::vector<parsed_document> read_yaml_stream(std::string_view text,
                                              const manifest_limits& limits);

} // namespace baorestore::model::detail
