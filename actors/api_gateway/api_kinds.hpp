#pragma once
// The one table of the kinds the gateways serve: each kind's name, where it lives in the API
// (group, version, plural), whether it has a status subresource, and its model decoders
// (lists leniently: an item that does not decode is set aside, model/undecodable.hpp).
// The HTTP gateway builds its paths from it; the in-memory gateway derives its store ids
// from it (detail/memory_kinds.hpp). Pure: no CAF, no sockets.

#include <string_view>

#include "actors/api_gateway/api_paths.hpp"
#include "model/codec.hpp"
#include "model/undecodable.hpp"

namespace baorestore::gateway {

template <class T>
struct api_kind;

template <>
struct api_kind<model::openbao_cluster> {
  static constexpr std::string_view name = "OpenBaoCluster";
  static constexpr bool status_subresource = true;
  static inline const resource_path path{"openbao.org", "v1alpha1", "openbaoclusters", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_openbao_cluster(text, o);
  }
  static auto decode_list(std::string_view text, const model::decode_options& o) {
    return model::decode_openbao_cluster_list_lenient(text, o);
  }
};

template <>
struct api_kind<model::openbao_restore> {
  static constexpr std::string_view name = "OpenBaoRestore";
  static constexpr bool status_subresource = true;
  static inline const resource_path path{"openbao.org", "v1alpha1", "openbaorestores", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_openbao_restore(text, o);
  }
  static auto decode_list(std::string_view text, const model::decode_options& o) {
    return model::decode_openbao_restore_list_lenient(text, o);
  }
};

template <>
struct api_kind<model::job> {
  static constexpr std::string_view name = "Job";
  static constexpr bool status_subresource = true;
  static inline const resource_path path{"batch", "v1", "jobs", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_job(text, o);
  }
};

template <>
struct api_kind<model::secret> {
  static constexpr std::string_view name = "Secret";
  static constexpr bool status_subresource = false;
  static inline const resource_path path{"", "v1", "secrets", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_secret(text, o);
  }
};

template <>
struct api_kind<model::event> {
  static constexpr std::string_view name = "Event";
  static constexpr bool status_subresource = false;
  static inline const resource_path path{"", "v1", "events", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_event(text, o);
  }
};

template <>
struct api_kind<model::service_account> {
  static constexpr std::string_view name = "ServiceAccount";
  static constexpr bool status_subresource = false;
  static inline const resource_path path{"", "v1", "serviceaccounts", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_service_account(text, o);
  }
};

template <>
struct api_kind<model::lease> {
  static constexpr std::string_view name = "Lease";
  static constexpr bool status_subresource = false;
  static inline const resource_path path{"coordination.k8s.io", "v1", "leases", true};
  static auto decode(std::string_view text, const model::decode_options& o = {}) {
    return model::decode_lease(text, o);
  }
};

} // namespace baorestore::gateway
