#define CAF_SUITE devcluster.store_persistence
#include "caf/test/unit_test.hpp"

#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <unistd.h>

#include "devcluster/record_log.hpp"
#include "tests/devcluster/store_fixture.hpp"

using namespace devcluster_test;

namespace {

dc::store_options in(const temp_dir& dir) {
  dc::store_options o;
  o.data_dir = dir.path;
  return o;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << bytes;
}

/// Every object of every test resource, serialized: "the exact state".
std::string dump(store_fixture& f) {
  std::string out;
  for (const auto& res : {restores, clusters, jobs, secrets, namespaces, events})
  {
    auto page = f.store->list(res, "", {});
    for (const auto& o : page->items)
      out += json::serialize(o) + "\n";
  }
  return out;
}

/// A history touching every kind of commit: create, update, status, delete with
/// finalizers, finalizer removal, immediate delete, orphaning.
void history(store_fixture& f) {
  f.restore("r1");
  f.restore("r2");
  f.store->merge_patch(restores, "ns", "r1", val(R"({"status":{"phase":"Running"}})"),
                       dc::subresource::status);
  f.store->merge_patch(restores, "ns", "r2", val(R"({"metadata":{"finalizers":["f"]}})"));
  f.store->remove(restores, "ns", "r2");
  auto owner = f.secret("owner");
  f.secret("child", R"(,"ownerReferences":[{"name":"owner","uid":")"
                      + str(owner, "/metadata/uid") + R"("}])");
  dc::delete_options orphan;
  orphan.policy = dc::propagation::orphan;
  f.store->remove(secrets, "ns", "owner", orphan);
  f.store->create(namespaces, "", obj(R"({"metadata":{"name":"default"}})"));
}

} // namespace

CAF_TEST(reopen recovers the exact state and resourceVersion) {
  temp_dir dir{"recover"};
  store_fixture f{in(dir)};
  history(f);
  auto state = dump(f);
  auto rv = f.store->resource_version();
  CAF_CHECK_EQUAL(rv, 10u); // orphaning commits two changes (child, owner)
  f.open(in(dir));
  CAF_CHECK_EQUAL(f.store->dropped_on_open(), 0u);
  CAF_CHECK_EQUAL(f.store->resource_version(), rv);
  CAF_CHECK_EQUAL(dump(f), state);
  // Watches resume across the restart: the replayed history is in the watch log.
  auto evs = f.store->events_since(restores, "ns", 3);
  CAF_REQUIRE(evs);
  CAF_CHECK_EQUAL(evs->size(), 2u); // r2 gets its finalizer (4), r2 is marked (5)
  // Writes continue from the recovered resourceVersion, and are recovered too.
  CAF_REQUIRE(f.store->remove(restores, "ns", "r1"));
  CAF_CHECK_EQUAL(f.store->resource_version(), rv + 1);
  auto after = dump(f);
  f.open(in(dir));
  CAF_CHECK_EQUAL(dump(f), after);
  CAF_CHECK_EQUAL(f.store->resource_version(), rv + 1);
}

CAF_TEST(a damaged last record is dropped) {
  struct damage_case {
    const char* what;
    std::function<void(std::string&, std::size_t last_start)> damage;
  } cases[] = {
    {"cut mid-payload", [](std::string& b, std::size_t) { b.resize(b.size() - 5); }},
    {"cut mid-header", [](std::string& b, std::size_t s) { b.resize(s + 7); }},
    {"only one byte of it", [](std::string& b, std::size_t s) { b.resize(s + 1); }},
    {"flipped payload byte", [](std::string& b, std::size_t) { b[b.size() - 3] ^= 0x20; }},
    {"flipped checksum byte", [](std::string& b, std::size_t s) { b[s + 9] ^= 0x01; }},
    {"flipped length byte", [](std::string& b, std::size_t s) { b[s] ^= 0x04; }},
    {"zeroed tail", [](std::string& b, std::size_t s) {
       std::fill(b.begin() + static_cast<std::ptrdiff_t>(s), b.end(), '\0'); }},
    {"garbage appended", [](std::string& b, std::size_t) { b += "\x05garbage"; }},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.what);
    temp_dir dir{"torn"};
    auto file = dc::record_log::file_in(dir.path);
    std::string before_last;
    std::size_t last_start = 0;
    {
      store_fixture f{in(dir)};
      f.restore("r1");
      f.secret("s1");
      before_last = dump(f);
      last_start = read_file(file).size();
      f.secret("s2"); // the last record
    }
    auto bytes = read_file(file);
    bool appended = std::string{c.what} == "garbage appended";
    c.damage(bytes, last_start);
    write_file(file, bytes);
    store_fixture f{in(dir)};
    CAF_CHECK_GREATER(f.store->dropped_on_open(), 0u);
    if (appended) {
      CAF_CHECK_EQUAL(f.store->resource_version(), 3u); // garbage after a good last record
      CAF_CHECK(f.store->get(secrets, "ns", "s2"));
    } else {
      CAF_CHECK_EQUAL(f.store->resource_version(), 2u);
      CAF_CHECK_EQUAL(dump(f), before_last);
      CAF_CHECK(!f.store->get(secrets, "ns", "s2"));
      CAF_CHECK_EQUAL(read_file(file).size(), last_start); // truncated to the good records
    }
    // The next write works, and survives another reopen.
    CAF_REQUIRE(f.secret("s3").size() > 0);
    auto state = dump(f);
    f.open(in(dir));
    CAF_CHECK_EQUAL(f.store->dropped_on_open(), 0u);
    CAF_CHECK_EQUAL(dump(f), state);
  }
}

