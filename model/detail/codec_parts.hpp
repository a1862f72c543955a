#pragma once
// Decoders of the parts several kinds share (metadata, conditions, storage targets) and the
// apiVersion/kind check. Internal to model/.

#include <boost/json/fwd.hpp>

#include "model/detail/json_reader.hpp"

namespace baorestore::model::detail {

void fill(object_reader& r, object_meta& x);
void fill(object_reader& r, list_meta& x);
void fill(object_reader& r, condition& x);
void fill(object_reader& r, local_object_reference& x);
void fill(object_reader& r, backup_target& x);

/// Reads apiVersion and kind; when present they must be the expected ones.
void check_type(object_reader& r, const char* api_version, const char* kind);

/// {"apiVersion": ..., "kind": ...} as the start of an encoded object.
boost::json::object type_header(const char* api_version, const char* kind);

/// Decodes `{"metadata": {...}, "items": [...]}` with fill_item for each item.
template <class T, class F>
void fill_list(object_reader& r, object_list<T>& list, F&& fill_item) {
  r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, list.metadata); });
  r.objects("items", list.items, fill_item);
}

} // namespace baorestore::model::detail
