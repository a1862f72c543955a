#define CAF_SUITE lock_service.service
#include "caf/test/unit_test.hpp"

#include <boost/json.hpp>

#include "tests/lock_service/service_fixture.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;
using namespace baorestore::lock_service::testing;

namespace {

namespace json = boost::json;

model::operation_lock held_lock(const std::string& holder, model::cluster_operation op) {
  model::operation_lock l;
  l.operation = op;
  l.holder = holder;
  l.message = "nightly";
  l.acquired_at = model::timestamp{std::chrono::seconds{1'800'000'000}};
  l.fence = 3;
  return l;
}

json::object body_of(const net::response& r) {
  return json::parse(r.body).as_object();
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string{v->get_string()} : std::string{"<missing>"};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(service_tests, service_fixture)

CAF_TEST(an acquire is forwarded and granted) {
  answer.lock = held_lock("cron/nightly", model::cluster_operation::backup);
  answer.fence = 3;
  auto r = call("POST", a_lock + "/acquire",
                R"({"operation":"Backup","holder":"cron/nightly","message":"nightly","waitSeconds":5})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 200);
  CAF_CHECK_EQUAL(r->content_type, "application/json");
  CAF_REQUIRE_EQUAL(forwarded.size(), 1u);
  CAF_CHECK(forwarded[0].kind == call_kind::acquire);
  CAF_CHECK_EQUAL(forwarded[0].wait_seconds, 5);
  CAF_CHECK_EQUAL(forwarded[0].holder, "cron/nightly");
  auto o = body_of(*r);
  CAF_CHECK(o.at("granted").as_bool());
  CAF_CHECK_EQUAL(o.at("fence").as_int64(), 3);
  auto lock = o.at("lock").as_object();
  CAF_CHECK_EQUAL(str(lock, "operation"), "Backup");
  CAF_CHECK_EQUAL(str(lock, "holder"), "cron/nightly");
  CAF_CHECK_EQUAL(str(lock, "since"), "2027-01-15T08:00:00Z");
  CAF_CHECK(!lock.contains("renewedAt"));
  CAF_REQUIRE_EQUAL(decisions.size(), 1u);
  CAF_CHECK_EQUAL(decisions[0].token_name, "a-backup");
  CAF_CHECK_EQUAL(decisions[0].cluster, "tenant-a/vault");
  CAF_CHECK_EQUAL(decisions[0].operation, "Backup");
  CAF_CHECK_EQUAL(decisions[0].outcome, "granted");
  CAF_CHECK_EQUAL(decisions[0].status, 200);
}

CAF_TEST(busy is 409 naming the holder) {
  answer.what = registry_answer::kind::busy;
  answer.lock = held_lock("openbaorestore/r1/uid", model::cluster_operation::restore);
  auto r = call("POST", a_lock + "/acquire", R"({"operation":"Backup","holder":"cron"})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 409);
  auto o = body_of(*r);
  CAF_CHECK_EQUAL(str(o, "error"), "busy");
  CAF_CHECK(str(o, "message").find("held by openbaorestore/r1/uid (Restore) since") != std::string::npos);
  CAF_CHECK_EQUAL(str(o.at("lock").as_object(), "holder"), "openbaorestore/r1/uid");
}

CAF_TEST(release and not_holder) {
  answer.what = registry_answer::kind::released;
  auto ok = call("POST", a_lock + "/release", R"({"operation":"Backup","holder":"cron"})");
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK_EQUAL(ok->status, 200);
  CAF_CHECK_EQUAL(ok->body, R"({"released":true})");
  answer.what = registry_answer::kind::not_holder;
  answer.lock.reset();
  auto free = call("POST", a_lock + "/release", R"({"operation":"Backup","holder":"cron"})");
  CAF_REQUIRE(free.has_value());
  CAF_CHECK_EQUAL(free->status, 409);
  auto o = body_of(*free);
  CAF_CHECK_EQUAL(str(o, "error"), "not_holder");
  CAF_CHECK(!o.contains("lock"));
  answer.lock = held_lock("other", model::cluster_operation::backup);
  auto other = call("POST", a_lock + "/release", R"({"operation":"Backup","holder":"cron"})");
  CAF_REQUIRE(other.has_value());
  auto o2 = body_of(*other);
  CAF_CHECK_EQUAL(str(o2.at("lock").as_object(), "holder"), "other");
}

CAF_TEST(GET answers held or free) {
  answer.what = registry_answer::kind::status;
  auto free = call("GET", a_lock);
  CAF_REQUIRE(free.has_value());
  CAF_CHECK_EQUAL(free->body, R"({"cluster":"tenant-a/vault","held":false})");
  answer.lock = held_lock("cron", model::cluster_operation::backup);
  answer.lock->renewed_at = model::timestamp{std::chrono::seconds{1'800'000'060}};
  auto held = call("GET", a_lock);
  CAF_REQUIRE(held.has_value());
  auto o = body_of(*held);
  CAF_CHECK(o.at("held").as_bool());
  CAF_CHECK_EQUAL(str(o.at("lock").as_object(), "renewedAt"), "2027-01-15T08:01:00Z");
  CAF_CHECK_EQUAL(o.at("lock").as_object().at("fence").as_int64(), 3);
}

CAF_TEST(registry errors map to 404 and 503) {
  answer.what = registry_answer::kind::cluster_not_found;
  auto missing = call("GET", a_lock);
  CAF_REQUIRE(missing.has_value());
  CAF_CHECK_EQUAL(missing->status, 404);
  CAF_CHECK_EQUAL(str(body_of(*missing), "error"), "not_found");
  answer.what = registry_answer::kind::unavailable;
  auto gone = call("POST", a_lock + "/acquire", R"({"operation":"Backup","holder":"x"})");
  CAF_REQUIRE(gone.has_value());
  CAF_CHECK_EQUAL(gone->status, 503);
  CAF_CHECK_EQUAL(str(body_of(*gone), "error"), "unavailable");
}

CAF_TEST(401 carries WWW-Authenticate and nothing is forwarded) {
  auto none = call("GET", a_lock, {}, "");
  CAF_REQUIRE(none.has_value());
  CAF_CHECK_EQUAL(none->status, 401);
  CAF_CHECK_EQUAL(none->headers["WWW-Authenticate"], "Bearer");
  CAF_CHECK_EQUAL(str(body_of(*none), "error"), "unauthorized");
  auto bad = call("POST", a_lock + "/acquire", R"({"operation":"Backup","holder":"x"})", "nope");
  CAF_REQUIRE(bad.has_value());
  CAF_CHECK_EQUAL(bad->status, 401);
  CAF_CHECK(forwarded.empty());
  CAF_REQUIRE_EQUAL(decisions.size(), 2u);
  CAF_CHECK(decisions[1].token_name.empty());
  CAF_CHECK_EQUAL(decisions[1].outcome, "unauthorized");
}

CAF_TEST(the tenancy matrix over the service) {
  struct row {
    const char* token;
    const std::string* path;
    const char* op;
    int status;
  };
  const row rows[] = {
    {"tok-a", &a_lock, "Backup", 200},    {"tok-a", &a_lock, "Upgrade", 403},
    {"tok-a", &b_lock, "Backup", 403},    {"tok-a-up", &a_lock, "Upgrade", 200},
    {"tok-a-up", &a_lock, "Backup", 403}, {"tok-a-up", &b_lock, "Upgrade", 403},
    {"tok-b", &b_lock, "Backup", 200},    {"tok-b", &b_lock, "Upgrade", 200},
    {"tok-b", &a_lock, "Backup", 403},    {"tok-b", &a_lock, "Upgrade", 403},
    {"tok-b", &b_lock, "Restore", 403},   {"tok-a", &a_lock, "Restore", 403},
  };
  for (const auto& r : rows) {
    for (const char* action : {"/acquire", "/release"}) {
      auto got = call("POST", *r.path + action,
                      std::string{R"({"operation":")"} + r.op + R"(","holder":"x"})", r.token);
      CAF_REQUIRE(got.has_value());
      CAF_CHECK_EQUAL(got->status, r.status);
      if (got->status != r.status)
        CAF_MESSAGE(r.token << " " << *r.path << action << " " << r.op);
    }
  }
  auto get_other = call("GET", b_lock, {}, "tok-a");
  CAF_REQUIRE(get_other.has_value());
  CAF_CHECK_EQUAL(get_other->status, 403);
  auto get_own = call("GET", b_lock, {}, "tok-b");
  CAF_REQUIRE(get_own.has_value());
  CAF_CHECK_EQUAL(get_own->status, 200);
}

CAF_TEST(Restore gets its own 403 message) {
  auto r = call("POST", a_lock + "/acquire", R"({"operation":"Restore","holder":"x"})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 403);
  CAF_CHECK_EQUAL(str(body_of(*r), "message"),
                  "Restore is not available here: restores go through OpenBaoRestore objects");
  CAF_CHECK(forwarded.empty());
}

CAF_TEST(renew checks the operation of the lock as it stands) {
  // The token allows Backup only; the lock is held by the same holder under Upgrade.
  answer.what = registry_answer::kind::status;
  answer.lock = held_lock("x", model::cluster_operation::upgrade);
  auto denied = call("POST", a_lock + "/renew", R"({"holder":"x"})");
  CAF_REQUIRE(denied.has_value());
  CAF_CHECK_EQUAL(denied->status, 403);
  CAF_REQUIRE_EQUAL(forwarded.size(), 1u); // the query only
  CAF_CHECK(forwarded[0].kind == call_kind::query);
  // Under Backup the renew goes on (the scripted registry answers status to it as well,
  // which is enough to see it forwarded).
  answer.lock = held_lock("x", model::cluster_operation::backup);
  forwarded.clear();
  auto allowed = call("POST", a_lock + "/renew", R"({"holder":"x"})");
  CAF_REQUIRE(allowed.has_value());
  CAF_REQUIRE_EQUAL(forwarded.size(), 2u);
  CAF_CHECK(forwarded[1].kind == call_kind::renew);
  // Another tenant's token is refused before anything is asked.
  forwarded.clear();
  auto other = call("POST", a_lock + "/renew", R"({"holder":"x"})", "tok-b");
  CAF_REQUIRE(other.has_value());
  CAF_CHECK_EQUAL(other->status, 403);
  CAF_CHECK(forwarded.empty());
}

CAF_TEST(bad requests are answered without the registry) {
  for (const char* body : {"{", R"({"operation":"Backup"})", R"({"operation":"Nope","holder":"x"})",
                           R"({"operation":"Backup","holder":"x","extra":1})"}) {
    auto r = call("POST", a_lock + "/acquire", body);
    CAF_REQUIRE(r.has_value());
    CAF_CHECK_EQUAL(r->status, 400);
  }
  auto name = call("GET", "/v1/namespaces/Tenant/clusters/vault/lock");
  CAF_REQUIRE(name.has_value());
  CAF_CHECK_EQUAL(name->status, 400);
  auto path = call("GET", "/v1/nothing");
  CAF_REQUIRE(path.has_value());
  CAF_CHECK_EQUAL(path->status, 404);
  auto method = call("PUT", a_lock + "/acquire");
  CAF_REQUIRE(method.has_value());
  CAF_CHECK_EQUAL(method->status, 405);
  CAF_CHECK_EQUAL(method->headers["Allow"], "POST");
  CAF_CHECK(forwarded.empty());
}

CAF_TEST(decision lines never hold the token) {
  call("POST", a_lock + "/acquire", R"({"operation":"Backup","holder":"cron job"})");
  CAF_REQUIRE_EQUAL(decisions.size(), 1u);
  auto line = to_string(decisions[0]);
  CAF_CHECK_EQUAL(line, "lock-service token=a-backup cluster=tenant-a/vault call=acquire "
                        "operation=Backup holder=\"cron job\" outcome=granted status=200");
  CAF_CHECK(line.find("tok-a") == std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
