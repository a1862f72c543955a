// Manifest reading: YAML streams, JSON, Lists, core-schema typing, and hostile files that must
// end as errors for their document, never as a crash, a hang or exhausted memory.
#define CAF_SUITE manifest
#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "model/manifest.hpp"

using namespace baorestore::model;

namespace {

std::vector<manifest_document> read(std::string_view text) {
  return read_manifests(text, "f.yaml");
}

// The one document of `text`, parsed back from its JSON.
boost::json::object only_object(std::string_view text) {
  auto docs = read(text);
  CAF_REQUIRE_EQUAL(docs.size(), 1u);
  CAF_REQUIRE_EQUAL(docs[0].error, "");
  return boost::json::parse(docs[0].json).as_object();
}

// The one document of `text`, which must be rejected.
std::string only_error(std::string_view text, const manifest_limits& limits = {}) {
  auto docs = read_manifests(text, "f.yaml", limits);
  CAF_REQUIRE_EQUAL(docs.size(), 1u);
  CAF_CHECK_EQUAL(docs[0].json, "");
  CAF_CHECK(!docs[0].ok());
  return docs[0].error;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

} // namespace

CAF_TEST(multi-document YAML yields one compact JSON object per document) {
  auto docs = read("# header comment\n"
                   "apiVersion: v1\n"
                   "kind: Namespace\n"
                   "metadata:\n"
                   "  name: tenant-a\n"
                   "---\n"
                   "apiVersion: v1\n"
                   "kind: Secret\n"
                   "metadata: {name: s, namespace: tenant-a}\n"
                   "stringData:\n"
                   "  token: abc\n");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK_EQUAL(docs[0].source, "f.yaml#1");
  CAF_CHECK_EQUAL(docs[0].index, 1u);
  CAF_CHECK_EQUAL(docs[0].json,
                  R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-a"}})");
  CAF_CHECK_EQUAL(docs[1].source, "f.yaml#2");
  CAF_CHECK_EQUAL(docs[1].json, R"({"apiVersion":"v1","kind":"Secret","metadata":)"
                                R"({"name":"s","namespace":"tenant-a"},)"
                                R"("stringData":{"token":"abc"}})");
}

CAF_TEST(documents with only comments are skipped but keep their number) {
  auto docs = read("---\n# nothing here\n---\nkind: A\n---\n\n---\n~\n---\nkind: B\n...\n");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK_EQUAL(docs[0].source, "f.yaml#2");
  CAF_CHECK_EQUAL(docs[1].source, "f.yaml#5");
  CAF_CHECK_EQUAL(read("# just a comment\n").size(), 0u);
  CAF_CHECK_EQUAL(read("").size(), 0u);
  CAF_CHECK_EQUAL(read("---\n---\n# c\n").size(), 0u);
}

CAF_TEST(a JSON file is one object or several back to back) {
  auto docs = read_manifests("  {\"kind\": \"A\", \"n\": [1, 2.5, true, null],\n"
                             "   \"s\": \"\\ud83d\\ude00\"}\n",
                             "f.json");
  CAF_REQUIRE_EQUAL(docs.size(), 1u);
  CAF_CHECK_EQUAL(docs[0].source, "f.json#1");
  auto obj = boost::json::parse(docs[0].json).as_object();
  CAF_CHECK_EQUAL(obj.at("kind").as_string(), "A");
  CAF_CHECK_EQUAL(obj.at("n").as_array().size(), 4u);
  CAF_CHECK(obj.at("n").as_array()[1].is_double());
  // A surrogate pair, which yaml-cpp would refuse: JSON goes through a JSON parser.
  CAF_CHECK_EQUAL(obj.at("s").as_string(), "\xF0\x9F\x98\x80");

  docs = read_manifests("{\"kind\": \"A\"}\n{\"kind\": \"B\"}", "f.json");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK_EQUAL(docs[1].source, "f.json#2");
  CAF_CHECK_EQUAL(docs[1].json, R"({"kind":"B"})");
}

CAF_TEST(a YAML flow mapping that starts like JSON is read as YAML) {
  auto obj = only_object("{kind: Namespace, metadata: {name: x}}");
  CAF_CHECK_EQUAL(obj.at("metadata").at("name").as_string(), "x");
}

CAF_TEST(a List stands for its items) {
  auto docs = read("kind: Namespace\n"
                   "---\n"
                   "apiVersion: v1\n"
                   "kind: List\n"
                   "items:\n"
                   "- {kind: Secret, metadata: {name: a}}\n"
                   "- {kind: Secret, metadata: {name: b}}\n"
                   "- just text\n");
  CAF_REQUIRE_EQUAL(docs.size(), 4u);
  CAF_CHECK_EQUAL(docs[1].source, "f.yaml#2.items[0]");
  CAF_CHECK_EQUAL(docs[1].index, 2u);
  CAF_CHECK_EQUAL(docs[1].json, R"({"kind":"Secret","metadata":{"name":"a"}})");
  CAF_CHECK_EQUAL(docs[2].source, "f.yaml#2.items[1]");
  CAF_CHECK_EQUAL(docs[3].source, "f.yaml#2.items[2]");
  CAF_CHECK(contains(docs[3].error, "expected a mapping"));
  CAF_CHECK_EQUAL(read("kind: List\nitems: []\n").size(), 0u);
  CAF_CHECK(contains(only_error("kind: List\nitems: 3\n"), "items: expected a sequence"));
  // JSON Lists too, as `kubectl get -o json` writes them.
  CAF_CHECK_EQUAL(read(R"({"kind":"List","items":[{"kind":"A"},{"kind":"B"}]})").size(), 2u);
}

CAF_TEST(plain scalars follow the YAML 1.2 core schema and quoted ones are strings) {
  auto obj = only_object("quoted_bool: \"true\"\n"
                         "single_quoted_int: '42'\n"
                         "int: 10485760\n"
                         "negative: -17\n"
                         "hex: 0x1F\n"
                         "octal: 0o17\n"
                         "leading_zero: 0644\n"
                         "float: 1.5\n"
                         "exponent: 1e3\n"
                         "tilde: ~\n"
                         "empty:\n"
                         "null_word: Null\n"
                         "bool: True\n"
                         "no: false\n"
                         "yes_word: yes\n"
                         "text: hello world\n"
                         "tagged_str: !!str 5\n"
                         "tagged_float: !!float 2\n"
                         "literal: |\n"
                         "  line\n"
                         "huge: 123456789012345678901234567890\n");
  CAF_CHECK_EQUAL(obj.at("quoted_bool"), boost::json::value("true"));
  CAF_CHECK_EQUAL(obj.at("single_quoted_int"), boost::json::value("42"));
  CAF_CHECK(obj.at("int").is_int64());
  CAF_CHECK_EQUAL(obj.at("int").as_int64(), 10485760);
  CAF_CHECK_EQUAL(obj.at("negative").as_int64(), -17);
  CAF_CHECK_EQUAL(obj.at("hex").as_int64(), 31);
  CAF_CHECK_EQUAL(obj.at("octal").as_int64(), 15);
  CAF_CHECK_EQUAL(obj.at("leading_zero").as_int64(), 644); // decimal under YAML 1.2
  CAF_CHECK_EQUAL(obj.at("float").as_double(), 1.5);
  CAF_CHECK_EQUAL(obj.at("exponent").as_double(), 1000.0);
  CAF_CHECK(obj.at("tilde").is_null());
  CAF_CHECK(obj.at("empty").is_null());
  CAF_CHECK(obj.at("null_word").is_null());
  CAF_CHECK_EQUAL(obj.at("bool"), boost::json::value(true));
  CAF_CHECK_EQUAL(obj.at("no"), boost::json::value(false));
  CAF_CHECK_EQUAL(obj.at("yes_word"), boost::json::value("yes")); // YAML 1.1 only
  CAF_CHECK_EQUAL(obj.at("text"), boost::json::value("hello world"));
  CAF_CHECK_EQUAL(obj.at("tagged_str"), boost::json::value("5"));
  CAF_CHECK_EQUAL(obj.at("tagged_float").as_double(), 2.0);
  CAF_CHECK_EQUAL(obj.at("literal"), boost::json::value("line\n"));
  CAF_CHECK(obj.at("huge").is_double());
}

CAF_TEST(scalars JSON cannot hold or tags we cannot honour are errors) {
  CAF_CHECK(contains(only_error("x: .inf\n"), "no JSON form"));
  CAF_CHECK(contains(only_error("x: .nan\n"), "no JSON form"));
  CAF_CHECK(contains(only_error("x: 1e400\n"), "no JSON form"));
  CAF_CHECK(contains(only_error("x: !!int abc\n"), "not a valid !!int"));
  CAF_CHECK(contains(only_error("x: !custom abc\n"), "unsupported tag !custom"));
  CAF_CHECK(contains(only_error("x: !!binary aGk=\n"), "unsupported tag"));
}

CAF_TEST(anchors and aliases expand) {
  auto obj = only_object("base: &b {cpu: 1, tags: [x, y]}\n"
                         "copy: *b\n"
                         "name: &n web\n"
                         "*n : aliased key\n");
  CAF_CHECK_EQUAL(obj.at("copy"), obj.at("base"));
  CAF_CHECK_EQUAL(obj.at("web"), boost::json::value("aliased key"));
}

CAF_TEST(keys are text and duplicates are errors) {
  auto obj = only_object("80: http\ntrue: yes\n");
  CAF_CHECK_EQUAL(obj.at("80"), boost::json::value("http"));
  CAF_CHECK_EQUAL(obj.at("true"), boost::json::value("yes"));
  auto error = only_error("a: 1\nb: 2\na: 3\n");
  CAF_CHECK(contains(error, "line 3, column 1: duplicate key \"a\""));
  CAF_CHECK(contains(only_error("? [1, 2]\n: x\n"), "mapping key must be a scalar"));
}

CAF_TEST(a document that is not a mapping is an error) {
  CAF_CHECK(contains(only_error("- a\n- b\n"), "expected a mapping (a Kubernetes object), "
                                               "got a sequence"));
  CAF_CHECK(contains(only_error("just text\n"), "got a string"));
  CAF_CHECK(contains(read_manifests("{\"a\": 1} [1]", "f.json")[1].error, "got a sequence"));
}

CAF_TEST(a syntax error names its line and column and keeps earlier documents) {
  auto docs = read("kind: A\n---\nkind: B\nlist: [1, 2\nother: 3\n---\nkind: C\n");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK(docs[0].ok());
  CAF_CHECK_EQUAL(docs[1].source, "f.yaml#2");
  CAF_CHECK(!docs[1].ok());
  CAF_CHECK(contains(docs[1].error, "line 5, column"));
  CAF_CHECK(contains(only_error("a: 1\n  b: 2\n"), "line 2, column 4:"));
  CAF_CHECK(contains(only_error("a: *undefined\n"), "line 1, column 4:"));
  // JSON that is not YAML either: reported with a position too.
  CAF_CHECK(contains(read_manifests("{\"a\": [1, 2}", "f.json")[0].error, "line 1, column"));
}

CAF_TEST(input that sends yaml-cpp round in circles is an error and not a hang) {
  // yaml-cpp 0.7 starts empty documents forever at a line beginning with a comma.
  auto docs = read("kind: A\n---\n# c\n, region\nkind: B\n");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK_EQUAL(docs[0].json, R"({"kind":"A"})");
  CAF_CHECK(contains(docs[1].error, "line 4, column 1: unexpected input"));
  CAF_CHECK(contains(only_error(",\n"), "no progress"));
}

CAF_TEST(a billion laughs bomb is rejected quickly and the next document still read) {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  std::string prev = "a";
  for (std::string name : {"b", "c", "d", "e", "f", "g", "h", "i"}) {
    bomb += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i)
      bomb += (i ? ",*" : "*") + prev;
    bomb += "]\n";
    prev = name;
  }
  auto docs = read(bomb + "---\nkind: After\n");
  CAF_REQUIRE_EQUAL(docs.size(), 2u);
  CAF_CHECK(contains(docs[0].error, "more than 1000000 nodes after expanding aliases"));
  CAF_CHECK_EQUAL(docs[1].json, R"({"kind":"After"})");
}

