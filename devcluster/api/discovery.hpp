#pragma once
// Discovery and OpenAPI documents as kubectl 1.32 needs them (KUBECTL.md §0-2): /version
// says minor 32 (the kubectl dispatcher picks its client from it), /api and /apis in the
// legacy shapes (kubectl falls back from aggregated discovery to these when the reply is
// plain JSON, and then asks /api/v1 and /apis/<g>/<v>), and a minimal /openapi/v3 with
// one PATCH operation per kind carrying `fieldValidation`, which is what makes kubectl's
// default `--validate=strict` pass and leave validation to the server. No schemas.

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "devcluster/api/registry.hpp"

namespace baorestore::devcluster::api {

boost::json::object version_info();
boost::json::object api_versions();                    // GET /api
boost::json::object api_group_list(const registry& r); // GET /apis
/// GET /apis/<g> (group "" is not a group); nullopt when the group is not served.
std::optional<boost::json::object> api_group(const registry& r, const std::string& group);
/// GET /api/v1 or /apis/<g>/<v>; nullopt when not served.
std::optional<boost::json::object> api_resource_list(const registry& r, const std::string& group,
                                                     const std::string& version);
boost::json::object openapi_root(const registry& r); // GET /openapi/v3
/// GET /openapi/v3/api/v1 or /openapi/v3/apis/<g>/<v>; nullopt when not served.
std::optional<boost::json::object> openapi_group_version(const registry& r,
                                                         const std::string& group,
                                                         const std::string& version);

} // namespace baorestore::devcluster::api
