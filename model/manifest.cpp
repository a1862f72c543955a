#include "model/manifest.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <system_error>
#include <utility>

#include <boost/json.hpp>

#include "model/detail/json_stream.hpp"
#include "model/detail/parsed_document.hpp"
#include "model/detail/yaml_reader.hpp"

namespace baorestore::model {

namespace detail {

std::string at_position(long line, long column, const std::string& message) {
  return "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": "
         + message;
}

std::string at_offset(std::string_view text, std::size_t offset, const std::string& message) {
  auto before = text.substr(0, offset);
  auto line = std::count(before.begin(), before.end(), '\n');
  auto last_newline = before.rfind('\n');
  auto column = last_newline == std::string_view::npos ? offset : offset - last_newline - 1;
  return at_position(static_cast<long>(line), static_cast<long>(column), message);
}

} // namespace detail

namespace {

using detail::parsed_document;

// YAML's vocabulary: most manifests are YAML, and JSON readers know what a mapping is.
std::string shape_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object:
      return "a mapping";
    case boost::json::kind::array:
      return "a sequence";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::null:
      return "null";
    default:
      return "a number";
  }
}

std::string not_an_object(const boost::json::value& v) {
  return "expected a mapping (a Kubernetes object), got " + shape_name(v);
}

// kubectl's own test: JSON when the first non-space byte is '{', YAML otherwise. yaml-cpp
// alone would do for most JSON, but it rejects valid JSON such as surrogate pairs ("\ud83d").
// JSON is read as a stream of values, as kubectl does.
bool is_json(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") // a UTF-8 byte order mark
    text.remove_prefix(3);
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

bool is_list(const boost::json::object& obj) {
  auto* kind = obj.if_contains("kind");
  return kind && kind->is_string() && kind->get_string() == "List";
}

void add_error(std::vector<manifest_document>& out, std::string source, std::size_t index,
               std::string error) {
  out.push_back(manifest_document{std::move(source), index, {}, std::move(error)});
}

void add_object(std::vector<manifest_document>& out, std::string source, std::size_t index,
                const boost::json::value& v) {
  if (!v.is_object())
    add_error(out, std::move(source), index, not_an_object(v));
  else
    out.push_back(manifest_document{std::move(source), index, boost::json::serialize(v), {}});
}

// One parsed document as manifest documents: itself, its error, or a List's items.
void add_document(std::vector<manifest_document>& out, const std::string& source_name,
                  const parsed_document& doc) {
  auto source = source_name + "#" + std::to_string(doc.index);
  if (!doc.error.empty()) {
    add_error(out, std::move(source), doc.index, doc.error);
    return;
  }
  auto* obj = doc.value.if_object();
  if (!obj || !is_list(*obj)) {
    add_object(out, std::move(source), doc.index, doc.value);
    return;
  }
  auto* items = obj->if_contains("items");
  if (!items || items->is_null())
    return; // an empty List
  auto* arr = items->if_array();
  if (!arr) {
    add_error(out, std::move(source), doc.index,
              "items: expected a sequence, got " + shape_name(*items));
    return;
  }
  for (std::size_t i = 0; i < arr->size(); ++i)
    add_object(out, source + ".items[" + std::to_string(i) + "]", doc.index, (*arr)[i]);
}

std::vector<parsed_document> parse_stream(std::string_view text,
                                          const manifest_limits& limits) {
  if (!is_json(text))
    return detail::read_yaml_stream(text, limits);
  auto docs = detail::read_json_stream(text, limits);
  // A flow mapping such as `{name: x}` is YAML that starts like JSON: when the first value
  // is not JSON, it is read as YAML; if that fails too, JSON's error describes it better.
  if (!docs.empty() && docs.front().syntax_error) {
    auto yaml = detail::read_yaml_stream(text, limits);
    if (!yaml.empty() && yaml.front().error.empty())
      return yaml;
  }
  return docs;
}

std::string too_large(const manifest_limits& limits) {
  return "larger than " + std::to_string(limits.max_bytes) + " bytes";
}

} // namespace

std::vector<manifest_document> read_manifests(std::string_view text,
                                              const std::string& source_name,
                                              const manifest_limits& limits) {
  std::vector<manifest_document> out;
  if (text.size() > limits.max_bytes) {
    add_error(out, source_name, 0, too_large(limits));
    return out;
  }
  for (const auto& doc : parse_stream(text, limits))
    add_document(out, source_name, doc);
  return out;
}

manifest_file read_manifest_stream(std::istream& in, const std::string& source_name,
                                   const manifest_limits& limits) {
  manifest_file result;
  std::string text;
  // One byte more than allowed tells "exactly at the limit" from "over it".
  const std::size_t cap = limits.max_bytes + 1;
  char chunk[64 * 1024];
  while (text.size() < cap) {
    in.read(chunk, static_cast<std::streamsize>(std::min(sizeof chunk, cap - text.size())));
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (!in)
      break;
  }
  if (in.bad()) {
    result.error = source_name + ": read error";
    return result;
  }
  result.documents = read_manifests(text, source_name, limits);
  return result;
}

manifest_file read_manifest_file(const std::filesystem::path& path,
                                 const manifest_limits& limits) {
  auto name = path.string();
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return manifest_file{{}, name + ": no such file or directory"};
  if (std::filesystem::is_directory(status))
    return manifest_file{{}, name + ": is a directory"};
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return manifest_file{{}, name + ": " + std::strerror(errno)};
  return read_manifest_stream(in, name, limits);
}

} // namespace baorestore::model
