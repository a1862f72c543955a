#include "actors/api_gateway/watch_line.hpp"

#include <simdjson.h>

namespace baorestore::gateway {

namespace {

std::optional<watch_line_type> type_of(std::string_view s) {
  if (s == "ADDED")
    return watch_line_type::added;
  if (s == "MODIFIED")
    return watch_line_type::modified;
  if (s == "DELETED")
    return watch_line_type::deleted;
  if (s == "BOOKMARK")
    return watch_line_type::bookmark;
  if (s == "ERROR")
    return watch_line_type::error;
  return std::nullopt;
}

std::optional<watch_line> fail(std::string* error, std::string why) {
  if (error)
    *error = std::move(why);
  return std::nullopt;
}

} // namespace

std::optional<watch_line> parse_watch_line(std::string_view line, std::string* error) {
  // The DOM parser validates the whole line (trailing content included); the object is
  // handed over minified, and read once more by its kind's decoder.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS)
    return fail(error, "watch event is not JSON");
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS)
    return fail(error, "watch event is not a JSON object");
  simdjson::dom::element type_el;
  if (obj["type"].get(type_el) != simdjson::SUCCESS)
    return fail(error, "watch event without a type");
  std::string_view type_name;
  if (type_el.get_string().get(type_name) != simdjson::SUCCESS)
    return fail(error, "watch event type is not a string");
  auto type = type_of(type_name);
  if (!type)
    return fail(error, "unknown watch event type \"" + std::string{type_name} + "\"");
  simdjson::dom::element object_el;
  if (obj["object"].get(object_el) != simdjson::SUCCESS)
    return fail(error, "watch event without an object");
  if (!object_el.is_object())
    return fail(error, "watch event object is not a JSON object");
  return watch_line{*type, simdjson::minify(object_el)};
}

} // namespace baorestore::gateway
