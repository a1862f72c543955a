#pragma once
// Aggregated discovery (apidiscovery.k8s.io/v2): kubectl 1.32 asks /api and /apis for it
// first, and with it needs two requests instead of one per group version. It is chosen
// only when a media range of the Accept header names exactly g=apidiscovery.k8s.io, v=v2
// and as=APIGroupDiscoveryList (a v2beta1-only client must get the legacy shape), and the
// reply must carry that media type: kubectl picks its parser from Content-Type
// (KUBECTL.md §1).

#include <string_view>

#include <boost/json/object.hpp>

#include "devcluster/api/registry.hpp"

namespace baorestore::devcluster::api {

inline constexpr std::string_view aggregated_media_type =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

bool wants_aggregated(std::string_view accept);

/// The APIGroupDiscoveryList of the core group (`core`, for /api) or of every named group
/// (for /apis).
boost::json::object aggregated_discovery(const registry& r, bool core);

} // namespace baorestore::devcluster::api
