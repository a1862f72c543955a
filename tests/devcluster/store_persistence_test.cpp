#define CAF_SUITE devcluster.store_persistence
#include "caf/test/unit_test.hpp"

#include <fstream>
#include <iterator>

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
