#pragma once
// JSON codec of the model: decoding with simdjson, encoding through Boost.JSON.
//
// Decoding never throws and never trusts its input: the size and nesting depth are capped
// (decode_limits), malformed JSON, invalid UTF-8, a missing required field or a wrong type
// become field_errors that name the JSON path ("spec.source.key: required"), and all of a
// document's errors are reported at once. Unknown fields are ignored unless `strict`, which
// reports them (and duplicate keys) inside the spec of our own kinds, where a typo such as
// "overideOperationLock" must not be silently dropped.
//
// Encoding writes what upstream's Go types would (omitempty), times as RFC 3339 UTC, and
// round-trips: decode(encode(x)) == x.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "model/api_status.hpp"
#include "model/event.hpp"
#include "model/field_error.hpp"
#include "model/job.hpp"
#include "model/lease.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/secret.hpp"
#include "model/service_account.hpp"

namespace baorestore::model {

struct decode_limits {
  /// Largest document accepted, in bytes. The API server refuses requests over 3 MiB; lists
  /// may be larger, and their callers raise this.
  std::size_t max_bytes = 3 * 1024 * 1024;
  /// Deepest nesting accepted. Our kinds nest fewer than 20 levels.
  std::size_t max_depth = 64;
};

struct decode_options {
  decode_limits limits;
  bool strict = false;
};

/// Either a value or the list of everything wrong with the input.
template <class T>
struct decoded {
  std::optional<T> value;
  field_errors errors;
  explicit operator bool() const { return value.has_value(); }
};

/// apiVersion, kind and metadata of any Kubernetes object: what a manifest reader needs to
/// choose the decoder.
struct object_head {
  std::string api_version;
  std::string kind;
  object_meta metadata;
  bool operator==(const object_head&) const = default;
};

decoded<object_head> decode_object_head(std::string_view json, const decode_options& = {});
decoded<openbao_restore> decode_openbao_restore(std::string_view json,
                                                const decode_options& = {});
decoded<openbao_cluster> decode_openbao_cluster(std::string_view json,
                                                const decode_options& = {});
decoded<job> decode_job(std::string_view json, const decode_options& = {});
decoded<secret> decode_secret(std::string_view json, const decode_options& = {});
decoded<event> decode_event(std::string_view json, const decode_options& = {});
decoded<service_account> decode_service_account(std::string_view json,
                                                const decode_options& = {});
decoded<lease> decode_lease(std::string_view json, const decode_options& = {});
decoded<api_status> decode_api_status(std::string_view json, const decode_options& = {});
decoded<object_list<openbao_restore>>
decode_openbao_restore_list(std::string_view json, const decode_options& = {});
decoded<object_list<openbao_cluster>>
decode_openbao_cluster_list(std::string_view json, const decode_options& = {});

boost::json::value encode(const object_meta& x);
boost::json::value encode(const condition& x);
boost::json::value encode(const backup_target& x);
boost::json::value encode(const operation_lock& x);
boost::json::value encode(const openbao_restore& x);
boost::json::value encode(const openbao_cluster& x);
boost::json::value encode(const job& x);
boost::json::value encode(const secret& x);
boost::json::value encode(const event& x);
boost::json::value encode(const service_account& x);
boost::json::value encode(const lease& x);
boost::json::value encode(const api_status& x);

/// Compact JSON text of any encodable value.
template <class T>
std::string to_json(const T& x);

extern template std::string to_json(const openbao_restore&);
extern template std::string to_json(const openbao_cluster&);
extern template std::string to_json(const job&);
extern template std::string to_json(const secret&);
extern template std::string to_json(const event&);
extern template std::string to_json(const service_account&);
extern template std::string to_json(const lease&);
extern template std::string to_json(const api_status&);
extern template std::string to_json(const operation_lock&);
extern template std::string to_json(const object_meta&);

} // namespace baorestore::model
