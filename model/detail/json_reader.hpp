#pragma once
// Path-aware reading of a simdjson DOM into the model's value types. Internal to model/:
// only codec implementation files include it, so simdjson stays out of public headers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "model/codec.hpp"
#include "model/field_error.hpp"
#include "model/time.hpp"

namespace baorestore::model::detail {

enum class presence { optional, required };

/// Collects the errors of one decode and carries its strictness.
class decode_context {
public:
  explicit decode_context(bool strict) : strict_(strict) {
    // nop
  }
  void error(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }
  bool strict() const { return strict_; }
  bool failed() const { return !errors_.empty(); }
  field_errors take_errors() { return std::move(errors_); }
  /// An unknown field of a noting reader (not an error): its path.
  void note_unknown(std::string path) { unknown_.push_back(std::move(path)); }
  std::vector<std::string> take_unknown() { return std::exchange(unknown_, {}); }

private:
  bool strict_;
  field_errors errors_;
  std::vector<std::string> unknown_;
};

/// "string", "integer", "number", "boolean", "null", "array" or "object".
std::string_view json_type_name(simdjson::dom::element_type t);

/// Reads the fields of one JSON object, remembering which keys it consumed so that
/// finish() can report unknown and duplicate ones when strict.
///
/// Paths are computed only when an error is reported: a reader knows its parent and its key
/// (or array index), so decoding a valid document builds no path strings at all.
class object_reader {
public:
  /// The document's root object.
  object_reader(simdjson::dom::object obj, decode_context& ctx)
    : obj_(obj), ctx_(ctx), strict_(false) {
    // nop
  }

  /// The object at `key` of `parent`, or at `parent.key[index]` when `index` is set.
  object_reader(simdjson::dom::object obj, const object_reader& parent, std::string_view key,
                std::optional<std::size_t> index, bool strict)
    : obj_(obj), parent_(&parent), key_(key), index_(index), ctx_(parent.ctx_),
      strict_(strict), noting_(parent.noting_) {
    // nop
  }

  /// A non-strict reader that notes its unknown fields (and its children's) in the context
  /// instead of ignoring them: what judging a restore's spec needs from a lenient read.
  void note_unknown_fields() { noting_ = true; }

  /// The field's value, or nullopt when absent or null (a "required" error if required).
  std::optional<simdjson::dom::element> field(std::string_view key, presence p);

  void read(std::string_view key, std::string& out, presence p = presence::optional);
  void read(std::string_view key, std::optional<std::string>& out);
  void read(std::string_view key, bool& out, presence p = presence::optional);
  void read(std::string_view key, std::optional<bool>& out);
  void read(std::string_view key, std::int64_t& out, presence p = presence::optional);
  void read(std::string_view key, std::int32_t& out, presence p = presence::optional);
  void read(std::string_view key, std::optional<std::int64_t>& out);
  void read(std::string_view key, std::optional<std::int32_t>& out);
  void read(std::string_view key, std::optional<timestamp>& out,
            presence p = presence::optional);
  /// A metav1.MicroTime.
  void read(std::string_view key, std::optional<micro_timestamp>& out);
  void read(std::string_view key, std::map<std::string, std::string>& out);
  void read(std::string_view key, std::vector<std::string>& out);
  /// An object kept whole as its compact JSON text (a part we carry but do not model).
  void read_raw_object(std::string_view key, std::optional<std::string>& out);

  /// Nested object at `key`: calls fill(reader) when present. Returns whether it did.
  /// The child is strict when this reader is, or when `strict_child` says so.
  template <class F>
  bool object(std::string_view key, presence p, F&& fill, bool strict_child = false) {
    auto e = field(key, p);
    if (!e)
      return false;
    simdjson::dom::object child;
    if (e->get(child) != simdjson::SUCCESS) {
      type_error(key, std::nullopt, "object", *e);
      return false;
    }
    object_reader r{child, *this, key, std::nullopt, strict_ || strict_child};
    fill(r);
    r.finish();
    return true;
  }

  /// Nested optional object: engaged when present.
  template <class T, class F>
  void optional_object(std::string_view key, std::optional<T>& out, F&& fill) {
    T value{};
    if (object(key, presence::optional, [&](object_reader& r) { fill(r, value); }))
      out = std::move(value);
  }

  /// Array of objects at `key`: appends one T per element, filled by fill(reader, T&).
  template <class T, class F>
  void objects(std::string_view key, std::vector<T>& out, F&& fill) {
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
    for (auto item : arr) {
      auto index = i++;
      simdjson::dom::object obj;
      if (item.get(obj) != simdjson::SUCCESS) {
        type_error(key, index, "object", item);
        continue;
      }
      object_reader r{obj, *this, key, index, strict_};
      T value{};
      fill(r, value);
      r.finish();
      out.push_back(std::move(value));
    }
  }

  /// Reports unknown and duplicate keys when strict. Call after all reads.
  void finish();

  /// This object's path ("" for the root).
  std::string path() const;
  /// The path of `key` in this object, with "[index]" when set.
  std::string path_of(std::string_view key,
                      std::optional<std::size_t> index = std::nullopt) const;
  decode_context& context() { return ctx_; }
  void error(std::string_view key, std::string message) {
    ctx_.error(path_of(key), std::move(message));
  }

private:
  void type_error(std::string_view key, std::optional<std::size_t> index,
                  std::string_view expected, simdjson::dom::element got);
  std::optional<std::string_view> string_at(std::string_view key, simdjson::dom::element e,
                                            std::optional<std::size_t> index = std::nullopt);
  template <class Int>
  std::optional<Int> integer_at(std::string_view key, simdjson::dom::element e);
  std::optional<bool> bool_at(std::string_view key, simdjson::dom::element e);

  simdjson::dom::object obj_;
  const object_reader* parent_ = nullptr;
  std::string_view key_;
  std::optional<std::size_t> index_;
  decode_context& ctx_;
  bool strict_;
  bool noting_ = false;
  std::vector<std::string_view> consumed_; // recorded only when strict or noting
};

/// Parses `json` within the limits. On failure reports one document-level error.
std::optional<simdjson::dom::element> parse_document(std::string_view json,
                                                     const decode_limits& limits,
                                                     decode_context& ctx);

/// Decodes a whole document whose root is an object, filled by fill(reader, T&).
template <class T, class F>
decoded<T> decode_document(std::string_view json, const decode_options& opts, F&& fill) {
  decode_context ctx{opts.strict};
  decoded<T> result;
  if (auto root = parse_document(json, opts.limits, ctx)) {
    simdjson::dom::object obj;
    if (root->get(obj) != simdjson::SUCCESS) {
      ctx.error("", "expected object, got " + std::string(json_type_name(root->type())));
    } else {
      T value{};
      object_reader r{obj, ctx};
      fill(r, value);
      r.finish();
      if (!ctx.failed())
        result.value = std::move(value);
    }
  }
  result.errors = ctx.take_errors();
  return result;
}

} // namespace baorestore::model::detail
