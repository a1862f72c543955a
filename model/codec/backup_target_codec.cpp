// BackupTarget, shared by OpenBaoCluster.spec.backup and OpenBaoRestore.spec.source.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

namespace detail {

void fill(object_reader& r, backup_target& x) {
  r.read("provider", x.provider);
  r.read("endpoint", x.endpoint);
  r.read("bucket", x.bucket, presence::required);
  r.read("pathPrefix", x.path_prefix);
  r.optional_object("credentialsSecretRef", x.credentials_secret_ref,
                    [](object_reader& o, local_object_reference& v) { fill(o, v); });
  r.read("partSize", x.part_size);
  r.read("concurrency", x.concurrency);
  r.read("region", x.region);
  r.read("roleArn", x.role_arn);
  r.read("usePathStyle", x.use_path_style);
  r.optional_object("gcs", x.gcs,
                    [](object_reader& o, gcs_target& v) { o.read("project", v.project); });
  r.optional_object("azure", x.azure, [](object_reader& o, azure_target& v) {
    o.read("storageAccount", v.storage_account);
    o.read("container", v.container);
  });
  r.read("insecureSkipVerify", x.insecure_skip_verify);
}

} // namespace detail

using namespace detail;

boost::json::value encode(const backup_target& x) {
  boost::json::object o;
  // Fields with a CRD default are always written: omitting an explicit "" or 0 would turn
  // it into the default on the way back (a round-trip bug the fuzzer found), and validation
  // must see what the manifest said.
  o["provider"] = x.provider;
  put_string(o, "endpoint", x.endpoint);
  o["bucket"] = x.bucket;
  put_string(o, "pathPrefix", x.path_prefix);
  if (x.credentials_secret_ref)
    o["credentialsSecretRef"] = {{"name", x.credentials_secret_ref->name}};
  o["partSize"] = x.part_size;
  o["concurrency"] = x.concurrency;
  o["region"] = x.region;
  put_string(o, "roleArn", x.role_arn);
  put_bool(o, "usePathStyle", x.use_path_style);
  if (x.gcs) {
    boost::json::object g;
    put_string(g, "project", x.gcs->project);
    o["gcs"] = std::move(g);
  }
  if (x.azure) {
    boost::json::object a;
    put_string(a, "storageAccount", x.azure->storage_account);
    put_string(a, "container", x.azure->container);
    o["azure"] = std::move(a);
  }
  put_bool(o, "insecureSkipVerify", x.insecure_skip_verify);
  return o;
}

} // namespace baorestore::model