CAF_TEST(corruption before the last record is an error) {
  temp_dir dir{"corrupt"};
  auto file = dc::record_log::file_in(dir.path);
  {
    store_fixture f{in(dir)};
    f.restore("r1");
    f.secret("s1");
    f.secret("s2");
  }
  auto bytes = read_file(file);
  bytes[20] ^= 0x10; // inside the first record's payload
  write_file(file, bytes);
  bool refused = false;
  try {
    store_fixture f{in(dir)};
  } catch (const dc::record_log_error& e) {
    refused = std::string{e.what()}.find("corrupt at offset 0") != std::string::npos;
  }
  CAF_CHECK(refused);
  CAF_CHECK_EQUAL(read_file(file), bytes); // nothing truncated away
}

CAF_TEST(a failed commit changes nothing) {
  temp_dir dir{"readonly"};
  store_fixture f{in(dir)};
  f.secret("s1");
  // Refused writes (errors) append nothing to the log.
  auto size = read_file(dc::record_log::file_in(dir.path)).size();
  CAF_CHECK(!f.store->create(secrets, "ns", obj(R"({"metadata":{"name":"s1"}})")));
  CAF_CHECK(!f.store->merge_patch(secrets, "ns", "s1",
                                  val(R"({"metadata":{"resourceVersion":"9"}})")));
  CAF_CHECK(f.store->merge_patch(secrets, "ns", "s1", val(R"({"data":{"k":"dg=="}})"))); // no-op
  CAF_CHECK_EQUAL(read_file(dc::record_log::file_in(dir.path)).size(), size);
}

// --- One process per data directory (issue 16, finding 4) ---------------------------------

CAF_TEST(a second store on a held data directory is refused and names the holder) {
  temp_dir dir{"busy"};
  store_fixture first{in(dir)};
  first.secret("s1");
  auto log = read_file(dc::record_log::file_in(dir.path));
  std::string refused;
  try {
    dc::object_store second{in(dir)};
  } catch (const dc::data_dir_busy& e) {
    refused = e.what();
  }
  CAF_MESSAGE(refused);
  CAF_CHECK(refused.find("is in use by pid " + std::to_string(::getpid()) + ", locked since 20")
            != std::string::npos);
  // The refused store read nothing and wrote nothing: the holder's log is as it was, and
  // the holder goes on writing.
  CAF_CHECK_EQUAL(read_file(dc::record_log::file_in(dir.path)), log);
  CAF_REQUIRE(first.secret("s2").size() > 0);
  // Closing the holder frees the directory.
  auto state = dump(first);
  first.store.reset();
  store_fixture next{in(dir)};
  CAF_CHECK_EQUAL(dump(next), state);
}

namespace {

/// The open flags of this process's descriptor for `file` (from /proc/self/fdinfo), or -1.
long open_flags_of(const std::filesystem::path& file) {
  auto want = std::filesystem::canonical(file);
  for (const auto& fd : std::filesystem::directory_iterator{"/proc/self/fd"}) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(fd.path(), ec);
    if (ec || target != want)
      continue;
    std::ifstream info{"/proc/self/fdinfo/" + fd.path().filename().string()};
    std::string key;
    while (info >> key)
      if (key == "flags:") {
        std::string octal;
        info >> octal;
        return std::stol(octal, nullptr, 8);
      }
  }
  return -1;
}

} // namespace

CAF_TEST(the log is opened in append mode) {
  temp_dir dir{"append"};
  store_fixture f{in(dir)};
  f.secret("s1");
  auto flags = open_flags_of(dc::record_log::file_in(dir.path));
  CAF_REQUIRE_NOT_EQUAL(flags, -1);
  CAF_CHECK((flags & O_APPEND) != 0);
}

