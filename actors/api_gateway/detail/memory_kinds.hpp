#pragma once
// Private to memory_gateway.cpp: the kinds the in-memory gateway keeps in the object store,
// their admission (each write must decode as its kind), and the translation between store
// results and the protocol's values and api_errc errors.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "actors/api_gateway/api_kinds.hpp"
#include "actors/api_gateway/patch_precondition.hpp"
#include "devcluster/metadata.hpp"
#include "devcluster/object_store.hpp"
#include "model/codec.hpp"

namespace baorestore::gateway::detail {

namespace dc = devcluster;
namespace json = boost::json;

// -- the kinds the store serves ------------------------------------------------------------

/// A kind of the shared table, with the object store's id derived from its API path.
template <class T>
struct kind : api_kind<T> {
  static inline const dc::resource_id id{api_kind<T>::path.group, api_kind<T>::path.version,
                                         api_kind<T>::path.plural};
};

template <class T>
dc::resource_def definition() {
  return {kind<T>::id, std::string{kind<T>::name}, true, kind<T>::status_subresource, {}};
}

/// The object the admission hook last decoded on this thread. The store runs its hooks on
/// the caller's thread with the object it is about to commit, which differs from what the
/// write returns only in the resourceVersion the commit assigns; so a write's result is
/// decoded once, here (the hot path of lock writes), not twice.
template <class T>
thread_local std::optional<T> admitted;

/// Admission: a write must leave an object that decodes as its kind (else 422 Invalid with
/// the decoder's field errors as causes), as the API server's schema validation would.
template <class T>
dc::status_causes decode_errors(const json::object& updated) {
  auto decoded = kind<T>::decode(json::serialize(updated));
  admitted<T> = std::move(decoded.value);
  dc::status_causes out;
  for (auto& e : decoded.errors)
    out.push_back({"FieldValueInvalid", std::move(e.message), std::move(e.path)});
  return out;
}

inline dc::status_causes decodes_as_kind(const dc::resource_def& def, const json::object*,
                                         const json::object& updated) {
  if (def.id == kind<model::openbao_cluster>::id)
    return decode_errors<model::openbao_cluster>(updated);
  if (def.id == kind<model::openbao_restore>::id)
    return decode_errors<model::openbao_restore>(updated);
  if (def.id == kind<model::job>::id)
    return decode_errors<model::job>(updated);
  if (def.id == kind<model::secret>::id)
    return decode_errors<model::secret>(updated);
  if (def.id == kind<model::event>::id)
    return decode_errors<model::event>(updated);
  if (def.id == kind<model::service_account>::id)
    return decode_errors<model::service_account>(updated);
  if (def.id == kind<model::lease>::id)
    return decode_errors<model::lease>(updated);
  return {};
}

// -- results and errors -------------------------------------------------------------------

inline caf::error to_api_error(const dc::store_error& e) {
  return make_api_error(errc_for_status(e.code, e.reason), e.message);
}

/// A stored document as the model value; bad_response if it does not decode (admission
/// keeps that from happening).
template <class T>
caf::expected<T> decode_stored(const json::object& obj) {
  auto d = kind<T>::decode(json::serialize(obj));
  if (!d)
    return make_api_error(api_errc::bad_response,
                          "stored " + std::string{kind<T>::name} + " does not decode: "
                            + (d.errors.empty() ? "?" : model::to_string(d.errors.front())));
  return std::move(*d.value);
}

template <class T>
caf::expected<T> decode_stored(const dc::result<json::object>& r) {
  if (!r)
    return to_api_error(r.error());
  return decode_stored<T>(*r);
}

/// What a write (create, patch) answered, as the model value: the admission hook's decoding
/// when it is of this object, else a decoding of the answer.
template <class T>
caf::expected<T> decode_written(const dc::result<json::object>& r) {
  auto seen = std::exchange(admitted<T>, std::nullopt);
  if (!r)
    return to_api_error(r.error());
  if (seen && seen->metadata.name == dc::meta_string(*r, "name")
      && seen->metadata.namespace_ == dc::meta_string(*r, "namespace")
      && seen->metadata.uid == dc::meta_string(*r, "uid")) {
    seen->metadata.resource_version = dc::meta_string(*r, "resourceVersion");
    return std::move(*seen);
  }
  return decode_stored<T>(*r);
}

inline json::object encode_object(const auto& x) {
  return std::move(model::encode(x).as_object());
}

} // namespace baorestore::gateway::detail
