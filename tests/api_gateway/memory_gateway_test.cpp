// The in-memory gateway speaks the protocol with the API server's semantics: versions,
// preconditions, status subresource, scripted faults and the call log.
#define CAF_SUITE memory_gateway
#include "caf/test/dsl.hpp"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/api_gateway/memory_gateway.hpp"

using namespace baorestore;
using namespace baorestore::gateway;

namespace {

template <class T>
struct reply {
  std::optional<T> value;
  caf::error error;
};

model::openbao_cluster make_cluster(std::string ns, std::string name) {
  model::openbao_cluster c;
  c.metadata.namespace_ = std::move(ns);
  c.metadata.name = std::move(name);
  c.spec.version = "2.4.0";
  c.spec.replicas = 3;
  c.status.phase = "Running";
  c.status.initialized = true;
  return c;
}

model::openbao_restore make_restore(std::string ns, std::string name) {
  model::openbao_restore r;
  r.metadata.namespace_ = std::move(ns);
  r.metadata.name = std::move(name);
  r.spec.cluster = "vault";
  r.spec.source.target.bucket = "snapshots";
  r.spec.source.key = "vault/2026-01-01.snap";
  r.status.phase = model::restore_phase::pending;
  return r;
}

model::job make_job(std::string ns, std::string name) {
  model::job j;
  j.metadata.namespace_ = std::move(ns);
  j.metadata.name = std::move(name);
  model::container c;
  c.name = "restore";
  c.image = "openbao/restore:1";
  j.spec.template_.spec.containers.push_back(c);
  j.spec.template_.spec.restart_policy = "Never";
  return j;
}

model::service_account make_service_account(std::string ns, std::string name) {
  model::service_account sa;
  sa.metadata.namespace_ = std::move(ns);
  sa.metadata.name = std::move(name);
  sa.metadata.labels["app.kubernetes.io/managed-by"] = "baorestore";
  sa.metadata.owner_references.push_back(
    {"openbao.org/v1alpha1", "OpenBaoRestore", "restore-1", "uid-9", true, true});
  sa.automount_service_account_token = false;
  return sa;
}

model::event make_event(std::string ns, std::string generate_name) {
  model::event e;
  e.metadata.namespace_ = ns;
  e.metadata.generate_name = std::move(generate_name);
  e.involved_object = {"openbao.org/v1alpha1", "OpenBaoRestore", "restore-1", ns, "uid-9", "4"};
  e.reason = "LockOverridden";
  e.message = "took the lock from openbaocluster/backup";
  e.type = model::event_type::warning;
  e.count = 1;
  e.first_timestamp = model::parse_rfc3339("2026-11-25T08:00:00Z");
  e.last_timestamp = e.first_timestamp;
  e.source.component = "baorestore";
  e.reporting_component = "openbao.org/baorestore";
  e.reporting_instance = "baorestore-0";
  e.action = "Restore";
  return e;
}

model::lease make_lease(std::string ns, std::string name, std::string holder) {
  model::lease l;
  l.metadata.namespace_ = std::move(ns);
  l.metadata.name = std::move(name);
  l.spec.holder_identity = std::move(holder);
  l.spec.lease_duration_seconds = 15;
  l.spec.acquire_time = model::parse_rfc3339_micro("2026-11-25T10:00:00.123456Z");
  l.spec.renew_time = l.spec.acquire_time;
  l.spec.lease_transitions = 0;
  return l;
}

const char* lock_patch = R"({"status":{"operationLock":{"operation":"Restore",)"
                         R"("holder":"openbaorestore/r1/uid-9","fence":1}}})";

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<memory_store> store = std::make_shared<memory_store>();
  api_gateway_actor gw;

  fixture() {
    gw = sys.spawn(memory_gateway, store);
    run();
  }

  template <class T, class... Ts>
  reply<T> ask(Ts... xs) {
    reply<T> out;
    auto handle = self->request(gw, caf::infinite, std::move(xs)...);
    run();
    handle.receive([&](T& x) { out.value = std::move(x); },
                   [&](caf::error& e) { out.error = std::move(e); });
    return out;
  }

  reply<cluster> get_cluster(const std::string& ns, const std::string& name) {
    return ask<cluster>(caf::get_atom_v, get_request<cluster>{{ns, name}});
  }

