#pragma once
// Shared by the object store's suites: the resources the embedded cluster serves, a store
// with a fixed clock and seed, and JSON literals.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <unistd.h>

#include <boost/json.hpp>

#include "devcluster/object_store.hpp"

namespace devcluster_test {

namespace json = boost::json;
namespace dc = baorestore::devcluster;

inline const dc::resource_id restores{"openbao.org", "v1alpha1", "openbaorestores"};
inline const dc::resource_id clusters{"openbao.org", "v1alpha1", "openbaoclusters"};
inline const dc::resource_id jobs{"batch", "v1", "jobs"};
inline const dc::resource_id secrets{"", "v1", "secrets"};
inline const dc::resource_id namespaces{"", "v1", "namespaces"};
inline const dc::resource_id events{"", "v1", "events"};

inline json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

inline json::value val(std::string_view text) {
  return json::parse(text);
}

/// The string at a JSON pointer, "" when absent or not a string.
inline std::string str(const json::object& o, std::string_view pointer) {
  boost::system::error_code ec;
  json::value v = o;
  auto* p = v.find_pointer(pointer, ec);
  return p && p->is_string() ? std::string{p->get_string()} : std::string{};
}

inline bool has(const json::object& o, std::string_view pointer) {
  boost::system::error_code ec;
  json::value v = o;
  return v.find_pointer(pointer, ec) != nullptr;
}

struct store_fixture {
  baorestore::model::timestamp now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}
                                   + std::chrono::hours{8}};
  std::unique_ptr<dc::object_store> store;

  explicit store_fixture(dc::store_options o = {}) { open(std::move(o)); }

  void open(dc::store_options o) {
    store.reset();
    o.seed = o.seed == 0 ? 42 : o.seed;
    o.clock = [this] { return now; };
    store = std::make_unique<dc::object_store>(std::move(o));
    store->define({restores, "OpenBaoRestore", true, true, {}});
    store->define({clusters, "OpenBaoCluster", true, true, {}});
    store->define({jobs, "Job", true, true, {}});
    store->define({secrets, "Secret", true, false, {"type"}});
    store->define({namespaces, "Namespace", false, true, {}});
    store->define({events, "Event", true, false, {"involvedObject.name", "involvedObject.uid"}});
  }

  /// A restore named `name` in namespace "ns", with the given spec and optional extras.
  json::object restore(std::string_view name, std::string_view spec = R"({"cluster":"c"})") {
    auto r = store->create(restores, "ns",
                           obj(R"({"apiVersion":"openbao.org/v1alpha1","kind":"OpenBaoRestore",)"
                               R"("metadata":{"name":")" + std::string{name} + R"("},"spec":)"
                               + std::string{spec} + "}"));
    return r ? *r : json::object{};
  }

  json::object secret(std::string_view name, std::string_view meta_extra = "") {
    auto r = store->create(secrets, "ns",
                           obj(R"({"metadata":{"name":")" + std::string{name} + "\""
                               + std::string{meta_extra} + R"(},"data":{"k":"dg=="}})"));
    return r ? *r : json::object{};
  }
};

/// A fresh, empty directory under the system temp dir, removed by the destructor.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(std::string_view tag) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path()
           / ("baorestore-dc-" + std::string{tag} + "-" + std::to_string(::getpid()) + "-"
              + std::to_string(++counter));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

} // namespace devcluster_test