// --- Compaction ---------------------------------------------------------------------------

CAF_TEST(compaction is due past factor times the last snapshot plus the floor) {
  dc::compaction_policy p{1000, 4};
  struct row {
    std::uint64_t log, base;
    bool due;
  } rows[] = {
    {0, 0, false},        {1000, 0, false},     {1001, 0, true},
    {4999, 1000, false},  {5000, 1000, false},  {5001, 1000, true},
    {50'000, 12'000, true}, {49'000, 12'000, false},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE("log " << r.log << " base " << r.base);
    CAF_CHECK_EQUAL(dc::compaction_due(r.log, r.base, p), r.due);
  }
  // The defaults: 1 MiB and 4.
  CAF_CHECK(!dc::compaction_due(1u << 20, 0, {}));
  CAF_CHECK(dc::compaction_due((1u << 20) + 1, 0, {}));
}

namespace {

dc::store_options compacting(const temp_dir& dir) {
  auto o = in(dir);
  o.compaction = {4000, 2};
  return o;
}

/// Many updates of a few objects: the log grows while the live data does not.
void churn(store_fixture& f, int rounds) {
  for (int i = 0; i < rounds; ++i)
    CAF_REQUIRE(f.store->merge_patch(secrets, "ns", "s" + std::to_string(i % 3),
                                     val(R"({"data":{"k":")" + std::to_string(i) + "\"}}")));
}

} // namespace

CAF_TEST(compaction bounds the log and reopening it gives the same objects) {
  temp_dir dir{"compact"};
  store_fixture f{compacting(dir)};
  history(f);
  for (auto name : {"s0", "s1", "s2"})
    f.secret(name);
  churn(f, 300);
  auto stats = f.store->disk_stats();
  CAF_MESSAGE("compactions " << stats.compactions << ", log bytes " << stats.bytes);
  CAF_CHECK_GREATER(stats.compactions, 3u);
  CAF_CHECK_EQUAL(stats.last_error, "");
  auto file = dc::record_log::file_in(dir.path);
  auto size = read_file(file).size();
  CAF_CHECK_EQUAL(size, stats.bytes);
  CAF_CHECK_LESS(size, 20'000u); // 300 uncompacted updates alone are over 60 kB
  auto state = dump(f);
  auto rv = f.store->resource_version();
  f.open(compacting(dir));
  CAF_CHECK_EQUAL(dump(f), state);
  CAF_CHECK_EQUAL(f.store->resource_version(), rv);
  // The history before the snapshot is gone: an old watch gets 410 and re-lists; one from
  // the current resourceVersion sees what follows.
  auto old = f.store->events_since(secrets, "ns", 3);
  CAF_REQUIRE(!old);
  CAF_CHECK_EQUAL(old.error().code, 410);
  // resourceVersions go on increasing, past every one handed out before.
  auto s = f.store->merge_patch(secrets, "ns", "s1", val(R"({"data":{"k":"bmV3"}})"));
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(str(*s, "/metadata/resourceVersion"), std::to_string(rv + 1));
  auto fresh = f.store->events_since(secrets, "ns", rv);
  CAF_REQUIRE(fresh);
  CAF_CHECK_EQUAL(fresh->size(), 1u);
  auto created = f.secret("after");
  CAF_CHECK_EQUAL(str(created, "/metadata/resourceVersion"), std::to_string(rv + 2));
  state = dump(f);
  f.open(compacting(dir));
  CAF_CHECK_EQUAL(dump(f), state);
  CAF_CHECK_EQUAL(f.store->resource_version(), rv + 2);
}

CAF_TEST(a compacted counter never hands out a deleted objects resourceVersion again) {
  temp_dir dir{"counter"};
  store_fixture f{compacting(dir)};
  for (auto name : {"s0", "s1", "s2"})
    f.secret(name);
  churn(f, 200);
  f.store->remove(secrets, "ns", "s0");
  // Force a compaction at the next commit, a delete: the counter is then past every live
  // object's resourceVersion, and only the snapshot's own counter remembers it.
  f.open([&] {
    auto o = in(dir);
    o.compaction = {1, 1};
    return o;
  }());
  CAF_REQUIRE(f.store->remove(secrets, "ns", "s1"));
  CAF_CHECK_EQUAL(f.store->disk_stats().compactions, 1u);
  auto rv = f.store->resource_version();
  CAF_CHECK_LESS(std::stoull(str(*f.store->get(secrets, "ns", "s2"), "/metadata/resourceVersion")),
                 rv);
  f.open(compacting(dir));
  CAF_CHECK_EQUAL(f.store->resource_version(), rv);
  CAF_CHECK_EQUAL(str(f.secret("y"), "/metadata/resourceVersion"), std::to_string(rv + 1));
}

namespace {

void copy_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator{from})
    if (e.path().filename() != "lock")
      std::filesystem::copy_file(e.path(), to / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
}

} // namespace

