// core/v1 ServiceAccount: the restore Job's identity.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

using namespace detail;

decoded<service_account> decode_service_account(std::string_view json,
                                                const decode_options& opts) {
  return decode_document<service_account>(json, opts, [](object_reader& r, service_account& x) {
    check_type(r, "v1", "ServiceAccount");
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
    r.read("automountServiceAccountToken", x.automount_service_account_token);
  });
}

boost::json::value encode(const service_account& x) {
  auto o = type_header("v1", "ServiceAccount");
  o["metadata"] = encode(x.metadata);
  put_bool(o, "automountServiceAccountToken", x.automount_service_account_token);
  return o;
}

} // namespace baorestore::model