CAF_TEST(one long string aliased many times is rejected by its text size) {
  manifest_limits limits;
  limits.max_text_bytes = 1024 * 1024;
  std::string doc = "s: &s " + std::string(64 * 1024, 'x') + "\nl: [" + repeat("*s,", 100)
                    + "*s]\n";
  CAF_CHECK(contains(only_error(doc, limits), "bytes of text after expanding aliases"));
}

CAF_TEST(nesting deeper than 64 levels is rejected in every notation) {
  CAF_CHECK(contains(only_error(repeat("[", 10000) + repeat("]", 10000)),
                     "nesting deeper than 64 levels"));
  CAF_CHECK(contains(only_error(repeat("- ", 10000) + "x\n"), "nesting deeper than 64"));
  CAF_CHECK(contains(only_error(repeat("{\"a\":", 10000) + "1" + repeat("}", 10000)),
                     "nesting deeper than 64"));
  // Not JSON, and too deep as YAML: JSON's error, since it looks like JSON.
  CAF_CHECK(contains(only_error(repeat("{a: ", 10000) + "1" + repeat("}", 10000)),
                     "line 1, column 2: syntax error"));
  CAF_CHECK(contains(only_error("a: " + repeat("{a: ", 10000) + "1" + repeat("}", 10000)),
                     "nesting deeper than 64"));
  // An alias cannot smuggle depth past the limit either.
  auto deep = "a: &d " + repeat("[", 40) + repeat("]", 40) + "\nb: " + repeat("[", 30) + "*d"
              + repeat("]", 30) + "\n";
  CAF_CHECK(contains(only_error(deep), "nesting deeper than 64"));
  // 64 levels are fine: the root mapping plus 63 sequences.
  CAF_CHECK_EQUAL(read("a: " + repeat("[", 63) + repeat("]", 63) + "\n").size(), 1u);
}

