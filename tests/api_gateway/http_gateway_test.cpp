#define CAF_SUITE gateway.http
#include "caf/test/unit_test.hpp"

// The HTTP gateway against the embedded cluster over TLS with a CA and a bearer token: every
// verb of the protocol, and the typed errors the API server's answers become.

#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/kube_config.hpp"
#include "model/base64.hpp"
#include "model/codec.hpp"
#include "tests/api_gateway/http_fixture.hpp"

using namespace gateway_http_test;
using gw::api_errc;

namespace {

struct fixture {
  fixture() : sys(cfg), self(sys) {
    seed(cluster);
    gateway = gw::spawn_http_gateway(sys, cluster.gateway_config());
  }
  ~fixture() { caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown); }

  template <class T, class... Ts>
  caf::expected<T> ask(Ts&&... xs) {
    return call<T>(self, gateway, std::forward<Ts>(xs)...);
  }

  tls_cluster cluster;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  gw::api_gateway_actor gateway;
};

bool has_code(const caf::error& e, api_errc code) {
  return e == code;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_http_tests, fixture)

CAF_TEST(get answers each kind decoded) {
  auto c = ask<gw::cluster>(caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->spec.replicas, 3);
  CAF_CHECK(!c->metadata.uid.empty());
  auto r = ask<gw::restore>(caf::get_atom_v,
                            gw::get_request<gw::restore>{{"tenant-a", "restore-1"}});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->spec.cluster, "vault");
  auto s = ask<model::secret>(caf::get_atom_v,
                              gw::get_request<model::secret>{{"tenant-a", "creds"}});
  CAF_REQUIRE(s);
  CAF_CHECK(s->data.count("token") == 1);
  auto j = ask<model::job>(caf::get_atom_v, gw::get_request<model::job>{{"tenant-a", "job-1"}});
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(j->metadata.name, "job-1");
}

CAF_TEST(a missing object is not_found) {
  auto c = ask<gw::cluster>(caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-a", "nope"}});
  CAF_REQUIRE(!c);
  CAF_CHECK(has_code(c.error(), api_errc::not_found));
  CAF_CHECK_EQUAL(gw::api_error_message(c.error()),
                  "openbaoclusters.openbao.org \"nope\" not found");
}

CAF_TEST(list pages through everything and honours the label selector) {
  for (int i = 0; i < 1200; ++i)
    cluster.call("POST", restores, restore_json("r-" + std::to_string(i)));
  auto all = ask<model::object_list<gw::restore>>(gw::list_atom_v,
                                                  gw::list_request<gw::restore>{"tenant-a", ""});
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->items.size(), 1201u);
  CAF_CHECK(!all->metadata.resource_version.empty());
  auto labelled = ask<model::object_list<gw::restore>>(
    gw::list_atom_v, gw::list_request<gw::restore>{"", "app=x,app!=y"});
  CAF_REQUIRE(labelled);
  CAF_CHECK_EQUAL(labelled->items.size(), 1201u);
  auto none = ask<model::object_list<gw::cluster>>(gw::list_atom_v,
                                                   gw::list_request<gw::cluster>{"", "app=x"});
  CAF_REQUIRE(none);
  CAF_CHECK(none->items.empty());
}

CAF_TEST(create makes a Job and a second create is already_exists) {
  model::job j;
  j.metadata.name = "restore-job";
  j.metadata.namespace_ = "tenant-a";
  j.metadata.labels["app"] = "baorestore";
  auto made = ask<model::job>(gw::create_atom_v, gw::create_request<model::job>{j});
  CAF_REQUIRE(made);
  CAF_CHECK(!made->metadata.uid.empty());
  CAF_CHECK(!made->metadata.resource_version.empty());
  auto again = ask<model::job>(gw::create_atom_v, gw::create_request<model::job>{j});
  CAF_REQUIRE(!again);
  CAF_CHECK(has_code(again.error(), api_errc::already_exists));
}

