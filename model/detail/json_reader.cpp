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

std::string expected_got(std::string_view expected, element got) {
  return "expected " + std::string(expected) + ", got " + std::string(json_type_name(got.type()));
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

std::string object_reader::path() const {
  if (!parent_)
    return {};
  return parent_->path_of(key_, index_);
}

std::string object_reader::path_of(std::string_view key, std::optional<std::size_t> index) const {
  auto result = path();
  if (!result.empty())
    result += '.';
  result.append(key);
  if (index)
    result.append("[").append(std::to_string(*index)).append("]");
  return result;
}

void object_reader::type_error(std::string_view key, std::optional<std::size_t> index,
                               std::string_view expected, element got) {
  ctx_.error(path_of(key, index), expected_got(expected, got));
}

std::optional<std::string_view> object_reader::string_at(std::string_view key, element e,
                                                         std::optional<std::size_t> index) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) {
    type_error(key, index, "string", e);
    return std::nullopt;
  }
  return v;
}

template <class Int>
std::optional<Int> object_reader::integer_at(std::string_view key, element e) {
  std::int64_t v = 0;
  if (!is_integer(e)) {
    type_error(key, std::nullopt, "integer", e);
    return std::nullopt;
  }
  if (e.get_int64().get(v) != simdjson::SUCCESS || v < std::numeric_limits<Int>::min()
      || v > std::numeric_limits<Int>::max()) {
    ctx_.error(path_of(key), "integer out of range");
    return std::nullopt;
  }
  return static_cast<Int>(v);
}

std::optional<bool> object_reader::bool_at(std::string_view key, element e) {
  bool v = false;
  if (e.get_bool().get(v) != simdjson::SUCCESS) {
    type_error(key, std::nullopt, "boolean", e);
    return std::nullopt;
  }
  return v;
}

std::optional<element> object_reader::field(std::string_view key, presence p) {
  if (strict_ || noting_)
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
    if (auto v = string_at(key, *e))
      out.assign(*v);
}

void object_reader::read(std::string_view key, std::optional<std::string>& out) {
  if (auto e = field(key, presence::optional))
    if (auto v = string_at(key, *e))
      out.emplace(*v);
}

void object_reader::read(std::string_view key, bool& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = bool_at(key, *e))
      out = *v;
}

void object_reader::read(std::string_view key, std::optional<bool>& out) {
  if (auto e = field(key, presence::optional))
    out = bool_at(key, *e);
}

void object_reader::read(std::string_view key, std::int64_t& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = integer_at<std::int64_t>(key, *e))
      out = *v;
}

void object_reader::read(std::string_view key, std::int32_t& out, presence p) {
  if (auto e = field(key, p))
    if (auto v = integer_at<std::int32_t>(key, *e))
      out = *v;
}

void object_reader::read(std::string_view key, std::optional<std::int64_t>& out) {
  if (auto e = field(key, presence::optional))
    out = integer_at<std::int64_t>(key, *e);
}

void object_reader::read(std::string_view key, std::optional<std::int32_t>& out) {
  if (auto e = field(key, presence::optional))
    out = integer_at<std::int32_t>(key, *e);
}

void object_reader::read(std::string_view key, std::optional<timestamp>& out, presence p) {
  auto e = field(key, p);
  if (!e)
    return;
  auto text = string_at(key, *e);
  if (!text)
    return;
  if (auto t = parse_rfc3339(*text))
    out = *t;
  else
    ctx_.error(path_of(key), "expected an RFC 3339 time, got \"" + std::string(*text) + "\"");
}

void object_reader::read(std::string_view key, std::optional<micro_timestamp>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  auto text = string_at(key, *e);
  if (!text)
    return;
  if (auto t = parse_rfc3339_micro(*text))
    out = *t;
  else
    ctx_.error(path_of(key), "expected an RFC 3339 time, got \"" + std::string(*text) + "\"");
}

void object_reader::read(std::string_view key, std::map<std::string, std::string>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  simdjson::dom::object obj;
  if (e->get(obj) != simdjson::SUCCESS) {
    type_error(key, std::nullopt, "object", *e);
    return;
  }
  for (auto [k, v] : obj) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS)
      out.insert_or_assign(std::string(k), std::string(s));
    else
      ctx_.error(path_of(key) + "[" + std::string(k) + "]", expected_got("string", v));
  }
}

void object_reader::read(std::string_view key, std::vector<std::string>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  simdjson::dom::array arr;
  if (e->get(arr) != simdjson::SUCCESS) {
    type_error(key, std::nullopt, "array", *e);
    return;
  }
  out.reserve(out.size() + arr.size());
  std::size_t i = 0;
  for (auto item : arr)
    if (auto s = string_at(key, item, i++))
      out.emplace_back(*s);
}

void object_reader::read_raw_object(std::string_view key, std::optional<std::string>& out) {
  auto e = field(key, presence::optional);
  if (!e)
    return;
  if (!e->is_object()) {
    type_error(key, std::nullopt, "object", *e);
    return;
  }
  out = simdjson::minify(*e);
}

void object_reader::finish() {
  if (!strict_ && noting_) {
    for (auto [k, v] : obj_) {
      (void) v;
      if (std::find(consumed_.begin(), consumed_.end(), k) == consumed_.end())
        ctx_.note_unknown(path_of(k));
    }
    return;
  }
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
