#define CAF_SUITE lock_service.token_table
#include "caf/test/unit_test.hpp"

#include "lock_service/token_table.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;

namespace {

std::string hash(const std::string& token) {
  return to_hex(sha256_of(token));
}

std::string good_file() {
  return "tokens:\n"
         "  - name: tenant-a-backup\n"
         "    sha256: " + hash("secret-a") + "\n"
         "    namespaces: [tenant-a]\n"
         "    operations: [Backup]\n"
         "  - name: ops\n"
         "    sha256: " + hash("secret-ops") + "\n"
         "    namespaces: [\"*\"]\n"
         "    operations: [Backup, Upgrade]\n";
}

// The error of a file that must not parse.
token_file_error error_of(const std::string& text) {
  auto r = parse_token_table(text, "tokens.yaml");
  if (auto* e = std::get_if<token_file_error>(&r))
    return *e;
  CAF_FAIL("parsed: " << text);
  return {};
}

std::string entry_with(const std::string& replace_line) {
  return "tokens:\n"
         "  - name: t\n" + replace_line + "\n"
         "    namespaces: [a]\n";
}

} // namespace

CAF_TEST(sha256 of a known text) {
  auto h = hash("abc");
  CAF_CHECK_EQUAL(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

CAF_TEST(a good file parses) {
  auto r = parse_token_table(good_file(), "tokens.yaml");
  auto* table = std::get_if<token_table>(&r);
  CAF_REQUIRE(table != nullptr);
  auto n = table->entries().size();
  CAF_CHECK_EQUAL(n, 2u);
  const auto& a = table->entries()[0];
  CAF_CHECK_EQUAL(a.name, "tenant-a-backup");
  CAF_CHECK(a.allows_namespace("tenant-a"));
  CAF_CHECK(!a.allows_namespace("tenant-b"));
  CAF_CHECK(a.allows_operation(model::cluster_operation::backup));
  CAF_CHECK(!a.allows_operation(model::cluster_operation::upgrade));
  const auto& ops = table->entries()[1];
  CAF_CHECK(ops.allows_namespace("anything"));
  CAF_CHECK(ops.allows_operation(model::cluster_operation::upgrade));
}

CAF_TEST(empty files and empty lists are empty tables) {
  for (const char* text : {"", "tokens: []", "tokens:"}) {
    auto r = parse_token_table(text, "tokens.yaml");
    auto* table = std::get_if<token_table>(&r);
    CAF_REQUIRE(table != nullptr);
    CAF_CHECK(table->entries().empty());
  }
}

CAF_TEST(lookup finds the entry of the token and nothing else) {
  auto r = parse_token_table(good_file(), "tokens.yaml");
  const auto& table = std::get<token_table>(r);
  const auto* a = table.find("secret-a");
  CAF_REQUIRE(a != nullptr);
  CAF_CHECK_EQUAL(a->name, "tenant-a-backup");
  const auto* ops = table.find("secret-ops");
  CAF_REQUIRE(ops != nullptr);
  CAF_CHECK_EQUAL(ops->name, "ops");
  CAF_CHECK(table.find("secret-b") == nullptr);
  CAF_CHECK(table.find("") == nullptr);
  CAF_CHECK(table.find("secret-a ") == nullptr);
  CAF_CHECK(table.find(hash("secret-a")) == nullptr); // the hash is not the token
}

CAF_TEST(lookup compares against every entry) {
  // A table whose first entry matches and whose others differ only in their last byte: the
  // lookup must still pick the right one whatever its position.
  std::vector<token_entry> entries;
  for (int i = 0; i < 5; ++i) {
    token_entry e;
    e.name = "t" + std::to_string(i);
    e.sha256 = sha256_of("tok");
    e.sha256.back() = static_cast<std::uint8_t>(e.sha256.back() ^ (i + 1));
    entries.push_back(e);
  }
  entries[3].sha256 = sha256_of("tok");
  token_table table{entries};
  const auto* found = table.find("tok");
  CAF_REQUIRE(found != nullptr);
  CAF_CHECK_EQUAL(found->name, "t3");
}

CAF_TEST(unknown keys are errors with their path) {
  auto e = error_of("tokens:\n  - name: t\n    sha256: " + hash("x")
                    + "\n    namespaces: [a]\n    operations: [Backup]\n    expires: never\n");
  CAF_CHECK_EQUAL(e.path, "tokens[0].expires");
  auto top = error_of("tokens: []\ntoken: []\n");
  CAF_CHECK_EQUAL(top.path, "token");
}

CAF_TEST(bad hex is an error with its path) {
  auto short_hash = error_of(entry_with("    sha256: abcd\n    operations: [Backup]"));
  CAF_CHECK_EQUAL(short_hash.path, "tokens[0].sha256");
  CAF_CHECK(short_hash.message.find("64 hex digits") != std::string::npos);
  auto bad = hash("x");
  bad[10] = 'g';
  auto not_hex = error_of(entry_with("    sha256: " + bad + "\n    operations: [Backup]"));
  CAF_CHECK_EQUAL(not_hex.path, "tokens[0].sha256");
  CAF_CHECK(not_hex.message.find("position 10") != std::string::npos);
}

CAF_TEST(Restore and unknown operations are refused) {
  auto restore = error_of(entry_with("    sha256: " + hash("x") + "\n    operations: [Backup, Restore]"));
  CAF_CHECK_EQUAL(restore.path, "tokens[0].operations[1]");
  CAF_CHECK(restore.message.find("OpenBaoRestore") != std::string::npos);
  auto unknown = error_of(entry_with("    sha256: " + hash("x") + "\n    operations: [backup]"));
  CAF_CHECK_EQUAL(unknown.path, "tokens[0].operations[0]");
  CAF_CHECK(unknown.message.find("expected Backup or Upgrade") != std::string::npos);
  auto none = error_of(entry_with("    sha256: " + hash("x") + "\n    operations: []"));
  CAF_CHECK_EQUAL(none.path, "tokens[0].operations");
}

CAF_TEST(missing fields and wrong shapes are errors) {
  auto missing = error_of("tokens:\n  - name: t\n    namespaces: [a]\n    operations: [Backup]\n");
  CAF_CHECK_EQUAL(missing.path, "tokens[0].sha256");
  CAF_CHECK_EQUAL(missing.message, "required");
  auto scalar = error_of("tokens: nope\n");
  CAF_CHECK_EQUAL(scalar.path, "tokens");
  auto not_map = error_of("- a\n- b\n");
  CAF_CHECK_EQUAL(not_map.path, "tokens.yaml");
  auto ns = error_of("tokens:\n  - name: t\n    sha256: " + hash("x")
                     + "\n    namespaces: a\n    operations: [Backup]\n");
  CAF_CHECK_EQUAL(ns.path, "tokens[0].namespaces");
  auto syntax = error_of("tokens: [\n");
  CAF_CHECK_EQUAL(syntax.path, "tokens.yaml");
}

CAF_TEST(duplicate names and hashes are errors) {
  auto entry = [](const std::string& name, const std::string& token) {
    return "  - name: " + name + "\n    sha256: " + hash(token)
           + "\n    namespaces: [a]\n    operations: [Backup]\n";
  };
  auto names = error_of("tokens:\n" + entry("t", "x") + entry("t", "y"));
  CAF_CHECK_EQUAL(names.path, "tokens[1].name");
  auto hashes = error_of("tokens:\n" + entry("t", "x") + entry("u", "x"));
  CAF_CHECK_EQUAL(hashes.path, "tokens[1].sha256");
}
