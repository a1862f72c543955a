#include "model/detail/json_stream.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <boost/json.hpp>

namespace baorestore::model::detail {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct measure {
  std::size_t nodes = 0;
  std::size_t text = 0;
  bool finite = true;
};

// Recursion is bounded: the parser already refused anything deeper than max_depth.
void add(const boost::json::value& v, measure& m) {
  ++m.nodes;
  if (auto* s = v.if_string()) {
    m.text += s->size();
  } else if (auto* d = v.if_double()) {
    m.finite = m.finite && std::isfinite(*d);
  } else if (auto* arr = v.if_array()) {
    for (const auto& x : *arr)
      add(x, m);
  } else if (auto* obj = v.if_object()) {
    for (const auto& kv : *obj) {
      ++m.nodes;
      m.text += kv.key().size();
      add(kv.value(), m);
    }
  }
}

// The same caps as YAML documents: JSON has no aliases, but 8 MiB of `[0,0,...]` is still
// four million nodes. Boost.JSON reads 1e400 as infinity, which it cannot write back as JSON.
std::string check_limits(const boost::json::value& v, const manifest_limits& limits) {
  measure m;
  add(v, m);
  if (m.nodes > limits.max_nodes)
    return "more than " + std::to_string(limits.max_nodes) + " nodes";
  if (m.text > limits.max_text_bytes)
    return "more than " + std::to_string(limits.max_text_bytes) + " bytes of text";
  if (!m.finite)
    return "number out of range";
  return {};
}

std::string error_message(const boost::system::error_code& ec, const manifest_limits& limits) {
  if (ec == boost::json::error::too_deep)
    return "nesting deeper than " + std::to_string(limits.max_depth) + " levels";
  return ec.message();
}

} // namespace

std::vector<parsed_document> read_json_stream(std::string_view text,
                                              const manifest_limits& limits) {
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::parser parser{boost::json::storage_ptr{}, options};
  std::vector<parsed_document> docs;
  std::size_t offset = 0;
  for (std::size_t index = 1;; ++index) {
    while (offset < text.size() && is_space(text[offset]))
      ++offset;
    if (offset == text.size())
      break;
    boost::system::error_code ec;
    auto n = parser.write_some(text.data() + offset, text.size() - offset, ec);
    parsed_document doc;
    doc.index = index;
    if (ec) {
      doc.error = at_offset(text, offset + n, error_message(ec, limits));
      doc.syntax_error = ec != boost::json::error::too_deep;
      docs.push_back(std::move(doc));
      break;
    }
    offset += n;
    doc.value = parser.release();
    parser.reset();
    doc.error = check_limits(doc.value, limits);
    if (!doc.error.empty())
      doc.value = nullptr;
    docs.push_back(std::move(doc));
  }
  return docs;
}

} // namespace baorestore::model::detail