  reply<cluster> patch_cluster_status(const std::string& name, std::string patch,
                                      std::string rv) {
    return ask<cluster>(patch_status_atom_v,
                        patch_request<cluster>{{"ns", name}, std::move(patch), std::move(rv)});
  }
};

} // namespace

CAF_TEST(error codes have names and carry the server message) {
  CAF_CHECK_EQUAL(to_string(api_errc::too_many_requests), "too_many_requests");
  CAF_CHECK_EQUAL(to_string(verb::delete_), "delete");
  auto err = make_api_error(api_errc::gone, "too old resource version: 1 (5)");
  CAF_CHECK(err == api_errc::gone);
  CAF_CHECK(err != api_errc::conflict);
  CAF_CHECK_EQUAL(api_error_message(err), "too old resource version: 1 (5)");
  CAF_CHECK_EQUAL(api_error_message(caf::make_error(api_errc::transport)), "transport");
  CAF_CHECK_EQUAL(api_error_message(caf::error{}), "");
  CAF_CHECK_NOT_EQUAL(api_error_message(caf::make_error(caf::sec::request_timeout)), "");
}

CAF_TEST_FIXTURE_SCOPE(memory_gateway_tests, fixture)

CAF_TEST(get of a missing object is not found) {
  auto r = get_cluster("ns", "vault");
  CAF_REQUIRE(!r.value);
  CAF_CHECK(r.error == api_errc::not_found);
  CAF_CHECK_EQUAL(api_error_message(r.error),
                  R"(openbaoclusters.openbao.org "vault" not found)");
}

CAF_TEST(put assigns server fields and get returns the object) {
  auto stored = store->put(make_cluster("ns", "vault"));
  CAF_CHECK_EQUAL(stored.metadata.resource_version, "1");
  CAF_CHECK_EQUAL(stored.metadata.uid, "uid-1");
  CAF_CHECK_EQUAL(stored.metadata.generation, 1);
  CAF_CHECK(stored.metadata.creation_timestamp.has_value());
  auto r = get_cluster("ns", "vault");
  CAF_REQUIRE(r.value);
  CAF_CHECK(*r.value == stored);
  CAF_CHECK(!get_cluster("other", "vault").value);
  // A second put replaces the object at a fresh version, keeping its uid.
  auto again = store->put(*r.value);
  CAF_CHECK_EQUAL(again.metadata.resource_version, "2");
  CAF_CHECK_EQUAL(again.metadata.uid, "uid-1");
  CAF_CHECK_EQUAL(store->resource_version(), 2u);
}

CAF_TEST(patch status with the current version writes and bumps the version) {
  auto before = store->put(make_cluster("ns", "vault"));
  auto r = patch_cluster_status("vault", lock_patch, before.metadata.resource_version);
  CAF_REQUIRE(r.value);
  CAF_CHECK_EQUAL(r.value->metadata.resource_version, "2");
  CAF_REQUIRE(r.value->status.lock.has_value());
  CAF_CHECK_EQUAL(r.value->status.lock->holder, "openbaorestore/r1/uid-9");
  CAF_CHECK_EQUAL(r.value->status.lock->fence, std::optional<std::int64_t>{1});
  CAF_CHECK_EQUAL(r.value->status.phase, "Running"); // merged, not replaced
  CAF_CHECK_EQUAL(r.value->metadata.generation, 1);  // status writes keep the generation
  CAF_CHECK(store->cluster("ns", "vault") == r.value);
  // Releasing is a patch that deletes the member.
  auto released = patch_cluster_status("vault", R"({"status":{"operationLock":null}})", "2");
  CAF_REQUIRE(released.value);
  CAF_CHECK(!released.value->status.lock.has_value());
  CAF_CHECK_EQUAL(released.value->metadata.resource_version, "3");
}

CAF_TEST(patch status without a precondition writes unconditionally) {
  store->put(make_cluster("ns", "vault"));
  auto r = patch_cluster_status("vault", lock_patch, "");
  CAF_REQUIRE(r.value);
  CAF_CHECK(r.value->status.lock.has_value());
}

