// The lock client's cases, shared by the suite over the in-memory gateway
// (lock_client_test.cpp) and the one over the HTTP gateway and the embedded cluster
// (tests/api_gateway/lock_over_http_test.cpp). The including file defines `fixture` with
// `locks` (a lock_client), `k1` (an existing cluster) and `stored_holder()` (the holder the
// API server has stored, "" when none).

CAF_TEST_FIXTURE_SCOPE(lock_client_tests, fixture)

CAF_TEST(with_lock holds the lock while fn runs and releases it after) {
  std::string seen;
  std::int64_t fence = 0;
  auto r = locks->with_lock(k1, cluster_operation::backup, "openbaocluster/backup",
                            [&](const lock_reply& granted) {
                              seen = stored_holder();
                              fence = granted.fence;
                            });
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::granted);
  CAF_CHECK_EQUAL(seen, "openbaocluster/backup");
  CAF_CHECK_EQUAL(fence, 1);
  CAF_CHECK_EQUAL(stored_holder(), "");
}

CAF_TEST(with_lock releases when fn throws) {
  bool thrown = false;
  try {
    locks->with_lock(k1, cluster_operation::upgrade, "openbaocluster/upgrade",
                     [] { throw std::runtime_error("upgrade failed"); });
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
  CAF_CHECK_EQUAL(stored_holder(), "");
  auto s = locks->query(k1);
  CAF_REQUIRE(s);
  CAF_CHECK(!s->lock);
}

CAF_TEST(with_lock does not run fn when the lock stays busy) {
  auto held = locks->acquire(k1, cluster_operation::restore, "openbaorestore/r1/uid");
  CAF_REQUIRE(held && held->outcome == lock_outcome::granted);
  bool ran = false;
  auto r = locks->with_lock(
    k1, cluster_operation::backup, "openbaocluster/backup", [&] { ran = true; }, 200ms);
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::busy);
  CAF_CHECK(!ran);
  CAF_CHECK_EQUAL(stored_holder(), "openbaorestore/r1/uid");
  auto rel = locks->release(k1, cluster_operation::restore, "openbaorestore/r1/uid");
  CAF_REQUIRE(rel);
  CAF_CHECK(rel->outcome == lock_outcome::released);
}

CAF_TEST(a waiting with_lock runs once the holder releases) {
  auto held = locks->acquire(k1, cluster_operation::backup, "openbaocluster/backup");
  CAF_REQUIRE(held && held->outcome == lock_outcome::granted);
  std::thread releaser{[&] {
    std::this_thread::sleep_for(100ms);
    static_cast<void>(
      locks->release(k1, cluster_operation::backup, "openbaocluster/backup"));
  }};
  bool ran = false;
  auto r = locks->with_lock(
    k1, cluster_operation::upgrade, "openbaocluster/upgrade", [&] { ran = true; }, 10s);
  releaser.join();
  CAF_REQUIRE(r);
  CAF_CHECK(r->outcome == lock_outcome::granted);
  CAF_CHECK(ran);
  CAF_CHECK_EQUAL(stored_holder(), "");
}

CAF_TEST(errors come back as values) {
  auto r = locks->acquire({"tenant-a", "missing"}, cluster_operation::backup, "b");
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == lock_errc::cluster_not_found);
}

CAF_TEST_FIXTURE_SCOPE_END()
