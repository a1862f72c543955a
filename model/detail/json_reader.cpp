#include "model/detail/json_reader.hpp"

#include <algorithm>
#include <limits>

namespace baorestore::model::detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// One parser per thread, reused across decodes: its buffers grow to the largest document
// seen (bounded by decode_limits::max_bytes) instead of being reallocated per call.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool is_integer(element e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}

template <class Int>
std::optional<Int> read_integer(element e, const std::string& path, decode_context& ctx) {
  std::int64_t v = 0;
  if (!is_integer(e) || e.get_int64().get(v) != simdjson::SUCCESS) {
    if (is_integer(e))
      ctx.error(path, "integer out of range");
    else
      ctx.error(path, "expected integer, got " + std::string(json_type_name(e.type())));
    return std::nullopt;
  }
  if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
    ctx.error(path, "integer out of range");
    return std::nullopt;
  }
  return static_cast<Int>(v);
}

std::optional<bool> read_bool(element e, const std::string& path, decode_context& ctx) {
  bool v = false;
  if (e.get_bool().get(v) != simdjson::SUCCESS) {
    ctx.error(path, "expected boolean, got " + std::string(json_type_name(e.type())));
    return std::nullopt;
  }
  return v;
}

} // namespace

std::string_view json_type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
      return "integer";
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

std::string index_path(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::optional<std::string> read_string(element e, const std::string& path,
                                       decode_context& ctx) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) {
    ctx.error(path, "expected string, got " + std::string(json_type_name(e.type())));
    return std::nullopt;
  }
  return std::string(v);
}

std::string object_reader::path_of(std::string_view key) const {
  if (path_.empty())
    return std::string(key);
  std::string result;
  result.reserve(path_.size() + 1 + key.size());
  result.append(path_).append(".").append(key);
  return result;
}

void object_reader::type_error(const std::string& path, std::string_view expected,
                               element got) {
  ctx_.error(path, "expected " + std::string(expected) + ", got "
                     + std::string(json_type_name(got.type())));
}

std::optional<element> object_reader::field(std::string_view key, presence p) {
  consumed_.push_back(key);
  element e;
  if (obj_.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
    if (p == presence::required)
      ctx_.error(path_of(key), "required");
    return std::nullopt;
  }
  return e;
}

void object_reader::read(std::string_view key, std::string& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = read_string(*e, path_of(key), ctx_))
      out = std::move(*v);
}

void object_reader::read(std::string_view key, std::optional<std::string>& out) {
  if (auto e = field(key, presence::optional))
    out = read_string(*e, path_of(key), ctx_);
}

void object_reader::read(std::string_view key, bool& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = read_bool(*e, path_of(key), ctx_))
      out = *v;
}

void object_reader::read(std::string_view key, std::optional<bool>& out) {
  if (auto e = field(key, presence::optional))
    out = read_bool(*e, path_of(key), ctx_);
}

void object_reader::read(std::string_view key, std::int64_t& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = read_integer<std::int64_t>(*e, path_of(key), ctx_))
      out = *v;
}

void object_reader::read(std::string_view key, std::int32_t& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = read_integer<std::int32_t>(*e, path_of(key), ctx_))
      out = *v;
}

void object_reader::read(std::string_view key, std::optional<std::int64_t>& out) {
  if (auto e = field(key, presence::optional))
    out = read_integer<std::int64_t>(*e, path_of(key), ctx_);
}

void object_reader::read(std::string_view key, std::optional<std::int32_t>& out) {
  if (auto e = field(key, presence::optional))
    out = read_integer<std::int32_t>(*e, path_of(key), ctx_);
}

void object_reader::read(std::string_view key, std::optional<timestamp>& out, presence p) {
  auto e = field(key, p);
  if (!e)
    return;
  auto text = read_string(*e, path_of(key), ctx_);
  if (!text)
    return;
  if (auto t = parse_rfc3339(*text))
    out = *t;
  else
    ctx_.error(path_of(key), "expected an RFC 3339 time, got \"" + *text + "\"");
}

void object_reader::read(std::string_view key, std::map<std::string, std::string>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  simdjson::dom::object obj;
  if (e->get(obj) != simdjson::SUCCESS) {
    type_error(path_of(key), "object", *e);
    return;
  }
  for (auto [k, v] : obj) {
    auto path = path_of(key) + "[" + std::string(k) + "]";
    if (auto s = read_string(v, path, ctx_))
      out[std::string(k)] = std::move(*s);
  }
}

void object_reader::read(std::string_view key, std::vector<std::string>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  simdjson::dom::array arr;
  if (e->get(arr) != simdjson::SUCCESS) {
    type_error(path_of(key), "array", *e);
    return;
  }
  std::size_t i = 0;
  for (auto item : arr)
    if (auto s = read_string(item, index_path(path_of(key), i++), ctx_))
      out.push_back(std::move(*s));
}

void object_reader::finish() {
  if (!strict_)
    return;
  std::vector<std::string_view> seen;
  for (auto [k, v] : obj_) {
    (void) v;
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      ctx_.error(path_of(k), "duplicate field");
      continue;
    }
    seen.push_back(k);
    if (std::find(consumed_.begin(), consumed_.end(), k) == consumed_.end())
      ctx_.error(path_of(k), "unknown field");
  }
}

std::optional<element> parse_document(std::string_view json, const decode_limits& limits,
                                      decode_context& ctx) {
  if (json.empty()) {
    ctx.error("", "empty document");
    return std::nullopt;
  }
  if (json.size() > limits.max_bytes) {
    ctx.error("", "document of " + std::to_string(json.size()) + " bytes exceeds the limit of "
                    + std::to_string(limits.max_bytes) + " bytes");
    return std::nullopt;
  }
  auto& parser = thread_parser();
  if (parser.max_depth() != limits.max_depth
      && parser.allocate(json.size(), limits.max_depth) != simdjson::SUCCESS) {
    ctx.error("", "out of memory preparing the JSON parser");
    return std::nullopt;
  }
  element root;
  auto err = parser.parse(json.data(), json.size()).get(root);
  if (err == simdjson::DEPTH_ERROR) {
    ctx.error("", "malformed JSON: nesting deeper than " + std::to_string(limits.max_depth)
                    + " levels");
    return std::nullopt;
  }
  if (err != simdjson::SUCCESS) {
    ctx.error("", std::string("malformed JSON: ") + simdjson::error_message(err));
    return std::nullopt;
  }
  return root;
}

} // namespace baorestore::model::detail