CAF_TEST(a huge flow collection yaml-cpp would buffer whole is rejected early) {
  // `- [...]` may still turn out to be a mapping key, so yaml-cpp queues all its tokens
  // (over 1 GB for 8 MiB) before the first event: refused after 250,000 separators.
  auto error = only_error("- [" + repeat("1,", 300'000) + "1]\n");
  CAF_CHECK(contains(error, "flow collection ([...] or {...}) too long"));
  CAF_CHECK(contains(error, "line 1, column"));
  // The same as a mapping value is streamed, and only the node limit applies.
  CAF_CHECK_EQUAL(read("a: [" + repeat("1,", 300'000) + "1]\n").size(), 1u);
  CAF_CHECK(read("a: [" + repeat("1,", 300'000) + "1]\n")[0].ok());
  // A block scalar is a single token: a JSON blob in a ConfigMap (120,000 separators here)
  // passes. The price of the guard: a scalar with more than 250,000 of them does not.
  CAF_CHECK(read("a: |\n  " + repeat("[1,{}],", 20'000) + "\n")[0].ok());
}

CAF_TEST(files larger than 8 MiB are rejected as a whole) {
  const std::size_t limit = 8 * 1024 * 1024;
  std::string at_limit = "a: " + std::string(limit - 4, 'x') + "\n";
  CAF_REQUIRE_EQUAL(at_limit.size(), limit);
  auto docs = read(at_limit);
  CAF_REQUIRE_EQUAL(docs.size(), 1u);
  CAF_CHECK(docs[0].ok());
  docs = read(at_limit + "\n");
  CAF_REQUIRE_EQUAL(docs.size(), 1u);
  CAF_CHECK(contains(docs[0].error, "larger than 8388608 bytes"));
  CAF_CHECK_EQUAL(docs[0].source, "f.yaml");
  CAF_CHECK_EQUAL(docs[0].index, 0u);
  // A stream is read no further than the limit.
  std::istringstream in{at_limit + std::string(limit, '\n')};
  auto file = read_manifest_stream(in, "big.yaml");
  CAF_CHECK_EQUAL(file.error, "");
  CAF_REQUIRE_EQUAL(file.documents.size(), 1u);
  CAF_CHECK(contains(file.documents[0].error, "larger than"));
  CAF_CHECK(in.tellg() <= static_cast<std::streamoff>(limit + 1));
}

CAF_TEST(a JSON document is bounded like a YAML one) {
  manifest_limits limits;
  limits.max_nodes = 1000;
  CAF_CHECK(contains(only_error("{\"a\": [" + repeat("0,", 2000) + "0]}", limits),
                     "more than 1000 nodes"));
}

CAF_TEST(files that cannot be read are file errors) {
  auto missing = read_manifest_file("/nonexistent/baorestore/x.yaml");
  CAF_CHECK(contains(missing.error, "no such file"));
  CAF_CHECK(missing.documents.empty());
  auto dir = read_manifest_file(std::filesystem::temp_directory_path());
  CAF_CHECK(contains(dir.error, "is a directory"));
}
