#define CAF_SUITE lock_service.hold_expiry
#include "caf/test/unit_test.hpp"

// The pure table of holds taken through the lock service: grants and renews push the
// deadline, releases end the hold, and only holds past their deadline are handed out (once).

#include "lock_service/hold_expiry.hpp"

using namespace baorestore::lock_service;
using namespace std::chrono_literals;
using baorestore::model::cluster_operation;

namespace {

const hold_expiry::time_point t0{std::chrono::seconds{1000}};
const hold_key a{"tenant-a", "vault", "backup-1"};
const hold_key b{"tenant-b", "vault", "upgrade-1"};

} // namespace

CAF_TEST(a hold expires only after the timeout without renew) {
  hold_expiry h{90s};
  h.granted(a, cluster_operation::backup, t0);
  CAF_CHECK(h.take_expired(t0 + 89s).empty());
  auto gone = h.take_expired(t0 + 90s);
  CAF_REQUIRE_EQUAL(gone.size(), 1u);
  CAF_CHECK(gone[0].key == a);
  CAF_CHECK(gone[0].operation == cluster_operation::backup);
  CAF_CHECK_EQUAL(h.size(), 0u);
  CAF_CHECK(h.take_expired(t0 + 200s).empty()); // handed out once
}

CAF_TEST(a renew pushes the deadline) {
  hold_expiry h{90s};
  h.granted(a, cluster_operation::backup, t0);
  h.granted(a, cluster_operation::backup, t0 + 60s);
  CAF_CHECK(h.take_expired(t0 + 120s).empty());
  CAF_CHECK_EQUAL(h.take_expired(t0 + 150s).size(), 1u);
}

CAF_TEST(a release ends the hold and other holds keep their own deadline) {
  hold_expiry h{90s};
  h.granted(a, cluster_operation::backup, t0);
  h.granted(b, cluster_operation::upgrade, t0 + 30s);
  h.ended(a);
  CAF_CHECK(h.take_expired(t0 + 100s).empty());
  auto gone = h.take_expired(t0 + 120s);
  CAF_REQUIRE_EQUAL(gone.size(), 1u);
  CAF_CHECK(gone[0].key == b);
  CAF_CHECK(gone[0].operation == cluster_operation::upgrade);
}

CAF_TEST(holders are told apart by cluster and name) {
  hold_expiry h{10s};
  hold_key other_cluster{"tenant-a", "vault-2", "backup-1"};
  hold_key other_holder{"tenant-a", "vault", "backup-2"};
  h.granted(a, cluster_operation::backup, t0);
  h.granted(other_cluster, cluster_operation::backup, t0);
  h.granted(other_holder, cluster_operation::backup, t0);
  h.ended(a);
  CAF_CHECK_EQUAL(h.size(), 2u);
  CAF_CHECK_EQUAL(h.take_expired(t0 + 10s).size(), 2u);
}

CAF_TEST(locks taken through the service are marked in the API server and named plainly to clients) {
  CAF_CHECK_EQUAL(stored_holder("cron/nightly"), "lockservice/cron/nightly");
  CAF_CHECK(is_service_holder("lockservice/cron/nightly"));
  CAF_CHECK_EQUAL(client_holder("lockservice/cron/nightly"), "cron/nightly");
  for (const char* other : {"alice", "openbaocluster/backup", "openbaorestore/r1/uid-1",
                            "lockservice", "lockservice/", "xlockservice/a"}) {
    CAF_CHECK(!is_service_holder(other));
    CAF_CHECK_EQUAL(client_holder(other), other);
  }
}

CAF_TEST(a zero timeout records nothing) {
  hold_expiry h{0s};
  CAF_CHECK(!h.enabled());
  h.granted(a, cluster_operation::backup, t0);
  CAF_CHECK_EQUAL(h.size(), 0u);
  CAF_CHECK(h.take_expired(t0 + 1000s).empty());
}
