#define CAF_SUITE restore.status_patch
#include "caf/test/unit_test.hpp"

// Status writes: only what changed, nothing when nothing changes, conditions whole with
// transition times that move only when a condition's status does.

#include <boost/json.hpp>

#include "actors/restore_request/status_patch.hpp"

using namespace baorestore;
using namespace baorestore::restore;
namespace json = boost::json;

namespace {

model::timestamp at(int seconds) {
  return *model::parse_rfc3339("2026-11-25T10:00:00Z") + std::chrono::seconds{seconds};
}

json::object status_of(const std::optional<std::string>& patch) {
  CAF_REQUIRE(patch);
  return json::parse(*patch).as_object()["status"].as_object();
}

model::condition cond(std::string type, std::string status) {
  model::condition c;
  c.type = std::move(type);
  c.status = std::move(status);
  c.reason = "R";
  return c;
}

} // namespace

CAF_TEST(nothing changes nothing is written) {
  model::openbao_restore_status s;
  s.phase = model::restore_phase::validating;
  s.message = "validating";
  status_update u;
  u.phase = model::restore_phase::validating;
  u.message = "validating";
  CAF_CHECK(!status_patch(s, u, at(0)));
  CAF_CHECK(!status_patch(s, status_update{}, at(0)));
}

CAF_TEST(only the changed fields are sent) {
  model::openbao_restore_status s;
  s.phase = model::restore_phase::validating;
  s.message = "validating";
  status_update u;
  u.phase = model::restore_phase::running;
  u.set_start_time = true;
  auto st = status_of(status_patch(s, u, at(5)));
  CAF_CHECK_EQUAL(st.size(), 2u);
  CAF_CHECK_EQUAL(json::value_to<std::string>(st["phase"]), "Running");
  CAF_CHECK_EQUAL(json::value_to<std::string>(st["startTime"]), "2026-11-25T10:00:05Z");
}

CAF_TEST(start and completion times are set once) {
  model::openbao_restore_status s;
  s.start_time = at(1);
  status_update u;
  u.set_start_time = true;
  CAF_CHECK(!status_patch(s, u, at(9)));
  auto next = apply_update(s, u, at(9));
  CAF_CHECK(next.start_time == std::optional<model::timestamp>{at(1)});
}

CAF_TEST(conditions are merged by type and keep their transition time while unchanged) {
  model::openbao_restore_status s;
  auto a = cond("SnapshotVerified", "True");
  a.last_transition_time = at(1);
  s.conditions.push_back(a);
  status_update same;
  auto a2 = cond("SnapshotVerified", "True");
  a2.message = "now with a message";
  same.conditions.push_back(a2);
  auto next = apply_update(s, same, at(9));
  CAF_REQUIRE_EQUAL(next.conditions.size(), 1u);
  CAF_CHECK(next.conditions[0].last_transition_time == std::optional<model::timestamp>{at(1)});
  status_update flip;
  flip.conditions.push_back(cond("SnapshotVerified", "False"));
  flip.conditions.push_back(cond("RestoreComplete", "False"));
  auto st = status_of(status_patch(s, flip, at(9)));
  auto& cs = st["conditions"].as_array();
  CAF_REQUIRE_EQUAL(cs.size(), 2u);
  CAF_CHECK_EQUAL(json::value_to<std::string>(cs[0].as_object()["lastTransitionTime"]),
                  "2026-11-25T10:00:09Z");
  CAF_CHECK_EQUAL(json::value_to<std::string>(cs[1].as_object()["type"]), "RestoreComplete");
}