CAF_TEST(create records an Event with a generated name that the API then serves) {
  model::event e;
  e.metadata.generate_name = "restore-1.";
  e.metadata.namespace_ = "tenant-a";
  e.involved_object = {"openbao.org/v1alpha1", "OpenBaoRestore", "restore-1", "tenant-a",
                       "u-1", ""};
  e.reason = "RestoreStarted";
  e.message = "restore Job restore-1-x created";
  e.type = model::event_type::normal;
  e.count = 1;
  e.first_timestamp = model::parse_rfc3339("2026-11-25T08:00:00Z");
  e.last_timestamp = e.first_timestamp;
  e.source.component = "baorestore";
  e.reporting_component = "openbao.org/baorestore";
  e.reporting_instance = "baorestore-0";
  auto made = ask<model::event>(gw::create_atom_v, gw::create_request<model::event>{e});
  CAF_REQUIRE(made);
  CAF_CHECK_EQUAL(made->metadata.name.rfind("restore-1.", 0), 0u);
  CAF_CHECK_GREATER(made->metadata.name.size(), e.metadata.generate_name.size());
  CAF_CHECK(!made->metadata.uid.empty());
  auto expected = e;
  expected.metadata = made->metadata;
  CAF_CHECK(*made == expected);
  auto res = cluster.call("GET", "/api/v1/namespaces/tenant-a/events/" + made->metadata.name);
  CAF_REQUIRE_EQUAL(res.status, 200);
  auto stored = model::decode_event(res.body);
  CAF_REQUIRE(stored);
  CAF_CHECK(*stored.value == *made);
  CAF_CHECK_EQUAL(stored.value->involved_object.kind, "OpenBaoRestore");
  CAF_CHECK_EQUAL(stored.value->reason, "RestoreStarted");
  CAF_CHECK_EQUAL(stored.value->source.component, "baorestore");
}

CAF_TEST(a service account is not_found then created with an owner and not twice) {
  using sa_t = model::service_account;
  auto missing = ask<sa_t>(caf::get_atom_v, gw::get_request<sa_t>{{"tenant-a", "restore-1"}});
  CAF_REQUIRE(!missing);
  CAF_CHECK(has_code(missing.error(), api_errc::not_found));
  CAF_CHECK_EQUAL(gw::api_error_message(missing.error()),
                  "serviceaccounts \"restore-1\" not found");
  auto r = ask<gw::restore>(caf::get_atom_v,
                            gw::get_request<gw::restore>{{"tenant-a", "restore-1"}});
  CAF_REQUIRE(r);
  sa_t sa;
  sa.metadata.name = "restore-1";
  sa.metadata.namespace_ = "tenant-a";
  sa.metadata.owner_references.push_back({"openbao.org/v1alpha1", "OpenBaoRestore",
                                          "restore-1", r->metadata.uid, true, true});
  sa.automount_service_account_token = false;
  auto made = ask<sa_t>(gw::create_atom_v, gw::create_request<sa_t>{sa});
  CAF_REQUIRE(made);
  CAF_CHECK(!made->metadata.uid.empty());
  CAF_CHECK(!made->metadata.resource_version.empty());
  auto got = ask<sa_t>(caf::get_atom_v, gw::get_request<sa_t>{{"tenant-a", "restore-1"}});
  CAF_REQUIRE(got);
  CAF_CHECK(*got == *made);
  CAF_REQUIRE_EQUAL(got->metadata.owner_references.size(), 1u);
  CAF_CHECK_EQUAL(got->metadata.owner_references[0].uid, r->metadata.uid);
  CAF_CHECK(got->metadata.owner_references[0].controller);
  CAF_CHECK(got->automount_service_account_token == std::optional<bool>{false});
  auto again = ask<sa_t>(gw::create_atom_v, gw::create_request<sa_t>{sa});
  CAF_REQUIRE(!again);
  CAF_CHECK(has_code(again.error(), api_errc::already_exists));
}

