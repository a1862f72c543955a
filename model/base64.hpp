#pragma once
// Standard base64 (RFC 4648 §4, padded), as Secret.data uses it.

#include <optional>
#include <string>
#include <string_view>

namespace baorestore::model {

std::string base64_encode(std::string_view bytes);
/// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace baorestore::model
