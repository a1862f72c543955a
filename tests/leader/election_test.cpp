// The election's pure core as a table: what a candidate does with the Lease it read.
#define CAF_SUITE election
#include "caf/test/unit_test.hpp"

#include <vector>

#include "actors/leader/election.hpp"

using namespace baorestore;
using namespace baorestore::leader;
using namespace std::chrono;
namespace m = baorestore::model;

namespace {

const m::micro_timestamp t0{seconds{1'800'000'000}};

m::lease lease_of(std::string holder, m::micro_timestamp renewed, int duration = 15,
                  int transitions = 3) {
  m::lease l;
  l.metadata.namespace_ = "baorestore-system";
  l.metadata.name = "baorestore";
  l.metadata.resource_version = "42";
  l.spec.holder_identity = std::move(holder);
  l.spec.lease_duration_seconds = duration;
  l.spec.acquire_time = renewed - seconds{100};
  l.spec.renew_time = renewed;
  l.spec.lease_transitions = transitions;
  return l;
}

struct row {
  const char* what;
  std::optional<m::lease> current;
  bool leading;
  m::micro_timestamp now;
  election_action expected;
};

} // namespace

CAF_TEST(decide table) {
  const election_timing timing{};
  std::vector<row> rows{
    {"no lease: create", std::nullopt, false, t0, election_action::create},
    {"no lease while leading: create", std::nullopt, true, t0, election_action::create},
    {"ours while leading: renew", lease_of("me", t0 - seconds{2}), true, t0,
     election_action::renew},
    {"ours and expired while leading: renew", lease_of("me", t0 - seconds{20}), true, t0,
     election_action::renew},
    {"ours but we lost it: follow until it expires", lease_of("me", t0 - seconds{2}), false, t0,
     election_action::follow},
    {"ours, lost and expired: take over", lease_of("me", t0 - seconds{16}), false, t0,
     election_action::take_over},
    {"someone else valid: follow", lease_of("other", t0 - seconds{2}), false, t0,
     election_action::follow},
    {"someone else valid while leading: follow", lease_of("other", t0 - seconds{2}), true, t0,
     election_action::follow},
    {"exactly at expiry: still valid", lease_of("other", t0 - seconds{15}), false, t0,
     election_action::follow},
    {"a microsecond past expiry: take over", lease_of("other", t0 - seconds{15}), false,
     t0 + microseconds{1}, election_action::take_over},
    {"released: take over at once", lease_of("", t0, 1), false, t0, election_action::take_over},
    {"no renew time: expired", [] {
       auto l = lease_of("other", t0);
       l.spec.renew_time.reset();
       return std::optional<m::lease>{l};
     }(),
     false, t0, election_action::take_over},
    {"no duration: expired once past renew time", lease_of("other", t0 - seconds{1}, 0), false,
     t0, election_action::take_over},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE(r.what);
    auto d = decide(r.current, "me", r.leading, r.now, timing);
    auto got = std::string{to_string(d.action)};
    auto want = std::string{to_string(r.expected)};
    CAF_CHECK_EQUAL(got, want);
  }
}

CAF_TEST(create holds the lease from now) {
  auto d = decide(std::nullopt, "me", false, t0, election_timing{});
  CAF_CHECK(d.action == election_action::create);
  CAF_CHECK_EQUAL(d.spec.holder_identity, "me");
  CAF_CHECK(d.spec.lease_duration_seconds == 15);
  CAF_CHECK(d.spec.acquire_time == t0);
  CAF_CHECK(d.spec.renew_time == t0);
  CAF_CHECK(d.spec.lease_transitions == 0);
}

CAF_TEST(renew keeps acquire time and transitions) {
  auto current = lease_of("me", t0 - seconds{2});
  auto d = decide(current, "me", true, t0, election_timing{});
  CAF_CHECK(d.spec.acquire_time == current.spec.acquire_time);
  CAF_CHECK(d.spec.renew_time == t0);
  CAF_CHECK(d.spec.lease_transitions == 3);
  CAF_CHECK_EQUAL(d.spec.holder_identity, "me");
}

CAF_TEST(take over counts a transition of holder) {
  auto d = decide(lease_of("other", t0 - seconds{20}), "me", false, t0, election_timing{});
  CAF_CHECK(d.action == election_action::take_over);
  CAF_CHECK_EQUAL(d.spec.holder_identity, "me");
  CAF_CHECK(d.spec.acquire_time == t0);
  CAF_CHECK(d.spec.renew_time == t0);
  CAF_CHECK(d.spec.lease_transitions == 4);
  CAF_CHECK(d.spec.lease_duration_seconds == 15);
  // Taking back our own expired lease is no transition.
  auto own = decide(lease_of("me", t0 - seconds{20}), "me", false, t0, election_timing{});
  CAF_CHECK(own.spec.lease_transitions == 3);
  // A released lease had no holder: taking it is one.
  auto rel = decide(lease_of("", t0, 1), "me", false, t0, election_timing{});
  CAF_CHECK(rel.spec.lease_transitions == 4);
}

CAF_TEST(follow reports the expiry) {
  auto d = decide(lease_of("other", t0 - seconds{2}), "me", false, t0, election_timing{});
  CAF_CHECK(d.expires_at == t0 + seconds{13});
  CAF_CHECK_EQUAL(d.spec.holder_identity, "other");
}

CAF_TEST(released clears the holder) {
  auto r = released(lease_of("me", t0 - seconds{2}).spec, t0);
  CAF_CHECK_EQUAL(r.holder_identity, "");
  CAF_CHECK(r.lease_duration_seconds == 1);
  CAF_CHECK(r.renew_time == t0);
  CAF_CHECK(r.lease_transitions == 3);
  CAF_CHECK(is_released(r));
  CAF_CHECK(!is_expired(r, t0 + seconds{1}));
  CAF_CHECK(is_expired(r, t0 + seconds{1} + microseconds{1}));
}

CAF_TEST(step down at the renew deadline) {
  election_timing t{};
  CAF_CHECK(!must_step_down(t0, t0 + seconds{9}, t));
  CAF_CHECK(must_step_down(t0, t0 + seconds{10}, t));
  CAF_CHECK(must_step_down(t0, t0 + seconds{14}, t));
}

CAF_TEST(validate timing) {
  CAF_CHECK(!validate(election_timing{}));
  CAF_CHECK(validate(election_timing{seconds{10}, seconds{10}, seconds{2}}));
  CAF_CHECK(validate(election_timing{seconds{15}, seconds{2}, seconds{2}}));
  CAF_CHECK(validate(election_timing{seconds{15}, seconds{10}, seconds{0}}));
}