CAF_TEST(status patches apply with a fresh resourceVersion and conflict with a stale one) {
  auto c = ask<gw::cluster>(caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  CAF_REQUIRE(c);
  auto rv = c->metadata.resource_version;
  auto patched = ask<gw::cluster>(
    gw::patch_status_atom_v,
    gw::patch_request<gw::cluster>{{"tenant-a", "vault"}, R"({"status":{"phase":"Running"}})",
                                   rv, gw::priority::high});
  CAF_REQUIRE(patched);
  CAF_CHECK(patched->metadata.resource_version != rv);
  auto stale = ask<gw::cluster>(
    gw::patch_status_atom_v,
    gw::patch_request<gw::cluster>{{"tenant-a", "vault"}, R"({"status":{"phase":"Failed"}})", rv});
  CAF_REQUIRE(!stale);
  CAF_CHECK(has_code(stale.error(), api_errc::conflict));
  auto now = ask<gw::cluster>(caf::get_atom_v, gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  CAF_REQUIRE(now);
  auto phase = now->status.phase;
  CAF_CHECK_EQUAL(phase, "Running");
}

CAF_TEST(restore patches: metadata and status go through and a spec change is invalid) {
  auto labelled = ask<gw::restore>(
    gw::patch_atom_v,
    gw::patch_request<gw::restore>{{"tenant-a", "restore-1"},
                                   R"({"metadata":{"finalizers":["openbao.org/restore"]}})", ""});
  CAF_REQUIRE(labelled);
  CAF_REQUIRE_EQUAL(labelled->metadata.finalizers.size(), 1u);
  auto status = ask<gw::restore>(
    gw::patch_status_atom_v,
    gw::patch_request<gw::restore>{{"tenant-a", "restore-1"},
                                   R"({"status":{"phase":"Validating"}})", ""});
  CAF_REQUIRE(status);
  auto spec = ask<gw::restore>(
    gw::patch_atom_v,
    gw::patch_request<gw::restore>{{"tenant-a", "restore-1"}, R"({"spec":{"cluster":"other"}})", ""});
  CAF_REQUIRE(!spec);
  CAF_CHECK(has_code(spec.error(), api_errc::invalid));
  auto bad = ask<gw::restore>(
    gw::patch_atom_v, gw::patch_request<gw::restore>{{"tenant-a", "restore-1"}, "[1]", ""});
  CAF_REQUIRE(!bad);
  CAF_CHECK(has_code(bad.error(), api_errc::bad_request));
}

CAF_TEST(delete with a uid precondition and after it not_found) {
  auto j = ask<model::job>(caf::get_atom_v, gw::get_request<model::job>{{"tenant-a", "job-1"}});
  CAF_REQUIRE(j);
  auto wrong = ask<gw::deleted>(
    caf::delete_atom_v,
    gw::delete_request<model::job>{{"tenant-a", "job-1"}, gw::propagation::background, "other-uid"});
  CAF_REQUIRE(!wrong);
  CAF_CHECK(has_code(wrong.error(), api_errc::conflict));
  auto gone = ask<gw::deleted>(caf::delete_atom_v,
                               gw::delete_request<model::job>{{"tenant-a", "job-1"},
                                                              gw::propagation::background,
                                                              j->metadata.uid});
  CAF_CHECK(gone);
  auto again = ask<model::job>(caf::get_atom_v, gw::get_request<model::job>{{"tenant-a", "job-1"}});
  CAF_REQUIRE(!again);
  CAF_CHECK(has_code(again.error(), api_errc::not_found));
}

CAF_TEST(a wrong token is unauthorized and is not retried) {
  auto cfg2 = cluster.gateway_config();
  cfg2.connection.token = "wrong";
  auto counters = std::make_shared<gw::gateway_counters>();
  cfg2.counters = counters;
  auto other = gw::spawn_http_gateway(sys, cfg2);
  auto c = call<gw::cluster>(self, other, caf::get_atom_v,
                             gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  CAF_REQUIRE(!c);
  CAF_CHECK(has_code(c.error(), api_errc::unauthorized));
  auto snap = counters->snapshot();
  CAF_CHECK(snap.retries.empty());
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
}

CAF_TEST(a kubeconfig file configures the gateway and a rotated token file is re-read) {
  auto dir = std::filesystem::temp_directory_path()
             / ("gw-kubeconfig-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream{dir / "token"} << token << "\n";
    std::ofstream{dir / "config"}
      << "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
      << "clusters:\n- name: dev\n  cluster:\n    server: https://127.0.0.1:"
      << cluster.server->port() << "\n    certificate-authority-data: "
      << model::base64_encode(cluster.identity.cert_pem) << "\n"
      << "users:\n- name: dev\n  user:\n    tokenFile: token\n"
      << "contexts:\n- name: dev\n  context:\n    cluster: dev\n    user: dev\n";
  }
  auto loaded = gw::load_kubeconfig((dir / "config").string());
  auto* conn = std::get_if<gw::connection_config>(&loaded);
  CAF_REQUIRE(conn != nullptr);
  auto cfg2 = cluster.gateway_config();
  cfg2.connection = *conn;
  auto other = gw::spawn_http_gateway(sys, cfg2);
  auto get = [&] {
    return call<gw::cluster>(self, other, caf::get_atom_v,
                             gw::get_request<gw::cluster>{{"tenant-a", "vault"}});
  };
  CAF_CHECK(get());
  // The kubelet swaps in a new token (here: one the server does not know).
  {
    std::ofstream{dir / "token.new"} << "rotated-token\n";
  }
  std::filesystem::rename(dir / "token.new", dir / "token");
  std::this_thread::sleep_for(1100ms); // the source checks the file at most once a second
  auto after = get();
  CAF_REQUIRE(!after);
  CAF_CHECK(has_code(after.error(), api_errc::unauthorized));
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  std::filesystem::remove_all(dir);
}

CAF_TEST(leases are created read and updated with a version precondition) {
  model::lease l;
  l.metadata.namespace_ = "tenant-a";
  l.metadata.name = "baorestore";
  l.spec.holder_identity = "a";
  l.spec.lease_duration_seconds = 15;
  l.spec.acquire_time = model::parse_rfc3339_micro("2026-11-25T10:00:00.123456Z");
  l.spec.renew_time = l.spec.acquire_time;
  l.spec.lease_transitions = 0;
  auto missing = ask<model::lease>(caf::get_atom_v,
                                   gw::get_request<model::lease>{{"tenant-a", "baorestore"}});
  CAF_REQUIRE(!missing);
  CAF_CHECK(has_code(missing.error(), api_errc::not_found));
  auto made = ask<model::lease>(gw::create_atom_v, gw::create_request<model::lease>{l});
  CAF_REQUIRE(made);
  CAF_CHECK(!made->metadata.uid.empty());
  CAF_CHECK(made->spec == l.spec);
  auto dup = ask<model::lease>(gw::create_atom_v, gw::create_request<model::lease>{l});
  CAF_REQUIRE(!dup);
  CAF_CHECK(has_code(dup.error(), api_errc::already_exists));
  auto got = ask<model::lease>(caf::get_atom_v,
                               gw::get_request<model::lease>{{"tenant-a", "baorestore"}});
  CAF_REQUIRE(got);
  CAF_CHECK(*got == *made);
  // Renew: PUT of the object read, its resourceVersion the precondition.
  auto renewed = *got;
  *renewed.spec.renew_time += std::chrono::microseconds{2'000'001};
  auto updated = ask<model::lease>(gw::update_atom_v, gw::update_request<model::lease>{renewed});
  CAF_REQUIRE(updated);
  CAF_CHECK_NOT_EQUAL(updated->metadata.resource_version, got->metadata.resource_version);
  CAF_CHECK_EQUAL(updated->metadata.uid, made->metadata.uid);
  CAF_CHECK(updated->spec.renew_time == renewed.spec.renew_time);
  // A writer with an outdated resourceVersion loses.
  auto stale = *got;
  stale.spec.holder_identity = "b";
  auto lost = ask<model::lease>(gw::update_atom_v, gw::update_request<model::lease>{stale});
  CAF_REQUIRE(!lost);
  CAF_CHECK(has_code(lost.error(), api_errc::conflict));
  auto now = ask<model::lease>(caf::get_atom_v,
                               gw::get_request<model::lease>{{"tenant-a", "baorestore"}});
  CAF_REQUIRE(now);
  CAF_CHECK(*now == *updated);
}

CAF_TEST_FIXTURE_SCOPE_END()