CAF_TEST(a stale version is a conflict and changes nothing) {
  auto before = store->put(make_cluster("ns", "vault"));
  store->put(make_cluster("ns", "other")); // version 2
  auto r = patch_cluster_status("vault", lock_patch, "2");
  CAF_REQUIRE(!r.value);
  CAF_CHECK(r.error == api_errc::conflict);
  CAF_CHECK_EQUAL(api_error_message(r.error),
                  R"(Operation cannot be fulfilled on openbaoclusters.openbao.org "vault": )"
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
  CAF_CHECK(store->cluster("ns", "vault") == before);
  CAF_CHECK_EQUAL(store->resource_version(), 2u);
  // metadata.resourceVersion inside the patch is a precondition too.
  auto in_patch = patch_cluster_status(
    "vault", R"({"metadata":{"resourceVersion":"7"},"status":{"phase":"x"}})", "");
  CAF_CHECK(in_patch.error == api_errc::conflict);
  CAF_CHECK(!patch_cluster_status("nope", lock_patch, "").value);
}

CAF_TEST(status patches touch only status and main patches everything but status) {
  store->put(make_restore("ns", "r1"));
  auto st = ask<restore>(patch_status_atom_v,
                         patch_request<restore>{{"ns", "r1"},
                                                R"({"spec":{"force":true},)"
                                                R"("metadata":{"labels":{"a":"b"}},)"
                                                R"("status":{"phase":"Running"}})",
                                                "1"});
  CAF_REQUIRE(st.value);
  CAF_CHECK(st.value->status.phase == model::restore_phase::running);
  CAF_CHECK(!st.value->spec.force);
  CAF_CHECK(st.value->metadata.labels.empty());
  CAF_CHECK_EQUAL(st.value->metadata.generation, 1);
  CAF_CHECK_EQUAL(st.value->metadata.resource_version, "2");
  auto main = ask<restore>(patch_atom_v,
                           patch_request<restore>{{"ns", "r1"},
                                                  R"({"spec":{"force":true},)"
                                                  R"("metadata":{"labels":{"a":"b"},)"
                                                  R"("uid":"forged"},)"
                                                  R"("status":{"phase":"Failed"}})",
                                                  "2"});
  CAF_REQUIRE(main.value);
  CAF_CHECK(main.value->spec.force);
  CAF_CHECK_EQUAL(main.value->metadata.labels.at("a"), "b");
  CAF_CHECK_EQUAL(main.value->metadata.uid, "uid-1"); // server-managed
  CAF_CHECK(main.value->status.phase == model::restore_phase::running);
  CAF_CHECK_EQUAL(main.value->metadata.generation, 2); // spec changed
  CAF_CHECK_EQUAL(main.value->metadata.resource_version, "3");
  // Metadata-only changes keep the generation.
  auto labels = ask<restore>(patch_atom_v, patch_request<restore>{
                                             {"ns", "r1"}, R"({"metadata":{"labels":null}})", ""});
  CAF_REQUIRE(labels.value);
  CAF_CHECK_EQUAL(labels.value->metadata.generation, 2);
  CAF_CHECK(labels.value->metadata.labels.empty());
}

CAF_TEST(no-op patches keep the version and bad patches are refused) {
  store->put(make_restore("ns", "r1"));
  auto same = ask<restore>(patch_status_atom_v,
                           patch_request<restore>{{"ns", "r1"},
                                                  R"({"status":{"phase":"Pending"}})", ""});
  CAF_REQUIRE(same.value);
  CAF_CHECK_EQUAL(same.value->metadata.resource_version, "1");
  auto invalid = ask<restore>(patch_atom_v, patch_request<restore>{
                                              {"ns", "r1"}, R"({"spec":{"cluster":null}})", ""});
  CAF_CHECK(invalid.error == api_errc::invalid);
  CAF_MESSAGE(api_error_message(invalid.error));
  CAF_CHECK_EQUAL(api_error_message(invalid.error).rfind(
                    R"(OpenBaoRestore.openbao.org "r1" is invalid: spec.cluster)", 0),
                  0u);
  auto malformed = ask<restore>(patch_atom_v, patch_request<restore>{{"ns", "r1"}, "{", ""});
  CAF_CHECK(malformed.error == api_errc::bad_request);
  auto bad_lock = ask<restore>(patch_status_atom_v,
                               patch_request<restore>{{"ns", "r1"},
                                                      R"({"status":{"phase":"Exploded"}})",
                                                      ""});
  CAF_CHECK(bad_lock.error == api_errc::invalid);
  CAF_MESSAGE(api_error_message(bad_lock.error));
  auto stored = store->restore("ns", "r1");
  CAF_CHECK_EQUAL(stored->metadata.resource_version, "1");
  CAF_CHECK(stored->status.phase == model::restore_phase::pending);
  auto cleared = ask<restore>(patch_status_atom_v,
                              patch_request<restore>{{"ns", "r1"}, R"({"status":null})", ""});
  CAF_REQUIRE(cleared.value);
  CAF_CHECK(cleared.value->status == model::openbao_restore_status{});
  CAF_CHECK_EQUAL(cleared.value->metadata.resource_version, "2");
}

CAF_TEST(an outside writer bumps the version and outdates ours) {
  auto before = store->put(make_cluster("ns", "vault"));
  CAF_CHECK(store->patch_cluster_status("ns", "vault", R"({"status":{"phase":"Upgrading"}})"));
  CAF_CHECK(!store->patch_cluster_status("ns", "nope", R"({"status":{"phase":"x"}})"));
  auto now = store->cluster("ns", "vault");
  CAF_REQUIRE(now);
  CAF_CHECK_EQUAL(now->status.phase, "Upgrading");
  CAF_CHECK_EQUAL(now->metadata.resource_version, "2");
  auto r = patch_cluster_status("vault", lock_patch, before.metadata.resource_version);
  CAF_CHECK(r.error == api_errc::conflict);
  CAF_CHECK(store->calls().size() == 1u); // the outside writer is not a recorded call
}

CAF_TEST(the store is safe to share between threads) {
  store->put(make_cluster("ns", "vault"));
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) {
        auto phase = std::to_string(t) + "-" + std::to_string(i);
        store->patch_cluster_status("ns", "vault", R"({"status":{"phase":")" + phase + R"("}})");
        store->cluster("ns", "vault");
      }
    });
  for (auto& w : writers)
    w.join();
  CAF_CHECK_EQUAL(store->resource_version(), 201u);
  CAF_CHECK_EQUAL(store->cluster("ns", "vault")->metadata.resource_version.size(), 3u);
}

