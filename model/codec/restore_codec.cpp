// OpenBaoRestore and its list.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace {

using namespace detail;

void fill(object_reader& r, openbao_restore_spec& x) {
  r.read("cluster", x.cluster, presence::required);
  r.object("source", presence::required, [&](object_reader& s) {
    s.object("target", presence::required,
             [&](object_reader& t) { detail::fill(t, x.source.target); });
    s.read("key", x.source.key, presence::required);
    s.read("expectedDigest", x.source.expected_digest);
    s.read("expectedSize", x.source.expected_size);
    s.read("expectedClusterID", x.source.expected_cluster_id);
    s.read("expectedVersion", x.source.expected_version);
  });
  r.read("jwtAuthRole", x.jwt_auth_role);
  r.optional_object("tokenSecretRef", x.token_secret_ref,
                    [](object_reader& o, local_object_reference& v) { detail::fill(o, v); });
  r.read("image", x.image);
  r.read("force", x.force);
  r.read("overrideOperationLock", x.override_operation_lock);
  r.read_raw_object("clusterTemplate", x.cluster_template);
  r.read("targetLifecycle", x.target_lifecycle);
  r.read("cleanupAfterSeconds", x.cleanup_after_seconds);
  r.read_raw_object("workloadIdentity", x.workload_identity);
}

void fill(object_reader& r, openbao_restore_status& x) {
  std::string phase;
  r.read("phase", phase);
  if (auto p = parse_restore_phase(phase))
    x.phase = *p;
  else
    r.error("phase", "unsupported value \"" + phase
                       + "\": expected Pending, Validating, Running, Completed or Failed");
  r.read("startTime", x.start_time);
  r.read("completionTime", x.completion_time);
  r.read("snapshotKey", x.snapshot_key);
  r.read("snapshotSize", x.snapshot_size);
  r.read("message", x.message);
  r.objects("conditions", x.conditions,
            [](object_reader& c, condition& v) { detail::fill(c, v); });
  r.read("observedGeneration", x.observed_generation);
}

void fill(object_reader& r, openbao_restore& x) {
  check_type(r, openbao_api_version, restore_kind);
  r.object("metadata", presence::optional,
           [&](object_reader& m) { detail::fill(m, x.metadata); });
  // Strict decoding applies to the spec: the part a person writes and typos matter in. A
  // lenient read notes the spec's unknown fields instead, for judging (InvalidSpec).
  r.object(
    "spec", presence::required,
    [&](object_reader& s) {
      s.note_unknown_fields();
      fill(s, x.spec);
    },
    r.context().strict());
  x.spec.unknown_fields = r.context().take_unknown();
  r.object("status", presence::optional, [&](object_reader& s) { fill(s, x.status); });
}

} // namespace

std::string_view to_string(restore_phase p) {
  switch (p) {
    case restore_phase::unset:
      return "";
    case restore_phase::pending:
      return "Pending";
    case restore_phase::validating:
      return "Validating";
    case restore_phase::running:
      return "Running";
    case restore_phase::completed:
      return "Completed";
    case restore_phase::failed:
      return "Failed";
  }
  return "";
}

std::optional<restore_phase> parse_restore_phase(std::string_view text) {
  for (auto p : {restore_phase::unset, restore_phase::pending, restore_phase::validating,
                 restore_phase::running, restore_phase::completed, restore_phase::failed})
    if (to_string(p) == text)
      return p;
  return std::nullopt;
}

decoded<openbao_restore> decode_openbao_restore(std::string_view json,
                                                const decode_options& opts) {
  return decode_document<openbao_restore>(
    json, opts, [](object_reader& r, openbao_restore& x) { fill(r, x); });
}

decoded<object_list<openbao_restore>>
decode_openbao_restore_list(std::string_view json, const decode_options& opts) {
  return decode_document<object_list<openbao_restore>>(
    json, opts, [](object_reader& r, object_list<openbao_restore>& x) {
      fill_list(r, x, [](object_reader& i, openbao_restore& v) { fill(i, v); });
    });
}

boost::json::value encode(const openbao_restore& x) {
  auto o = type_header(openbao_api_version, restore_kind);
  o["metadata"] = encode(x.metadata);

  boost::json::object spec;
  spec["cluster"] = x.spec.cluster;
  boost::json::object source{{"target", encode(x.spec.source.target)},
                             {"key", x.spec.source.key}};
  put_string(source, "expectedDigest", x.spec.source.expected_digest);
  if (x.spec.source.expected_size)
    source["expectedSize"] = *x.spec.source.expected_size;
  put_string(source, "expectedClusterID", x.spec.source.expected_cluster_id);
  put_string(source, "expectedVersion", x.spec.source.expected_version);
  spec["source"] = std::move(source);
  put_string(spec, "jwtAuthRole", x.spec.jwt_auth_role);
  if (x.spec.token_secret_ref)
    spec["tokenSecretRef"] = {{"name", x.spec.token_secret_ref->name}};
  put_string(spec, "image", x.spec.image);
  put_bool(spec, "force", x.spec.force);
  put_bool(spec, "overrideOperationLock", x.spec.override_operation_lock);
  if (x.spec.cluster_template)
    spec["clusterTemplate"] = boost::json::parse(*x.spec.cluster_template);
  put_string(spec, "targetLifecycle", x.spec.target_lifecycle);
  if (x.spec.cleanup_after_seconds)
    spec["cleanupAfterSeconds"] = *x.spec.cleanup_after_seconds;
  if (x.spec.workload_identity)
    spec["workloadIdentity"] = boost::json::parse(*x.spec.workload_identity);
  o["spec"] = std::move(spec);

  const auto& st = x.status;
  boost::json::object status;
  put_string(status, "phase", std::string(to_string(st.phase)));
  put_time(status, "startTime", st.start_time);
  put_time(status, "completionTime", st.completion_time);
  put_string(status, "snapshotKey", st.snapshot_key);
  put_int(status, "snapshotSize", st.snapshot_size);
  put_string(status, "message", st.message);
  put_list(status, "conditions", st.conditions, [](const condition& c) { return encode(c); });
  put_int(status, "observedGeneration", st.observed_generation);
  // Never "status": null or an empty status object (KUBECTL.md §11).
  put_object(o, "status", std::move(status));
  return o;
}

} // namespace baorestore::model
