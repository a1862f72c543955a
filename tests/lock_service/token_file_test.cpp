#define CAF_SUITE lock_service.token_file
#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "lock_service/token_file.hpp"

using namespace baorestore;
using namespace baorestore::lock_service;
using namespace std::chrono_literals;

namespace {

std::string file_with(const std::string& name, const std::string& token) {
  return "tokens:\n  - name: " + name + "\n    sha256: " + to_hex(sha256_of(token))
         + "\n    namespaces: [a]\n    operations: [Backup]\n";
}

struct temp_file {
  std::filesystem::path path = std::filesystem::temp_directory_path()
                               / ("lock-tokens-" + std::to_string(::getpid()) + ".yaml");
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  // Replaces the file as a Secret volume does: a new inode renamed over the old name.
  void write(const std::string& text) {
    auto tmp = path;
    tmp += ".new";
    std::ofstream{tmp} << text;
    std::filesystem::rename(tmp, path);
  }
};

} // namespace

CAF_TEST(a changed file is reloaded and a bad one keeps the previous table) {
  temp_file f;
  f.write(file_with("first", "one"));
  std::vector<std::string> logs;
  token_file tokens{f.path, [&](const std::string& line) { logs.push_back(line); }, 1s};
  auto t0 = std::chrono::steady_clock::now() + 2s;
  CAF_CHECK(tokens.current(t0)->find("one") != nullptr);
  f.write(file_with("second", "two"));
  // Within the check interval: the old table.
  CAF_CHECK(tokens.current(t0 + 500ms)->find("one") != nullptr);
  auto reloaded = tokens.current(t0 + 1500ms);
  CAF_CHECK(reloaded->find("two") != nullptr);
  CAF_CHECK(reloaded->find("one") == nullptr);
  CAF_CHECK_EQUAL(tokens.reloads(), 1u);
  f.write("tokens:\n  - name: broken\n    sha256: xyz\n");
  auto kept = tokens.current(t0 + 3s);
  CAF_CHECK(kept->find("two") != nullptr);
  CAF_CHECK_EQUAL(tokens.failed_reloads(), 1u);
  CAF_REQUIRE(!logs.empty());
  CAF_CHECK(logs.back().find("tokens[0].") != std::string::npos);
  CAF_CHECK(logs.back().find("keeping the previous tokens") != std::string::npos);
  // A missing file (mid-replacement) keeps the table too.
  std::filesystem::remove(f.path);
  CAF_CHECK(tokens.current(t0 + 5s)->find("two") != nullptr);
  f.write(file_with("third", "three"));
  CAF_CHECK(tokens.current(t0 + 7s)->find("three") != nullptr);
}

CAF_TEST(a bad file at start is an error naming the problem) {
  temp_file f;
  f.write("tokens:\n  - name: t\n    sha256: 00\n    namespaces: [a]\n    operations: [Backup]\n");
  std::string what;
  try {
    token_file tokens{f.path, nullptr};
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  CAF_CHECK(what.find("tokens[0].sha256") != std::string::npos);
}