CAF_TEST(fail_next injects exactly count failures and then serves) {
  store->put(make_cluster("ns", "vault"));
  store->fail_next(verb::patch_status, api_errc::server_error, 2);
  for (int i = 0; i < 2; ++i) {
    auto r = patch_cluster_status("vault", lock_patch, "1");
    CAF_CHECK(r.error == api_errc::server_error);
  }
  CAF_CHECK_EQUAL(store->resource_version(), 1u);
  CAF_CHECK(!store->cluster("ns", "vault")->status.lock);
  CAF_CHECK(get_cluster("ns", "vault").value); // other verbs are unaffected
  auto r = patch_cluster_status("vault", lock_patch, "1");
  CAF_REQUIRE(r.value);
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 4u);
  CAF_CHECK(calls[0].injected_failure && calls[1].injected_failure);
  CAF_CHECK(!calls[2].injected_failure && !calls[3].injected_failure);
}

CAF_TEST(jobs are created once and deleted) {
  auto created = ask<model::job>(create_atom_v, create_request<model::job>{make_job("ns", "j1")});
  CAF_REQUIRE(created.value);
  CAF_CHECK_EQUAL(created.value->metadata.uid, "uid-1");
  CAF_CHECK_EQUAL(created.value->metadata.resource_version, "1");
  CAF_CHECK(store->job("ns", "j1") == created.value);
  auto dup = ask<model::job>(create_atom_v, create_request<model::job>{make_job("ns", "j1")});
  CAF_CHECK(dup.error == api_errc::already_exists);
  CAF_CHECK_EQUAL(api_error_message(dup.error), R"(jobs.batch "j1" already exists)");
  auto wrong_uid = ask<deleted>(caf::delete_atom_v,
                                delete_request<model::job>{{"ns", "j1"},
                                                           propagation::background,
                                                           "uid-0"});
  CAF_CHECK(wrong_uid.error == api_errc::conflict);
  auto del = ask<deleted>(caf::delete_atom_v,
                          delete_request<model::job>{{"ns", "j1"},
                                                     propagation::foreground,
                                                     "uid-1"});
  CAF_CHECK(del.value.has_value());
  CAF_CHECK(!store->job("ns", "j1"));
  CAF_CHECK_EQUAL(store->resource_version(), 2u);
  auto again = ask<deleted>(caf::delete_atom_v, delete_request<model::job>{{"ns", "j1"}, propagation::background, ""});
  CAF_CHECK(again.error == api_errc::not_found);
  auto job = make_job("ns", "");
  job.metadata.generate_name = "restore-";
  auto generated = ask<model::job>(create_atom_v, create_request<model::job>{job});
  CAF_REQUIRE(generated.value);
  CAF_CHECK_EQUAL(generated.value->metadata.name.rfind("restore-", 0), 0u);
  CAF_CHECK_EQUAL(generated.value->metadata.name.size(), 13u);
  auto unnamed = ask<model::job>(create_atom_v, create_request<model::job>{make_job("ns", "")});
  CAF_CHECK(unnamed.error == api_errc::invalid);
}

