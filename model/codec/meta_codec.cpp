// ObjectMeta, ListMeta, Condition, LocalObjectReference and object heads.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace detail {

namespace {

void fill(object_reader& r, owner_reference& x) {
  r.read("apiVersion", x.api_version, presence::required);
  r.read("kind", x.kind, presence::required);
  r.read("name", x.name, presence::required);
  r.read("uid", x.uid, presence::required);
  r.read("controller", x.controller);
  r.read("blockOwnerDeletion", x.block_owner_deletion);
}

} // namespace

void fill(object_reader& r, object_meta& x) {
  r.read("name", x.name);
  r.read("generateName", x.generate_name);
  r.read("namespace", x.namespace_);
  r.read("uid", x.uid);
  r.read("resourceVersion", x.resource_version);
  r.read("generation", x.generation);
  r.read("labels", x.labels);
  r.read("annotations", x.annotations);
  r.read("finalizers", x.finalizers);
  r.objects("ownerReferences", x.owner_references,
            [](object_reader& o, owner_reference& v) { fill(o, v); });
  r.read("creationTimestamp", x.creation_timestamp);
  r.read("deletionTimestamp", x.deletion_timestamp);
}

void fill(object_reader& r, list_meta& x) {
  r.read("resourceVersion", x.resource_version);
  r.read("continue", x.continue_token);
}

void fill(object_reader& r, condition& x) {
  r.read("type", x.type, presence::required);
  r.read("status", x.status, presence::required);
  r.read("reason", x.reason);
  r.read("message", x.message);
  r.read("observedGeneration", x.observed_generation);
  r.read("lastTransitionTime", x.last_transition_time);
}

void fill(object_reader& r, local_object_reference& x) {
  r.read("name", x.name, presence::required);
}

void check_type(object_reader& r, const char* api_version, const char* kind) {
  std::string av;
  std::string k;
  r.read("apiVersion", av);
  r.read("kind", k);
  if (!av.empty() && av != api_version)
    r.error("apiVersion", "expected \"" + std::string(api_version) + "\", got \"" + av + "\"");
  if (!k.empty() && k != kind)
    r.error("kind", "expected \"" + std::string(kind) + "\", got \"" + k + "\"");
}

boost::json::object type_header(const char* api_version, const char* kind) {
  boost::json::object o;
  o["apiVersion"] = api_version;
  o["kind"] = kind;
  return o;
}

} // namespace detail

using namespace detail;

decoded<object_head> decode_object_head(std::string_view json, const decode_options& opts) {
  return decode_document<object_head>(json, opts, [](object_reader& r, object_head& x) {
    r.read("apiVersion", x.api_version);
    r.read("kind", x.kind);
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
  });
}

boost::json::value encode(const object_meta& x) {
  boost::json::object o;
  put_string(o, "name", x.name);
  put_string(o, "generateName", x.generate_name);
  put_string(o, "namespace", x.namespace_);
  put_string(o, "uid", x.uid);
  put_string(o, "resourceVersion", x.resource_version);
  put_int(o, "generation", x.generation);
  put_map(o, "labels", x.labels);
  put_map(o, "annotations", x.annotations);
  put_strings(o, "finalizers", x.finalizers);
  put_list(o, "ownerReferences", x.owner_references, [](const owner_reference& ref) {
    boost::json::object r;
    r["apiVersion"] = ref.api_version;
    r["kind"] = ref.kind;
    r["name"] = ref.name;
    r["uid"] = ref.uid;
    put_bool(r, "controller", ref.controller);
    put_bool(r, "blockOwnerDeletion", ref.block_owner_deletion);
    return r;
  });
  put_time(o, "creationTimestamp", x.creation_timestamp);
  put_time(o, "deletionTimestamp", x.deletion_timestamp);
  return o;
}

boost::json::value encode(const condition& x) {
  boost::json::object o;
  o["type"] = x.type;
  o["status"] = x.status;
  put_int(o, "observedGeneration", x.observed_generation);
  put_time(o, "lastTransitionTime", x.last_transition_time);
  // metav1.Condition declares reason and message without omitempty, and CRD schemas
  // generated from it require both: write them even when empty.
  o["reason"] = x.reason;
  o["message"] = x.message;
  return o;
}

} // namespace baorestore::model
