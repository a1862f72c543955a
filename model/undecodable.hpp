#pragma once
// Lenient reading of what the API server sends (DESIGN §2, "reading is lenient, judging is
// strict"): unknown fields are ignored by every decoder already; an object that still does
// not decode (a wrong type that a schema-less server let through, `force: "yes"`) must not
// take its whole list down with it, nor stop a watch. It is described here as far as it can
// be read (its metadata, its status.phase) with the decoder's errors, so that the caller can
// skip it, say so, and (for a restore) fail it by name.

#include <string>
#include <string_view>
#include <vector>

#include "model/codec.hpp"

namespace baorestore::model {

/// An object that does not decode as its kind.
struct undecodable_object {
  object_meta metadata; // what of it decodes (empty when not even that does)
  std::string phase;    // status.phase, when it is a string
  field_errors errors;  // why it does not decode, each with its path ("spec.force: ...")
  bool operator==(const undecodable_object&) const = default;
};

/// The metadata and status.phase of `json`, read leniently, with `errors` attached.
undecodable_object describe_undecodable(std::string_view json, field_errors errors,
                                        const decode_limits& limits = {});

/// A list whose items that do not decode are set aside instead of failing the list.
template <class T>
struct lenient_list {
  object_list<T> list;
  std::vector<undecodable_object> skipped;
};

/// Fails only when the list itself does not decode (not JSON, no items array, ...).
decoded<lenient_list<openbao_restore>>
decode_openbao_restore_list_lenient(std::string_view json, const decode_options& = {});
decoded<lenient_list<openbao_cluster>>
decode_openbao_cluster_list_lenient(std::string_view json, const decode_options& = {});

} // namespace baorestore::model
