#pragma once
// Log lines must be valid UTF-8 whatever the text they carry (an error body, a name from a
// manifest): JSON requires it, and Boost.JSON's serializer passes bytes through unchecked.

#include <string>
#include <string_view>

namespace baorestore::log {

/// `text` with every byte that does not belong to a well-formed UTF-8 sequence (overlong
/// forms, surrogates and code points above U+10FFFF included) replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

} // namespace baorestore::log
