#include "model/detail/yaml_reader.hpp"

#include <algorithm>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <boost/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "model/detail/yaml_input.hpp"
#include "model/detail/yaml_scalar.hpp"

namespace baorestore::model::detail {

namespace {

// Thrown out of yaml-cpp when it stops making progress: 0.7 loops forever on a stray flow
// indicator in block context (a line starting with ','), beginning empty document after
// empty document at the same place.
struct parser_stalled {
  YAML::Mark mark;
};

// What a node costs once its aliases are expanded.
struct cost {
  std::size_t nodes = 0;
  std::size_t text = 0;
};

// Builds one document's JSON value from yaml-cpp's events. Aliases are expanded by copying
// the anchored value, but only after charging its expanded cost to the document, so a
// bomb fails on the first alias that would cross a limit. After the first error the rest of
// the document's events are ignored (the parser still has to get through them).
class json_builder final : public YAML::EventHandler {
public:
  // Legitimate YAML yields at most about two events per byte (`[:,:,:]`); four per byte
  // means the parser is going round in circles.
  json_builder(const manifest_limits& limits, yaml_input& input, std::size_t text_size)
    : limits_(limits), input_(input), max_events_(4 * text_size + 64) {
    // nop
  }

  /// The document just finished (or abandoned by a parser exception), then resets.
  parsed_document take(std::size_t index) {
    parsed_document doc;
    doc.index = index;
    if (failed())
      doc.error = std::move(error_);
    else
      doc.value = std::move(root_);
    reset();
    return doc;
  }

  bool failed() const { return !error_.empty(); }
  bool empty_document() const { return !failed() && root_.is_null(); }

  /// Records a parser exception, unless an error of ours came first and caused nothing.
  void parser_error(const YAML::Mark& mark, const std::string& message) {
    if (!failed())
      fail(mark, message);
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    on_event(mark);
    if (last_document_start_ == mark.pos)
      throw parser_stalled{mark};
    last_document_start_ = mark.pos;
    reset();
  }

  void OnDocumentEnd() override {
    on_event(last_mark_); // take() collects the document
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    on_event(mark);
    if (failed())
      return;
    if (expecting_key()) {
      key(mark, "null", cost{1, 4});
      return;
    }
    if (charge(mark, cost{1, 0}))
      complete(mark, nullptr, anchor, 0, cost{1, 0});
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    on_event(mark);
    if (failed())
      return;
    // Keys are text whatever they look like: `80: http` is the key "80", as in kubectl.
    if (expecting_key()) {
      cost c{1, text.size()};
      if (key(mark, text, c) && anchor != 0)
        remember(mark, anchor, boost::json::value(boost::json::string_view(text)), c, 0);
      return;
    }
    auto typed = type_scalar(tag, text);
    if (!typed.value) {
      fail(mark, typed.error);
      return;
    }
    cost c{1, text.size()};
    if (charge(mark, c))
      complete(mark, std::move(*typed.value), anchor, 0, c);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    on_event(mark);
    if (failed())
      return;
    auto i = anchors_.find(anchor);
    if (i == anchors_.end()) {
      // yaml-cpp knows the anchor, so it names a node still open: the alias is inside it.
      fail(mark, "alias refers to a node that contains it");
      return;
    }
    const auto& a = i->second;
    if (stack_.size() + a.height > limits_.max_depth) {
      fail(mark, depth_message());
      return;
    }
    if (expecting_key()) {
      if (!a.value.is_string()) {
        fail(mark, "mapping key must be a scalar string");
        return;
      }
      key(mark, std::string(a.value.get_string()), a.expanded);
      return;
    }
    if (charge(mark, a.expanded))
      complete(mark, a.value, 0, a.height, a.expanded);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, boost::json::array{});
  }

  void OnSequenceEnd() override {
    on_event(last_mark_);
    close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, boost::json::object{});
  }

  void OnMapEnd() override {
    on_event(last_mark_);
    close();
  }

private:
  // An open mapping or sequence.
  struct frame {
    boost::json::value value;
    YAML::anchor_t anchor = 0;
    YAML::Mark mark;
    cost before;            // the document's cost when this node began
    std::size_t height = 1; // 1 + the height of its tallest child collection
    std::optional<std::string> key; // a mapping's key awaiting its value
  };

  // An anchored node, kept for its aliases.
  struct anchored {
    boost::json::value value;
    cost expanded;
    std::size_t height = 0;
  };

  // Every event: the input's lookahead is consumed, and the parser is still progressing.
  void on_event(const YAML::Mark& mark) {
    input_.on_event();
    last_mark_ = mark;
    if (++events_ > max_events_)
      throw parser_stalled{mark};
  }

  void reset() {
    stack_.clear();
    anchors_.clear();
    root_ = nullptr;
    spent_ = {};
    stored_ = {};
    error_.clear();
  }

  void fail(const YAML::Mark& mark, const std::string& message) {
    error_ = mark.is_null() ? message : at_position(mark.line, mark.column, message);
    stack_.clear();
    anchors_.clear();
  }

