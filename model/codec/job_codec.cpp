// batch/v1 Job: the restore pod we create, and the status we poll.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace {

using namespace detail;

void fill(object_reader& r, container_security_context& x) {
  r.read("allowPrivilegeEscalation", x.allow_privilege_escalation);
  r.read("readOnlyRootFilesystem", x.read_only_root_filesystem);
  r.read("runAsNonRoot", x.run_as_non_root);
  r.read("privileged", x.privileged);
  r.optional_object("capabilities", x.caps, [](object_reader& c, capabilities& v) {
    c.read("add", v.add);
    c.read("drop", v.drop);
  });
}

void fill(object_reader& r, container& x) {
  r.read("name", x.name, presence::required);
  r.read("image", x.image);
  r.read("imagePullPolicy", x.image_pull_policy);
  r.read("command", x.command);
  r.read("args", x.args);
  r.objects("env", x.env, [](object_reader& e, env_var& v) {
    e.read("name", v.name, presence::required);
    e.read("value", v.value);
  });
  r.objects("volumeMounts", x.volume_mounts, [](object_reader& m, volume_mount& v) {
    m.read("name", v.name, presence::required);
    m.read("mountPath", v.mount_path, presence::required);
    m.read("readOnly", v.read_only);
  });
  r.optional_object("securityContext", x.security_context,
                    [](object_reader& s, container_security_context& v) { fill(s, v); });
}

void fill(object_reader& r, volume& x) {
  r.read("name", x.name, presence::required);
  r.optional_object("secret", x.secret, [](object_reader& s, secret_volume_source& v) {
    s.read("secretName", v.secret_name);
    s.read("defaultMode", v.default_mode);
  });
  r.optional_object("emptyDir", x.empty_dir, [](object_reader& e, empty_dir_volume_source& v) {
    e.read("medium", v.medium);
  });
  r.optional_object("projected", x.projected, [](object_reader& p, projected_volume_source& v) {
    p.read("defaultMode", v.default_mode);
    // Only serviceAccountToken sources are modelled; other source kinds are skipped.
    std::vector<std::optional<service_account_token_projection>> sources;
    p.objects("sources", sources,
              [](object_reader& s, std::optional<service_account_token_projection>& t) {
                s.optional_object("serviceAccountToken", t,
                                  [](object_reader& a, service_account_token_projection& w) {
                                    a.read("audience", w.audience);
                                    a.read("expirationSeconds", w.expiration_seconds);
                                    a.read("path", w.path, presence::required);
                                  });
              });
    for (auto& s : sources)
      if (s)
        v.service_account_tokens.push_back(std::move(*s));
  });
}

void fill(object_reader& r, pod_spec& x) {
  r.read("serviceAccountName", x.service_account_name);
  r.read("automountServiceAccountToken", x.automount_service_account_token);
  r.read("restartPolicy", x.restart_policy);
  r.optional_object("securityContext", x.security_context,
                    [](object_reader& s, pod_security_context& v) {
                      s.read("runAsNonRoot", v.run_as_non_root);
                      s.read("runAsUser", v.run_as_user);
                      s.read("runAsGroup", v.run_as_group);
                      s.read("fsGroup", v.fs_group);
                      s.object("seccompProfile", presence::optional, [&](object_reader& p) {
                        p.read("type", v.seccomp_profile_type, presence::required);
                      });
                    });
  r.objects("containers", x.containers, [](object_reader& c, container& v) { fill(c, v); });
  r.objects("volumes", x.volumes, [](object_reader& c, volume& v) { fill(c, v); });
}

void fill(object_reader& r, job_spec& x) {
  r.read("backoffLimit", x.backoff_limit);
  r.read("activeDeadlineSeconds", x.active_deadline_seconds);
  r.read("ttlSecondsAfterFinished", x.ttl_seconds_after_finished);
  r.read("suspend", x.suspend);
  r.object("template", presence::optional, [&](object_reader& t) {
    t.object("metadata", presence::optional, [&](object_reader& m) {
      m.read("labels", x.template_.labels);
      m.read("annotations", x.template_.annotations);
    });
    t.object("spec", presence::optional, [&](object_reader& s) { fill(s, x.template_.spec); });
  });
}

void fill(object_reader& r, job_status& x) {
  r.read("active", x.active);
  r.read("succeeded", x.succeeded);
  r.read("failed", x.failed);
  r.read("startTime", x.start_time);
  r.read("completionTime", x.completion_time);
  r.objects("conditions", x.conditions, [](object_reader& c, job_condition& v) {
    c.read("type", v.type, presence::required);
    c.read("status", v.status, presence::required);
    c.read("reason", v.reason);
    c.read("message", v.message);
    c.read("lastProbeTime", v.last_probe_time);
    c.read("lastTransitionTime", v.last_transition_time);
  });
}

