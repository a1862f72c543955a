// Lenient lists and the description of an object that does not decode (undecodable.hpp).

#include "model/undecodable.hpp"

#include "model/detail/codec_parts.hpp"

namespace baorestore::model {

namespace {

using namespace detail;

/// A list split into its metadata and each item's JSON text, for the kind's own decoder.
struct raw_list {
  list_meta metadata;
  std::vector<std::string> items;
};

decoded<raw_list> split_list(std::string_view json, const decode_options& opts) {
  return decode_document<raw_list>(json, opts, [](object_reader& r, raw_list& x) {
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
    auto items = r.field("items", presence::optional);
    if (!items)
      return;
    simdjson::dom::array arr;
    if (items->get(arr) != simdjson::SUCCESS) {
      r.error("items", "expected array, got " + std::string(json_type_name(items->type())));
      return;
    }
    // Copied out as text: the items are decoded after this document's parser is done (the
    // decoders share one parser per thread).
    for (auto item : arr)
      x.items.push_back(simdjson::minify(item));
  });
}

struct summary {
  object_meta metadata;
  std::string phase;
};

template <class T, class Decode>
decoded<lenient_list<T>> decode_lenient(std::string_view json, const decode_options& opts,
                                        Decode decode) {
  decoded<lenient_list<T>> out;
  auto raw = split_list(json, opts);
  if (!raw) {
    out.errors = std::move(raw.errors);
    return out;
  }
  lenient_list<T> result;
  result.list.metadata = std::move(raw.value->metadata);
  for (const auto& text : raw.value->items) {
    if (auto d = decode(text, opts))
      result.list.items.push_back(std::move(*d.value));
    else
      result.skipped.push_back(describe_undecodable(text, std::move(d.errors), opts.limits));
  }
  out.value = std::move(result);
  return out;
}

} // namespace

undecodable_object describe_undecodable(std::string_view json, field_errors errors,
                                        const decode_limits& limits) {
  undecodable_object out;
  out.errors = std::move(errors);
  decode_options opts;
  opts.limits = limits;
  auto s = decode_document<summary>(json, opts, [](object_reader& r, summary& x) {
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
    r.object("status", presence::optional, [&](object_reader& st) { st.read("phase", x.phase); });
  });
  if (s) {
    out.metadata = std::move(s.value->metadata);
    out.phase = std::move(s.value->phase);
    return out;
  }
  // Even the status is broken: the metadata alone, when it reads.
  if (auto head = decode_object_head(json, opts))
    out.metadata = std::move(head.value->metadata);
  return out;
}

decoded<lenient_list<openbao_restore>>
decode_openbao_restore_list_lenient(std::string_view json, const decode_options& opts) {
  return decode_lenient<openbao_restore>(json, opts, [](std::string_view t, const decode_options& o) {
    return decode_openbao_restore(t, o);
  });
}

decoded<lenient_list<openbao_cluster>>
decode_openbao_cluster_list_lenient(std::string_view json, const decode_options& opts) {
  return decode_lenient<openbao_cluster>(json, opts, [](std::string_view t, const decode_options& o) {
    return decode_openbao_cluster(t, o);
  });
}

} // namespace baorestore::model