CAF_TEST(service accounts are created once and read back) {
  using sa_t = model::service_account;
  auto missing = ask<sa_t>(caf::get_atom_v, get_request<sa_t>{{"ns", "restore-1"}});
  CAF_REQUIRE(!missing.value);
  CAF_CHECK(missing.error == api_errc::not_found);
  CAF_CHECK_EQUAL(api_error_message(missing.error), R"(serviceaccounts "restore-1" not found)");
  auto created = ask<sa_t>(create_atom_v,
                           create_request<sa_t>{make_service_account("ns", "restore-1")});
  CAF_REQUIRE(created.value);
  CAF_CHECK_EQUAL(created.value->metadata.uid, "uid-1");
  CAF_CHECK_EQUAL(created.value->metadata.resource_version, "1");
  CAF_CHECK(created.value->automount_service_account_token == std::optional<bool>{false});
  CAF_REQUIRE_EQUAL(created.value->metadata.owner_references.size(), 1u);
  CAF_CHECK_EQUAL(created.value->metadata.owner_references[0].uid, "uid-9");
  auto got = ask<sa_t>(caf::get_atom_v, get_request<sa_t>{{"ns", "restore-1"}});
  CAF_REQUIRE(got.value);
  CAF_CHECK(*got.value == *created.value);
  CAF_CHECK(store->service_account("ns", "restore-1") == created.value);
  CAF_CHECK(!store->service_account("other", "restore-1"));
  auto dup = ask<sa_t>(create_atom_v,
                       create_request<sa_t>{make_service_account("ns", "restore-1")});
  CAF_CHECK(dup.error == api_errc::already_exists);
  CAF_CHECK_EQUAL(api_error_message(dup.error), R"(serviceaccounts "restore-1" already exists)");
  CAF_CHECK_EQUAL(store->resource_version(), 1u);
  // Seeding works as for the other kinds.
  auto seeded = store->put(make_service_account("ns", "seeded"));
  CAF_CHECK_EQUAL(seeded.metadata.resource_version, "2");
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 4u);
  CAF_CHECK(calls[0].verb == verb::get);
  CAF_CHECK(calls[1].verb == verb::create);
  CAF_CHECK(calls[3].verb == verb::create);
  for (const auto& c : calls) {
    CAF_CHECK_EQUAL(c.kind, "ServiceAccount");
    CAF_CHECK_EQUAL(c.namespace_, "ns");
    CAF_CHECK_EQUAL(c.name, "restore-1");
  }
}

