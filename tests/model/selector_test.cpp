// Selectors as list requests carry them: parsing (label and field grammar) and matching,
// table-driven.
#define CAF_SUITE selector
#include "caf/test/unit_test.hpp"

#include "model/selector.hpp"

using namespace baorestore::model;

CAF_TEST(parsing refuses empty terms and keys) {
  const char* good[] = {"",    " ",  "a=b",  "a==b", "a!=b", "a", "!a", "a=b, c!=d ,e,!f",
                        "a=",  "app=x, !tier"};
  for (auto text : good) {
    CAF_MESSAGE(text);
    CAF_CHECK(parse_label_selector(text).has_value());
  }
  const char* bad[] = {"a=b,", ",", "=b", "=x", "!=b", "!", "a=b=c", "a!=!b"};
  for (auto text : bad) {
    CAF_MESSAGE(text);
    CAF_CHECK(!parse_label_selector(text).has_value());
  }
  auto sel = parse_label_selector(" app = vault ,tier!=db,!legacy,ok==yes");
  CAF_REQUIRE(sel);
  CAF_REQUIRE_EQUAL(sel->size(), 4u);
  CAF_CHECK((*sel)[0] == (selector_term{"app", selector_term::op::equals, "vault"}));
  CAF_CHECK((*sel)[1] == (selector_term{"tier", selector_term::op::not_equals, "db"}));
  CAF_CHECK((*sel)[2] == (selector_term{"legacy", selector_term::op::not_exists, ""}));
  CAF_CHECK((*sel)[3] == (selector_term{"ok", selector_term::op::equals, "yes"}));
}

CAF_TEST(field selectors refuse existence terms) {
  struct {
    const char* text;
    bool ok;
  } cases[] = {
    {"", true},
    {"metadata.name=s1", true},
    {"metadata.name!=s1,metadata.namespace==a", true},
    {"type=kubernetes.io/tls", true},
    {"metadata.name", false},
    {"!metadata.name", false},
    {"metadata.name=s1,", false},
    {"=s1", false},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.text);
    CAF_CHECK_EQUAL(parse_selector(c.text, existence_terms::refused).has_value(), c.ok);
  }
  auto sel = parse_selector("metadata.name != s1", existence_terms::refused);
  CAF_REQUIRE(sel);
  CAF_CHECK((*sel)[0] == (selector_term{"metadata.name", selector_term::op::not_equals, "s1"}));
}

CAF_TEST(matching requires every term) {
  std::map<std::string, std::string> labels{{"app", "vault"}, {"tier", "web"}};
  struct {
    const char* selector;
    bool matches;
  } cases[] = {
    {"", true},
    {"app=vault", true},
    {"app==vault", true},
    {"app=other", false},
    {"app!=other", true},
    {"app!=vault", false},
    {"missing!=x", true},
    {"tier", true},
    {"missing", false},
    {"!missing", true},
    {"!tier", false},
    {"app=vault,tier=web", true},
    {"app=vault,tier=db", false},
    {"app=vault, !tier", false},
    {"app=vault, !legacy", true},
    {"missing=", false}, // an absent label is not the empty value
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.selector);
    auto sel = parse_label_selector(c.selector);
    CAF_REQUIRE(sel);
    CAF_CHECK_EQUAL(matches(*sel, labels), c.matches);
  }
}

CAF_TEST(a term holds for a value or an absence) {
  selector_term eq{"k", selector_term::op::equals, ""};
  CAF_CHECK(holds(eq, std::string_view{}));
  CAF_CHECK(!holds(eq, std::nullopt));
  selector_term ne{"k", selector_term::op::not_equals, "v"};
  CAF_CHECK(holds(ne, std::nullopt));
  CAF_CHECK(holds(ne, std::string_view{"w"}));
  CAF_CHECK(!holds(ne, std::string_view{"v"}));
  selector_term ex{"k", selector_term::op::exists, ""};
  CAF_CHECK(holds(ex, std::string_view{}));
  CAF_CHECK(!holds(ex, std::nullopt));
  selector_term nx{"k", selector_term::op::not_exists, ""};
  CAF_CHECK(holds(nx, std::nullopt));
  CAF_CHECK(!holds(nx, std::string_view{"v"}));
}
