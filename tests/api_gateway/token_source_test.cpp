#define CAF_SUITE gateway.token_source
// Bearer tokens from a rotating file: rename, symlink swap, missing and empty files.
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "actors/api_gateway/token_source.hpp"

using namespace baorestore::gateway;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "gwtok-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream{path / name, std::ios::trunc} << content;
  }
  /// Writes a sibling and renames it over `name`, as rotating writers do.
  void replace(const std::string& name, const std::string& content) const {
    write(name + ".tmp", content);
    fs::rename(path / (name + ".tmp"), path / name);
  }
};

/// A clock the test moves by hand.
struct manual_clock {
  std::shared_ptr<std::chrono::steady_clock::time_point> t =
    std::make_shared<std::chrono::steady_clock::time_point>();
  token_source::clock_fn fn() const {
    return [t = t] { return *t; };
  }
  void advance(std::chrono::nanoseconds d) { *t += d; }
};

struct fixture {
  temp_dir dir;
  manual_clock clock;
  token_source from(const std::string& name) {
    return token_source::from_file(dir.file(name), 1s, clock.fn());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(token_source_tests, fixture)

CAF_TEST(fixed and empty sources) {
  auto fixed = token_source::fixed("abc");
  CAF_CHECK_EQUAL(fixed.current(), "abc");
  CAF_CHECK(!fixed.is_file());
  CAF_CHECK(fixed.last_error().empty());
  token_source none;
  CAF_CHECK_EQUAL(none.current(), "");
}

CAF_TEST(the file is read and trimmed) {
  dir.write("token", "  eyJhbGci.payload.sig \r\n\n");
  auto src = from("token");
  CAF_CHECK(src.is_file());
  CAF_CHECK_EQUAL(src.current(), "eyJhbGci.payload.sig");
  CAF_CHECK(src.last_error().empty());
}

CAF_TEST(rotation by rename is seen after check_every) {
  dir.write("token", "one\n");
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "one");
  dir.replace("token", "two\n");
  CAF_CHECK_EQUAL(src.current(), "one"); // not looked at again yet
  clock.advance(999ms);
  CAF_CHECK_EQUAL(src.current(), "one");
  clock.advance(1ms);
  CAF_CHECK_EQUAL(src.current(), "two");
  // The same size and content length, another inode: still seen.
  dir.replace("token", "six\n");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "six");
}

CAF_TEST(a rewrite in place is seen by its mtime) {
  dir.write("token", "aaaa");
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "aaaa");
  dir.write("token", "bbbb"); // same inode, same size
  // File times are coarse (a kernel tick): set a distinct mtime rather than hope for one.
  timespec times[2] = {{0, UTIME_OMIT}, {12345, 678}};
  CAF_REQUIRE_EQUAL(::utimensat(AT_FDCWD, dir.file("token").c_str(), times, 0), 0);
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "bbbb");
}

CAF_TEST(a missing file keeps the last token until it is back) {
  dir.write("token", "one");
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "one");
  fs::remove(dir.path / "token");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "one");
  auto error = src.last_error();
  CAF_CHECK(error.find("No such file") != std::string::npos);
  dir.write("token", "two");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "two");
  CAF_CHECK(src.last_error().empty());
}

CAF_TEST(an empty file keeps the last token) {
  dir.write("token", "one");
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "one");
  dir.replace("token", "\n");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "one");
  auto error = src.last_error();
  CAF_CHECK(error.find("is empty") != std::string::npos);
  // Once filled, the same file (same inode) is read: an empty read was not remembered.
  dir.write("token", "two");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "two");
}

CAF_TEST(a token that is not there at first appears later) {
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "");
  CAF_CHECK(!src.last_error().empty());
  dir.write("token", "late");
  CAF_CHECK_EQUAL(src.current(), ""); // within check_every of the first look
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "late");
}

CAF_TEST(the kubelet symlink swap) {
  // token -> ..data/token, ..data -> ..2024_01; rotation points ..data at a new directory.
  fs::create_directory(dir.path / "..2024_01");
  dir.write("..2024_01/token", "first");
  fs::create_directory_symlink("..2024_01", dir.path / "..data");
  fs::create_symlink("..data/token", dir.path / "token");
  auto src = from("token");
  CAF_CHECK_EQUAL(src.current(), "first");
  fs::create_directory(dir.path / "..2024_02");
  dir.write("..2024_02/token", "second");
  fs::create_directory_symlink("..2024_02", dir.path / "..data_tmp");
  fs::rename(dir.path / "..data_tmp", dir.path / "..data");
  fs::remove_all(dir.path / "..2024_01");
  clock.advance(1s);
  CAF_CHECK_EQUAL(src.current(), "second");
}

CAF_TEST(copies share one state) {
  dir.write("token", "one");
  auto a = from("token");
  auto b = a;
  CAF_CHECK_EQUAL(a.current(), "one");
  dir.replace("token", "two");
  clock.advance(1s);
  CAF_CHECK_EQUAL(b.current(), "two");
  CAF_CHECK_EQUAL(a.current(), "two"); // b's look counted for a: no second read yet
}

CAF_TEST(concurrent readers during rotation) {
  dir.write("token", "even");
  auto src = token_source::from_file(dir.file("token"), 0ms); // the real clock
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&, src]() mutable {
      while (!stop) {
        auto t = src.current();
        if (t != "even" && t != "odd")
          ++bad;
      }
    });
  for (int i = 0; i < 200; ++i)
    dir.replace("token", i % 2 == 0 ? "odd" : "even");
  stop = true;
  for (auto& t : readers)
    t.join();
  CAF_CHECK_EQUAL(bad.load(), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