  std::string depth_message() const {
    return "nesting deeper than " + std::to_string(limits_.max_depth) + " levels";
  }

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().key;
  }

  // Adds `c` to the document's expanded cost, failing when that crosses a limit.
  bool charge(const YAML::Mark& mark, cost c) {
    if (c.nodes > limits_.max_nodes - std::min(spent_.nodes, limits_.max_nodes)) {
      fail(mark, "more than " + std::to_string(limits_.max_nodes)
                   + " nodes after expanding aliases");
      return false;
    }
    if (c.text > limits_.max_text_bytes - std::min(spent_.text, limits_.max_text_bytes)) {
      fail(mark, "more than " + std::to_string(limits_.max_text_bytes)
                   + " bytes of text after expanding aliases");
      return false;
    }
    spent_.nodes += c.nodes;
    spent_.text += c.text;
    return true;
  }

  bool key(const YAML::Mark& mark, std::string text, cost c) {
    if (!charge(mark, c))
      return false;
    auto& top = stack_.back();
    if (top.value.get_object().contains(text)) {
      // YAML forbids it and a JSON object cannot hold it; keeping either value would hide a
      // mistake from strict decoding.
      fail(mark, "duplicate key \"" + text + "\"");
      return false;
    }
    top.key = std::move(text);
    return true;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            boost::json::value empty) {
    on_event(mark);
    if (failed())
      return;
    bool is_map = empty.is_object();
    if (expecting_key()) {
      fail(mark, "mapping key must be a scalar string");
      return;
    }
    if (tag != "?" && tag != "!" && tag != (is_map ? "tag:yaml.org,2002:map"
                                                   : "tag:yaml.org,2002:seq")) {
      fail(mark, "unsupported tag " + tag);
      return;
    }
    if (stack_.size() + 1 > limits_.max_depth) {
      fail(mark, depth_message());
      return;
    }
    auto before = spent_;
    if (charge(mark, cost{1, 0}))
      stack_.push_back(frame{std::move(empty), anchor, mark, before, 1, std::nullopt});
  }

  void close() {
    if (failed())
      return;
    auto top = std::move(stack_.back());
    stack_.pop_back();
    cost c{spent_.nodes - top.before.nodes, spent_.text - top.before.text};
    complete(top.mark, std::move(top.value), top.anchor, top.height, c);
  }

  // Keeps a copy of an anchored node for its aliases. The copies are bounded like the
  // document: a stack of nested anchors must not multiply memory either.
  bool remember(const YAML::Mark& mark, YAML::anchor_t anchor, const boost::json::value& v,
                cost c, std::size_t height) {
    if (c.nodes > limits_.max_nodes - std::min(stored_.nodes, limits_.max_nodes)
        || c.text > limits_.max_text_bytes - std::min(stored_.text, limits_.max_text_bytes)) {
      fail(mark, "anchored nodes too large to keep for their aliases");
      return false;
    }
    stored_.nodes += c.nodes;
    stored_.text += c.text;
    anchors_[anchor] = anchored{v, c, height};
    return true;
  }

  // Places a finished node in its parent (or as the root), keeping a copy when anchored.
  void complete(const YAML::Mark& mark, boost::json::value v, YAML::anchor_t anchor,
                std::size_t height, cost c) {
    if (anchor != 0 && !remember(mark, anchor, v, c, height))
      return;
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    auto& parent = stack_.back();
    parent.height = std::max(parent.height, height + 1);
    if (auto* arr = parent.value.if_array()) {
      arr->push_back(std::move(v));
    } else {
      parent.value.get_object().emplace(*parent.key, std::move(v));
      parent.key.reset();
    }
  }

  const manifest_limits& limits_;
  yaml_input& input_;
  std::size_t max_events_;
  std::size_t events_ = 0;
  YAML::Mark last_mark_;
  std::optional<int> last_document_start_;
  std::vector<frame> stack_;
  std::map<YAML::anchor_t, anchored> anchors_;
  boost::json::value root_;
  cost spent_;  // the document's nodes and text, aliases expanded
  cost stored_; // what the copies in anchors_ hold
  std::string error_;
};

} // namespace

std::vector<parsed_document> read_yaml_stream(std::string_view text,
                                              const manifest_limits& limits) {
  yaml_input input{text};
  std::istream in{&input};
  YAML::Parser parser{in};
  json_builder builder{limits, input, text.size()};
  std::vector<parsed_document> docs;
  std::size_t index = 0;
  try {
    while (parser.HandleNextDocument(builder)) {
      ++index;
      if (!builder.empty_document())
        docs.push_back(builder.take(index));
    }
  } catch (const lookahead_exceeded& e) {
    builder.parser_error(YAML::Mark::null_mark(),
                         at_offset(text, e.offset,
                                   "flow collection ([...] or {...}) too long: over "
                                     + std::to_string(yaml_input::max_flow_indicators)
                                     + " separators before it closes; use block style"));
    docs.push_back(builder.take(index + 1));
  } catch (const parser_stalled& e) {
    builder.parser_error(e.mark, "unexpected input: the YAML parser makes no progress here");
    docs.push_back(builder.take(index + 1));
  } catch (const YAML::Exception& e) {
    builder.parser_error(e.mark, e.msg);
    docs.push_back(builder.take(index + 1));
  } catch (const std::exception& e) {
    // Nothing else is expected from yaml-cpp; a bad_alloc from a hostile file that slipped
    // past the limits must still end as an error, not a crash.
    builder.parser_error(YAML::Mark::null_mark(), e.what());
    docs.push_back(builder.take(index + 1));
  }
  return docs;
}

} // namespace baorestore::model::detail
