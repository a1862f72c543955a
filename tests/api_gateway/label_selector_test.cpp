// Label selectors as list requests carry them: parsing and matching, table-driven.
#define CAF_SUITE label_selector
#include "caf/test/unit_test.hpp"

#include "actors/api_gateway/label_selector.hpp"

using namespace baorestore::gateway;

CAF_TEST(parsing refuses empty terms and keys) {
  const char* good[] = {"", " ", "a=b", "a==b", "a!=b", "a", "!a", "a=b, c!=d ,e,!f", "a="};
  for (auto text : good) {
    CAF_MESSAGE(text);
    CAF_CHECK(parse_label_selector(text).has_value());
  }
  const char* bad[] = {"a=b,", ",", "=b", "!=b", "!", "a=b=c", "a!=!b"};
  for (auto text : bad) {
    CAF_MESSAGE(text);
    CAF_CHECK(!parse_label_selector(text).has_value());
  }
  auto sel = parse_label_selector(" app = vault ,tier!=db,!legacy");
  CAF_REQUIRE(sel);
  CAF_REQUIRE_EQUAL(sel->size(), 3u);
  CAF_CHECK((*sel)[0] == (label_requirement{"app", label_requirement::op::equals, "vault"}));
  CAF_CHECK((*sel)[1] == (label_requirement{"tier", label_requirement::op::not_equals, "db"}));
  CAF_CHECK((*sel)[2] == (label_requirement{"legacy", label_requirement::op::not_exists, ""}));
}

CAF_TEST(matching requires every term) {
  std::map<std::string, std::string> labels{{"app", "vault"}, {"tier", "web"}};
  struct {
    const char* selector;
    bool matches;
  } cases[] = {
    {"", true},          {"app=vault", true},  {"app=other", false}, {"app!=other", true},
    {"app!=vault", false}, {"missing!=x", true}, {"tier", true},     {"missing", false},
    {"!missing", true},  {"!tier", false},     {"app=vault,tier=web", true},
    {"app=vault,tier=db", false},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.selector);
    auto sel = parse_label_selector(c.selector);
    CAF_REQUIRE(sel);
    CAF_CHECK_EQUAL(matches(*sel, labels), c.matches);
  }
}
