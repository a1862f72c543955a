#pragma once
// JSON merge patch (RFC 7386): what `application/merge-patch+json` PATCH requests carry.
// Used by every component that applies or builds patches (in-memory gateway, embedded
// cluster), so that all of them agree with the API server.

#include <boost/json/fwd.hpp>

namespace baorestore::model {

/// Applies `patch` to `target` in place: objects merge recursively, null deletes a member,
/// anything else replaces the target.
void apply_merge_patch(boost::json::value& target, const boost::json::value& patch);

} // namespace baorestore::model
