#pragma once
// The input side of YAML reading: a std::streambuf over the caller's text that stops yaml-cpp
// from buffering an unbounded number of tokens. Internal to model/ (manifest reading).
//
// yaml-cpp emits no event while a flow collection that could still turn out to be a mapping
// key is open (`- [1, 2, ...]`, or `[...]` at the top level): it keeps every token of it
// queued, about 140 bytes each, so 8 MiB of `[1,1,1,...` would take over 1 GB before a single
// node could be counted. This buffer counts the flow indicators (`,[]{}`, at least one per
// few tokens) handed to yaml-cpp since the last event and fails once there are too many.
// A scalar is one token however long, but its separators count too until its event: a JSON
// blob in a ConfigMap with over 250,000 of them (1-2 MiB of JSON; the API server refuses
// ConfigMaps over 1 MiB) is refused here as well. Recognising block scalars in the raw bytes
// to exempt them is not worth the risk of getting it wrong and reopening the hole.

#include <cstddef>
#include <streambuf>
#include <string_view>

namespace baorestore::model::detail {

/// Thrown out of yaml-cpp's read when the limit is crossed; `offset` is where it was.
struct lookahead_exceeded {
  std::size_t offset;
};

class yaml_input final : public std::streambuf {
public:
  /// Flow indicators allowed between two events: bounds yaml-cpp's queue to a few hundred
  /// thousand tokens (tens of MB).
  static constexpr std::size_t max_flow_indicators = 250'000;

  explicit yaml_input(std::string_view text);

  /// Called on every event: the tokens read so far have been consumed.
  void on_event() { pending_ = 0; }

protected:
  int_type underflow() override;

private:
  std::string_view text_;
  std::size_t next_ = 0;    // offset of the first byte not yet handed out
  std::size_t pending_ = 0; // flow indicators handed out since the last event
};

} // namespace baorestore::model::detail
