// coordination.k8s.io/v1 Lease: the leader election record.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

using namespace detail;

decoded<lease> decode_lease(std::string_view json, const decode_options& opts) {
  return decode_document<lease>(json, opts, [](object_reader& r, lease& x) {
    check_type(r, "coordination.k8s.io/v1", "Lease");
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
    r.object("spec", presence::optional, [&](object_reader& s) {
      s.read("holderIdentity", x.spec.holder_identity);
      s.read("leaseDurationSeconds", x.spec.lease_duration_seconds);
      s.read("acquireTime", x.spec.acquire_time);
      s.read("renewTime", x.spec.renew_time);
      s.read("leaseTransitions", x.spec.lease_transitions);
    });
  });
}

boost::json::value encode(const lease& x) {
  auto o = type_header("coordination.k8s.io/v1", "Lease");
  o["metadata"] = encode(x.metadata);
  // A struct field: Go writes it even when empty (omitempty does not apply to structs).
  boost::json::object spec;
  put_string(spec, "holderIdentity", x.spec.holder_identity);
  put_int(spec, "leaseDurationSeconds", x.spec.lease_duration_seconds);
  put_micro_time(spec, "acquireTime", x.spec.acquire_time);
  put_micro_time(spec, "renewTime", x.spec.renew_time);
  put_int(spec, "leaseTransitions", x.spec.lease_transitions);
  o["spec"] = std::move(spec);
  return o;
}

} // namespace baorestore::model
