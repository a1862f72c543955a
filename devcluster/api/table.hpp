#pragma once
// meta.k8s.io/v1 Table replies, what `kubectl get` asks for in human output (KUBECTL.md
// §4): columns Name plus the CRD's additionalPrinterColumns (or Name and Age when it has
// none, as the API server adds), cells printed verbatim by kubectl (so dates become a
// humanised age here), and rows[].object as PartialObjectMetadata, or the full object
// when the request said includeObject=Object (`--sort-by` needs it).

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "devcluster/api/registry.hpp"
#include "model/time.hpp"

namespace baorestore::devcluster::api {

enum class include_object { metadata, full, none };

/// includeObject's value: "Object", "None", or anything else (the default, Metadata).
include_object parse_include_object(std::string_view text);

/// True when an Accept header asks for a Table (`as=Table` in some media range).
bool wants_table(std::string_view accept);

/// The value at a simple JSONPath such as ".spec.cluster" (dotted names only); null
/// when any step is missing.
boost::json::value eval_json_path(const boost::json::object& obj, std::string_view path);

/// kubectl's humanised duration: "45s", "3m20s", "5m", "2h30m", "3d4h", "400d", "3y".
std::string human_age(std::chrono::seconds age);

struct table_options {
  include_object include = include_object::metadata;
  model::timestamp now{};
  std::string resource_version;
};

boost::json::object to_table(const served_resource& res,
                             const std::vector<boost::json::object>& items,
                             const table_options& opts);

} // namespace baorestore::devcluster::api
