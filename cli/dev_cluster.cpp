#include "cli/dev_cluster.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "model/codec.hpp"

namespace baorestore::cli {

namespace {

struct collection {
  const char* kind;
  const char* plural;
  bool namespaced;
};

// The kinds `dev` creates from manifests (the samples and the demo).
constexpr collection collections[] = {
  {"Namespace", "namespaces", false},         {"Secret", "secrets", true},
  {"ServiceAccount", "serviceaccounts", true}, {"ConfigMap", "configmaps", true},
  {"OpenBaoCluster", "openbaoclusters", true}, {"OpenBaoRestore", "openbaorestores", true},
};

std::string prefix_of(const std::string& api_version) {
  return api_version == "v1" ? "/api/v1" : "/apis/" + api_version;
}

net::server_options server_options_for(const std::string& host, unsigned short port) {
  net::server_options o;
  o.address = host;
  o.port = port;
  return o;
}

} // namespace

dev_cluster::dev_cluster(const std::string& host, unsigned short port,
                         devcluster::job_runner_options jobs)
  : store_(devcluster::store_options{}),
    api_(store_),
    server_(server_options_for(host, port),
            [this](const net::request& r) { return api_.handle(r); }),
    runner_(store_, jobs) {
  server_.start();
}

std::string dev_cluster::url() const {
  return "http://127.0.0.1:" + std::to_string(server_.port());
}

net::response dev_cluster::call(const std::string& method, const std::string& target,
                                const std::string& body, const std::string& content_type) {
  net::request req;
  req.method = method;
  req.target = target;
  req.body = body;
  req.headers["content-type"] = content_type;
  req.headers["accept"] = "application/json";
  return api_.handle(req);
}

net::response dev_cluster::create(const std::string& json) {
  auto head = model::decode_object_head(json);
  if (!head)
    return {400, "text/plain", "not an object with apiVersion, kind and metadata", {}, {}};
  for (const auto& c : collections) {
    if (head.value->kind != c.kind)
      continue;
    auto target = prefix_of(head.value->api_version);
    if (c.namespaced)
      target += "/namespaces/" + head.value->metadata.namespace_;
    return call("POST", target + "/" + c.plural, json);
  }
  return {400, "text/plain", "dev does not create " + head.value->kind + " objects", {}, {}};
}

void dev_cluster::patch_cluster_status(const std::string& ns, const std::string& name,
                                       const std::string& status_json) {
  call("PATCH", "/apis/openbao.org/v1alpha1/namespaces/" + ns + "/openbaoclusters/" + name
                  + "/status",
       R"({"status":)" + status_json + "}", "application/merge-patch+json");
}

std::vector<model::openbao_restore> dev_cluster::restores() {
  auto r = call("GET", "/apis/openbao.org/v1alpha1/openbaorestores");
  auto list = model::decode_openbao_restore_list(r.body);
  return list ? list.value->items : std::vector<model::openbao_restore>{};
}

std::optional<model::openbao_cluster> dev_cluster::cluster(const std::string& ns,
                                                           const std::string& name) {
  auto r = call("GET", "/apis/openbao.org/v1alpha1/namespaces/" + ns + "/openbaoclusters/" + name);
  if (r.status != 200)
    return std::nullopt;
  auto c = model::decode_openbao_cluster(r.body);
  return c ? c.value : std::nullopt;
}

std::vector<progress_row> progress(dev_cluster& c, std::chrono::system_clock::time_point now) {
  std::vector<progress_row> rows;
  for (const auto& r : c.restores()) {
    progress_row row;
    row.tenant = r.metadata.namespace_;
    row.name = r.metadata.name;
    row.cluster = r.spec.cluster;
    row.phase = r.status.phase == model::restore_phase::unset
                  ? "-"
                  : std::string{model::to_string(r.status.phase)};
    if (auto cl = c.cluster(r.metadata.namespace_, r.spec.cluster); cl && cl->status.lock)
      row.lock = std::string{model::to_string(cl->status.lock->operation)} + " "
                 + cl->status.lock->holder;
    if (r.metadata.creation_timestamp)
      row.elapsed_seconds = static_cast<long>(
        std::chrono::duration_cast<std::chrono::seconds>(now - *r.metadata.creation_timestamp)
          .count());
    row.message = r.status.message;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string render_line(const progress_row& r) {
  return r.tenant + "/" + r.name + " cluster=" + r.cluster + " phase=" + r.phase + " lock="
         + (r.lock.empty() ? "-" : r.lock) + " elapsed=" + std::to_string(r.elapsed_seconds)
         + "s" + (r.message.empty() ? "" : " message=\"" + r.message + "\"");
}

std::string render_table(const std::vector<progress_row>& rows) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-10s %-12s %-8s %-11s %-44s %7s  %s\n", "TENANT", "RESTORE",
                "CLUSTER", "PHASE", "LOCK", "ELAPSED", "MESSAGE");
  std::string out = buf;
  for (const auto& r : rows) {
    auto lock = r.lock.empty() ? std::string{"-"} : r.lock.substr(0, 44);
    std::snprintf(buf, sizeof buf, "%-10s %-12s %-8s %-11s %-44s %6lds  %s\n", r.tenant.c_str(),
                  r.name.c_str(), r.cluster.c_str(), r.phase.c_str(), lock.c_str(),
                  r.elapsed_seconds, r.message.substr(0, 70).c_str());
    out += buf;
  }
  return out;
}

} // namespace baorestore::cli
