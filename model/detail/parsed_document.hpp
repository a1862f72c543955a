#pragma once
// What the YAML and JSON stream readers hand to manifest reading: one parsed document each,
// before it is checked to be an object and Lists are expanded. Internal to model/.

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace baorestore::model::detail {

struct parsed_document {
  /// 1-based position in the stream, skipped empty documents included.
  std::size_t index = 0;
  /// The document; null when `error` is set.
  boost::json::value value;
  /// Why the document could not be read, with its position when known.
  std::string error;
  /// The error is a syntax error (not a limit), which ended the stream.
  bool syntax_error = false;
};

/// "line L, column C: message" from 0-based line and column.
std::string at_position(long line, long column, const std::string& message);

/// at_position of byte `offset` of `text`.
std::string at_offset(std::string_view text, std::size_t offset, const std::string& message);

} // namespace baorestore::model::detail