CAF_TEST(a kill between any two steps of a compaction loses nothing) {
  // The hook copies the data directory after each step: each copy is what a kill -9 right
  // there leaves behind. Every one must reopen to the state of the last acknowledged write.
  temp_dir dir{"steps"};
  temp_dir copies{"steps-copies"};
  std::vector<std::pair<std::string, std::filesystem::path>> crashes;
  auto opts = in(dir);
  opts.compaction = {1u << 30, 4}; // none until the test forces one
  store_fixture f{opts};
  history(f);
  for (auto name : {"s0", "s1", "s2"})
    f.secret(name);
  churn(f, 50);
  auto before = copies.path / "before";
  copy_dir(dir.path, before);
  crashes.emplace_back("before the temp file", before);
  auto state_before = dump(f);
  opts.compaction = {1, 1};
  opts.on_compaction_step = [&](dc::compaction_step s) {
    auto name = "step" + std::to_string(static_cast<int>(s));
    auto to = copies.path / name;
    copy_dir(dir.path, to);
    crashes.emplace_back(name, to);
    if (s == dc::compaction_step::temp_written) {
      // A kill in the middle of writing the temp file leaves part of it.
      auto torn = copies.path / "torn";
      copy_dir(dir.path, torn);
      auto tmp = dc::record_log::temp_file_in(torn);
      std::filesystem::resize_file(tmp, std::filesystem::file_size(tmp) / 2);
      crashes.emplace_back("torn temp file", torn);
    }
  };
  f.open(opts); // no compaction on open: the first commit triggers it
  CAF_CHECK_EQUAL(dump(f), state_before);
  CAF_REQUIRE(f.store->merge_patch(secrets, "ns", "s0", val(R"({"data":{"k":"bGFzdA=="}})")));
  CAF_REQUIRE_EQUAL(f.store->disk_stats().compactions, 1u);
  CAF_REQUIRE_EQUAL(crashes.size(), 6u);
  auto state_after = dump(f);
  auto rv = f.store->resource_version();
  f.store.reset();
  for (const auto& [what, path] : crashes) {
    CAF_MESSAGE("killed " << what);
    auto o = in(dir);
    o.data_dir = path;
    f.open(o);
    if (what == "before the temp file") {
      CAF_CHECK_EQUAL(dump(f), state_before);
      continue;
    }
    CAF_CHECK_EQUAL(dump(f), state_after);
    CAF_CHECK_EQUAL(f.store->resource_version(), rv);
    CAF_CHECK(!std::filesystem::exists(dc::record_log::temp_file_in(path)));
    // And it goes on: a write after the crash survives the next reopen.
    CAF_REQUIRE(f.secret("later").size() > 0);
    auto state = dump(f);
    f.open(o);
    CAF_CHECK_EQUAL(dump(f), state);
    CAF_CHECK_EQUAL(f.store->resource_version(), rv + 1);
  }
}

CAF_TEST(a failed compaction keeps the old log and the commit) {
  temp_dir dir{"failed"};
  auto opts = compacting(dir);
  store_fixture f{opts};
  f.secret("s0");
  // A directory where the temp file goes: creating it fails.
  std::filesystem::create_directories(dc::record_log::temp_file_in(dir.path) / "block");
  for (auto name : {"s1", "s2"})
    f.secret(name);
  churn(f, 100);
  auto stats = f.store->disk_stats();
  CAF_CHECK_EQUAL(stats.compactions, 0u);
  CAF_CHECK(stats.last_error.find("store.log.tmp") != std::string::npos);
  auto state = dump(f);
  f.store.reset();
  std::filesystem::remove_all(dc::record_log::temp_file_in(dir.path));
  f.open(opts);
  CAF_CHECK_EQUAL(dump(f), state);
  // With the obstacle gone, the next commits compact again.
  churn(f, 100);
  CAF_CHECK_GREATER(f.store->disk_stats().compactions, 0u);
}

CAF_TEST(a snapshot anywhere but first is corruption) {
  temp_dir dir{"late-snapshot"};
  {
    store_fixture f{in(dir)};
    f.secret("s1");
  }
  auto file = dc::record_log::file_in(dir.path);
  write_file(file, read_file(file)
                     + dc::record_log::encode(R"({"snapshot":{"resourceVersion":9,"objects":[]}})"));
  bool refused = false;
  try {
    store_fixture f{in(dir)};
  } catch (const dc::record_log_error&) {
    refused = true;
  }
  CAF_CHECK(refused);
}