CAF_TEST(leases are created read and updated with a version precondition) {
  using lease_t = model::lease;
  auto missing = ask<lease_t>(caf::get_atom_v, get_request<lease_t>{{"ns", "leader"}});
  CAF_CHECK(missing.error == api_errc::not_found);
  auto created = ask<lease_t>(create_atom_v,
                              create_request<lease_t>{make_lease("ns", "leader", "a")});
  CAF_REQUIRE(created.value);
  CAF_CHECK_EQUAL(created.value->metadata.resource_version, "1");
  CAF_CHECK(created.value->spec.renew_time
            == model::parse_rfc3339_micro("2026-11-25T10:00:00.123456Z"));
  auto dup = ask<lease_t>(create_atom_v, create_request<lease_t>{make_lease("ns", "leader", "b")});
  CAF_CHECK(dup.error == api_errc::already_exists);
  auto got = ask<lease_t>(caf::get_atom_v, get_request<lease_t>{{"ns", "leader"}});
  CAF_REQUIRE(got.value);
  CAF_CHECK(*got.value == *created.value);
  // Renew: the whole object back, with the resourceVersion read as the precondition.
  auto renewed = *got.value;
  *renewed.spec.renew_time += std::chrono::seconds{2};
  auto updated = ask<lease_t>(update_atom_v, update_request<lease_t>{renewed});
  CAF_REQUIRE(updated.value);
  CAF_CHECK_EQUAL(updated.value->metadata.resource_version, "2");
  CAF_CHECK_EQUAL(updated.value->metadata.uid, created.value->metadata.uid);
  CAF_CHECK(updated.value->spec.renew_time == renewed.spec.renew_time);
  CAF_CHECK(store->lease("ns", "leader") == updated.value);
  // A second writer with the version it read before: conflict, nothing changes.
  auto stale = *got.value;
  stale.spec.holder_identity = "b";
  auto lost = ask<lease_t>(update_atom_v, update_request<lease_t>{stale});
  CAF_CHECK(lost.error == api_errc::conflict);
  CAF_CHECK(store->lease("ns", "leader") == updated.value);
  // An update of a lease that does not exist is not found.
  auto nowhere = ask<lease_t>(update_atom_v,
                              update_request<lease_t>{make_lease("ns", "other", "a")});
  CAF_CHECK(nowhere.error == api_errc::not_found);
  // Injected update failures, recorded with their precondition.
  store->fail_next(verb::update, api_errc::server_error, 1);
  auto injected = ask<lease_t>(update_atom_v, update_request<lease_t>{*updated.value});
  CAF_CHECK(injected.error == api_errc::server_error);
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 8u);
  CAF_CHECK(calls[4].verb == verb::update);
  CAF_CHECK_EQUAL(calls[4].precondition, "1");
  CAF_CHECK_EQUAL(calls[5].precondition, "1");
  CAF_CHECK(calls[7].injected_failure);
  CAF_CHECK_EQUAL(calls[7].precondition, "2");
  CAF_CHECK_EQUAL(to_string(verb::update), "update");
  for (const auto& c : calls)
    CAF_CHECK_EQUAL(c.kind, "Lease");
}

CAF_TEST(events are created with a generated name and recorded under the generateName) {
  auto created = ask<model::event>(create_atom_v,
                                   create_request<model::event>{make_event("ns", "restore-1.")});
  CAF_REQUIRE(created.value);
  const auto& e = *created.value;
  CAF_CHECK_EQUAL(e.metadata.name.rfind("restore-1.", 0), 0u);
  CAF_CHECK_EQUAL(e.metadata.name.size(), 15u);
  CAF_CHECK_EQUAL(e.metadata.uid, "uid-1");
  CAF_CHECK(e.type == model::event_type::warning);
  CAF_CHECK_EQUAL(e.involved_object.uid, "uid-9");
  CAF_CHECK_EQUAL(e.action, "Restore");
  auto expected = make_event("ns", "restore-1.");
  expected.metadata = e.metadata;
  CAF_CHECK(e == expected); // everything else as sent
  // A second one gets another name.
  auto second = ask<model::event>(create_atom_v,
                                  create_request<model::event>{make_event("ns", "restore-1.")});
  CAF_REQUIRE(second.value);
  CAF_CHECK_NOT_EQUAL(second.value->metadata.name, e.metadata.name);
  auto stored = store->events("ns");
  CAF_REQUIRE_EQUAL(stored.size(), 2u);
  CAF_CHECK(store->events("other").empty());
  // An injected failure stores nothing.
  store->fail_next(verb::create, api_errc::server_error);
  auto failed = ask<model::event>(create_atom_v,
                                  create_request<model::event>{make_event("ns", "restore-1.")});
  CAF_CHECK(failed.error == api_errc::server_error);
  CAF_CHECK_EQUAL(store->events("ns").size(), 2u);
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 3u);
  for (const auto& c : calls) {
    CAF_CHECK(c.verb == verb::create);
    CAF_CHECK_EQUAL(c.kind, "Event");
    CAF_CHECK_EQUAL(c.name, "restore-1.");
  }
  CAF_CHECK(calls[2].injected_failure);
  // One with neither a name nor a generateName is refused, as for any kind.
  auto unnamed = ask<model::event>(create_atom_v,
                                   create_request<model::event>{make_event("ns", "")});
  CAF_CHECK(unnamed.error == api_errc::invalid);
}

