// OpenBaoCluster (the fields a restore reads) and status.operationLock.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace {

using namespace detail;

void fill(object_reader& r, backup_schedule& x) {
  r.read("schedule", x.schedule, presence::required);
  r.object("target", presence::required, [&](object_reader& t) { detail::fill(t, x.target); });
  r.read("jwtAuthRole", x.jwt_auth_role);
  r.optional_object("tokenSecretRef", x.token_secret_ref,
                    [](object_reader& o, local_object_reference& v) { detail::fill(o, v); });
  r.read("image", x.image);
}

void fill(object_reader& r, self_init_config& x) {
  r.read("enabled", x.enabled);
  r.optional_object("oidc", x.oidc, [](object_reader& o, self_init_oidc& v) {
    o.read("enabled", v.enabled);
    o.read("audience", v.audience);
  });
}

void fill(object_reader& r, openbao_cluster_spec& x) {
  r.read("version", x.version, presence::required);
  r.read("image", x.image);
  r.read("replicas", x.replicas);
  r.object("tls", presence::optional, [&](object_reader& t) {
    t.read("enabled", x.tls.enabled);
    t.read("mode", x.tls.mode);
  });
  r.optional_object("backup", x.backup,
                    [](object_reader& b, backup_schedule& v) { fill(b, v); });
  r.optional_object("selfInit", x.self_init,
                    [](object_reader& s, self_init_config& v) { fill(s, v); });
}

void fill(object_reader& r, operation_lock& x) {
  std::string op;
  r.read("operation", op, presence::required);
  if (auto parsed = parse_cluster_operation(op))
    x.operation = *parsed;
  else if (!op.empty())
    r.error("operation", "unsupported value \"" + op + "\": expected Restore, Backup or Upgrade");
  r.read("holder", x.holder, presence::required);
  r.read("message", x.message);
  r.read("acquiredAt", x.acquired_at);
  r.read("renewedAt", x.renewed_at);
  r.read("fence", x.fence);
}

void fill(object_reader& r, openbao_cluster_status& x) {
  r.read("phase", x.phase);
  r.read("initialized", x.initialized);
  r.read("selfInitialized", x.self_initialized);
  r.optional_object("blueGreen", x.blue_green, [](object_reader& b, blue_green_status& v) {
    b.read("phase", v.phase);
    b.read("blueRevision", v.blue_revision);
    b.read("greenRevision", v.green_revision);
  });
  r.optional_object("operationLock", x.lock,
                    [](object_reader& l, operation_lock& v) { fill(l, v); });
  r.objects("conditions", x.conditions,
            [](object_reader& c, condition& v) { detail::fill(c, v); });
}

void fill(object_reader& r, openbao_cluster& x) {
  check_type(r, openbao_api_version, cluster_kind);
  r.object("metadata", presence::optional,
           [&](object_reader& m) { detail::fill(m, x.metadata); });
  r.object("spec", presence::required, [&](object_reader& s) { fill(s, x.spec); });
  r.object("status", presence::optional, [&](object_reader& s) { fill(s, x.status); });
}

boost::json::object encode_spec(const openbao_cluster_spec& x) {
  boost::json::object o;
  o["version"] = x.version;
  put_string(o, "image", x.image);
  put_int(o, "replicas", x.replicas);
  boost::json::object tls;
  tls["enabled"] = x.tls.enabled;
  put_string(tls, "mode", x.tls.mode);
  o["tls"] = std::move(tls);
  if (x.backup) {
    const auto& b = *x.backup;
    boost::json::object backup;
    backup["schedule"] = b.schedule;
    backup["target"] = encode(b.target);
    put_string(backup, "jwtAuthRole", b.jwt_auth_role);
    if (b.token_secret_ref)
      backup["tokenSecretRef"] = {{"name", b.token_secret_ref->name}};
    put_string(backup, "image", b.image);
    o["backup"] = std::move(backup);
  }
  if (x.self_init) {
    boost::json::object si;
    si["enabled"] = x.self_init->enabled;
    if (x.self_init->oidc) {
      boost::json::object oidc;
      oidc["enabled"] = x.self_init->oidc->enabled;
      put_string(oidc, "audience", x.self_init->oidc->audience);
      si["oidc"] = std::move(oidc);
    }
    o["selfInit"] = std::move(si);
  }
  return o;
}

boost::json::object encode_status(const openbao_cluster_status& x) {
  boost::json::object o;
  put_string(o, "phase", x.phase);
  put_bool(o, "initialized", x.initialized);
  put_bool(o, "selfInitialized", x.self_initialized);
  if (x.blue_green) {
    boost::json::object bg;
    put_string(bg, "phase", x.blue_green->phase);
    put_string(bg, "blueRevision", x.blue_green->blue_revision);
    put_string(bg, "greenRevision", x.blue_green->green_revision);
    o["blueGreen"] = std::move(bg);
  }
  if (x.lock)
    o["operationLock"] = encode(*x.lock);
  put_list(o, "conditions", x.conditions, [](const condition& c) { return encode(c); });
  return o;
}

} // namespace

std::string_view to_string(cluster_operation op) {
  switch (op) {
    case cluster_operation::restore:
      return "Restore";
    case cluster_operation::backup:
      return "Backup";
    case cluster_operation::upgrade:
      return "Upgrade";
  }
  return "";
}

std::optional<cluster_operation> parse_cluster_operation(std::string_view text) {
  for (auto op :
       {cluster_operation::restore, cluster_operation::backup, cluster_operation::upgrade})
    if (to_string(op) == text)
      return op;
  return std::nullopt;
}

decoded<openbao_cluster> decode_openbao_cluster(std::string_view json,
                                                const decode_options& opts) {
  return decode_document<openbao_cluster>(
    json, opts, [](object_reader& r, openbao_cluster& x) { fill(r, x); });
}

decoded<object_list<openbao_cluster>>
decode_openbao_cluster_list(std::string_view json, const decode_options& opts) {
  return decode_document<object_list<openbao_cluster>>(
    json, opts, [](object_reader& r, object_list<openbao_cluster>& x) {
      fill_list(r, x, [](object_reader& i, openbao_cluster& v) { fill(i, v); });
    });
}

boost::json::value encode(const operation_lock& x) {
  boost::json::object o;
  o["operation"] = std::string(to_string(x.operation));
  o["holder"] = x.holder;
  put_string(o, "message", x.message);
  put_time(o, "acquiredAt", x.acquired_at);
  put_time(o, "renewedAt", x.renewed_at);
  put_int(o, "fence", x.fence);
  return o;
}

boost::json::value encode(const openbao_cluster& x) {
  auto o = type_header(openbao_api_version, cluster_kind);
  o["metadata"] = encode(x.metadata);
  o["spec"] = encode_spec(x.spec);
  put_object(o, "status", encode_status(x.status));
  return o;
}

} // namespace baorestore::model