boost::json::object encode_container(const container& x) {
  boost::json::object o;
  o["name"] = x.name;
  put_string(o, "image", x.image);
  put_string(o, "imagePullPolicy", x.image_pull_policy);
  put_strings(o, "command", x.command);
  put_strings(o, "args", x.args);
  put_list(o, "env", x.env, [](const env_var& e) {
    boost::json::object v;
    v["name"] = e.name;
    put_string(v, "value", e.value);
    return v;
  });
  put_list(o, "volumeMounts", x.volume_mounts, [](const volume_mount& m) {
    boost::json::object v;
    v["name"] = m.name;
    v["mountPath"] = m.mount_path;
    put_bool(v, "readOnly", m.read_only);
    return v;
  });
  if (x.security_context) {
    const auto& sc = *x.security_context;
    boost::json::object s;
    put_bool(s, "allowPrivilegeEscalation", sc.allow_privilege_escalation);
    put_bool(s, "readOnlyRootFilesystem", sc.read_only_root_filesystem);
    put_bool(s, "runAsNonRoot", sc.run_as_non_root);
    put_bool(s, "privileged", sc.privileged);
    if (sc.caps) {
      boost::json::object c;
      put_strings(c, "add", sc.caps->add);
      put_strings(c, "drop", sc.caps->drop);
      s["capabilities"] = std::move(c);
    }
    o["securityContext"] = std::move(s);
  }
  return o;
}

boost::json::object encode_volume(const volume& x) {
  boost::json::object o;
  o["name"] = x.name;
  if (x.secret) {
    boost::json::object s;
    put_string(s, "secretName", x.secret->secret_name);
    put_int(s, "defaultMode", x.secret->default_mode);
    o["secret"] = std::move(s);
  }
  if (x.empty_dir) {
    boost::json::object e;
    put_string(e, "medium", x.empty_dir->medium);
    o["emptyDir"] = std::move(e);
  }
  if (x.projected) {
    boost::json::object p;
    put_int(p, "defaultMode", x.projected->default_mode);
    boost::json::array sources;
    for (const auto& t : x.projected->service_account_tokens) {
      boost::json::object tok;
      put_string(tok, "audience", t.audience);
      put_int(tok, "expirationSeconds", t.expiration_seconds);
      tok["path"] = t.path;
      sources.push_back(boost::json::object{{"serviceAccountToken", std::move(tok)}});
    }
    p["sources"] = std::move(sources);
    o["projected"] = std::move(p);
  }
  return o;
}

boost::json::object encode_pod_spec(const pod_spec& x) {
  boost::json::object o;
  put_string(o, "serviceAccountName", x.service_account_name);
  put_bool(o, "automountServiceAccountToken", x.automount_service_account_token);
  put_string(o, "restartPolicy", x.restart_policy);
  if (x.security_context) {
    const auto& sc = *x.security_context;
    boost::json::object s;
    put_bool(s, "runAsNonRoot", sc.run_as_non_root);
    put_int(s, "runAsUser", sc.run_as_user);
    put_int(s, "runAsGroup", sc.run_as_group);
    put_int(s, "fsGroup", sc.fs_group);
    if (!sc.seccomp_profile_type.empty())
      s["seccompProfile"] = {{"type", sc.seccomp_profile_type}};
    o["securityContext"] = std::move(s);
  }
  o["containers"] = boost::json::array{};
  for (const auto& c : x.containers)
    o["containers"].as_array().push_back(encode_container(c));
  put_list(o, "volumes", x.volumes, encode_volume);
  return o;
}

boost::json::object encode_status(const job_status& x) {
  boost::json::object o;
  put_int(o, "active", x.active);
  put_int(o, "succeeded", x.succeeded);
  put_int(o, "failed", x.failed);
  put_time(o, "startTime", x.start_time);
  put_time(o, "completionTime", x.completion_time);
  put_list(o, "conditions", x.conditions, [](const job_condition& c) {
    boost::json::object v;
    v["type"] = c.type;
    v["status"] = c.status;
    put_string(v, "reason", c.reason);
    put_string(v, "message", c.message);
    put_time(v, "lastProbeTime", c.last_probe_time);
    put_time(v, "lastTransitionTime", c.last_transition_time);
    return v;
  });
  return o;
}

} // namespace

decoded<job> decode_job(std::string_view json, const decode_options& opts) {
  return decode_document<job>(json, opts, [](object_reader& r, job& x) {
    check_type(r, "batch/v1", "Job");
    r.object("metadata", presence::optional,
             [&](object_reader& m) { detail::fill(m, x.metadata); });
    r.object("spec", presence::optional, [&](object_reader& s) { fill(s, x.spec); });
    r.object("status", presence::optional, [&](object_reader& s) { fill(s, x.status); });
  });
}

boost::json::value encode(const job& x) {
  auto o = type_header("batch/v1", "Job");
  o["metadata"] = encode(x.metadata);
  boost::json::object spec;
  put_int(spec, "backoffLimit", x.spec.backoff_limit);
  put_int(spec, "activeDeadlineSeconds", x.spec.active_deadline_seconds);
  put_int(spec, "ttlSecondsAfterFinished", x.spec.ttl_seconds_after_finished);
  put_bool(spec, "suspend", x.spec.suspend);
  boost::json::object tmpl_meta;
  put_map(tmpl_meta, "labels", x.spec.template_.labels);
  put_map(tmpl_meta, "annotations", x.spec.template_.annotations);
  boost::json::object tmpl;
  put_object(tmpl, "metadata", std::move(tmpl_meta));
  tmpl["spec"] = encode_pod_spec(x.spec.template_.spec);
  spec["template"] = std::move(tmpl);
  o["spec"] = std::move(spec);
  put_object(o, "status", encode_status(x.status));
  return o;
}

} // namespace baorestore::model