CAF_TEST(lists filter by namespace and labels and sort by key) {
  auto labelled = [](model::openbao_cluster c, std::string tier) {
    c.metadata.labels["tier"] = std::move(tier);
    return c;
  };
  store->put(labelled(make_cluster("b", "x"), "prod"));
  store->put(labelled(make_cluster("a", "y"), "prod"));
  store->put(labelled(make_cluster("a", "x"), "dev"));
  store->put(make_cluster("b", "a"));
  using list_t = model::object_list<cluster>;
  auto all = ask<list_t>(list_atom_v, list_request<cluster>{});
  CAF_REQUIRE(all.value);
  CAF_REQUIRE_EQUAL(all.value->items.size(), 4u);
  CAF_CHECK_EQUAL(all.value->items[0].metadata.namespace_ + "/" + all.value->items[0].metadata.name, "a/x");
  CAF_CHECK_EQUAL(all.value->items[1].metadata.name, "y");
  CAF_CHECK_EQUAL(all.value->items[2].metadata.name, "a");
  CAF_CHECK_EQUAL(all.value->items[3].metadata.name, "x");
  CAF_CHECK_EQUAL(all.value->metadata.resource_version, "4");
  auto in_a = ask<list_t>(list_atom_v, list_request<cluster>{"a", ""});
  CAF_CHECK_EQUAL(in_a.value->items.size(), 2u);
  auto prod = ask<list_t>(list_atom_v, list_request<cluster>{"", "tier=prod"});
  CAF_REQUIRE_EQUAL(prod.value->items.size(), 2u);
  CAF_CHECK_EQUAL(prod.value->items[0].metadata.namespace_, "a");
  auto prod_b = ask<list_t>(list_atom_v, list_request<cluster>{"b", "tier=prod,tier"});
  CAF_CHECK_EQUAL(prod_b.value->items.size(), 1u);
  auto unlabelled = ask<list_t>(list_atom_v, list_request<cluster>{"", "!tier"});
  CAF_CHECK_EQUAL(unlabelled.value->items.size(), 1u);
  auto bad = ask<list_t>(list_atom_v, list_request<cluster>{"", "tier=prod,"});
  CAF_CHECK(bad.error == api_errc::bad_request);
  auto restores = ask<model::object_list<restore>>(list_atom_v, list_request<restore>{});
  CAF_CHECK(restores.value && restores.value->items.empty());
}

CAF_TEST(calls are recorded unless switched off) {
  store->put(make_cluster("ns", "vault"));
  get_cluster("ns", "vault");
  patch_cluster_status("vault", lock_patch, "1");
  ask<model::job>(caf::get_atom_v, get_request<model::job>{{"ns", "j"}});
  auto calls = store->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 3u);
  CAF_CHECK(calls[0].verb == verb::get);
  CAF_CHECK_EQUAL(calls[0].kind, "OpenBaoCluster");
  CAF_CHECK_EQUAL(calls[0].namespace_, "ns");
  CAF_CHECK_EQUAL(calls[0].name, "vault");
  CAF_CHECK(calls[1].verb == verb::patch_status);
  CAF_CHECK_EQUAL(calls[1].precondition, "1");
  CAF_CHECK(calls[2].verb == verb::get);
  CAF_CHECK_EQUAL(calls[2].kind, "Job");
  store->clear_calls();
  store->record_calls(false);
  get_cluster("ns", "vault");
  CAF_CHECK(store->calls().empty());
  store->record_calls(true);
  get_cluster("ns", "vault");
  CAF_CHECK_EQUAL(store->calls().size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
