#include "model/detail/yaml_input.hpp"

#include <algorithm>

namespace baorestore::model::detail {

namespace {

// Small windows keep the count close to what the scanner has actually read (yaml-cpp itself
// prefetches 2 KiB at a time).
constexpr std::size_t window = 4096;

} // namespace

yaml_input::yaml_input(std::string_view text) : text_(text) {
  // nop: the first read calls underflow
}

yaml_input::int_type yaml_input::underflow() {
  if (gptr() < egptr())
    return traits_type::to_int_type(*gptr());
  if (next_ == text_.size())
    return traits_type::eof();
  auto chunk = text_.substr(next_, window);
  pending_ += static_cast<std::size_t>(std::count_if(chunk.begin(), chunk.end(), [](char c) {
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
  }));
  if (pending_ > max_flow_indicators)
    throw lookahead_exceeded{next_};
  next_ += chunk.size();
  // Only ever read: no put area is set, so the bytes are never written through this pointer.
  auto* p = const_cast<char*>(chunk.data());
  setg(p, p, p + chunk.size());
  return traits_type::to_int_type(*gptr());
}

} // namespace baorestore::model::detail
