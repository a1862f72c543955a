#include "actors/cluster_lock/lock_patch.hpp"

#include <boost/json.hpp>

#include "model/codec.hpp"

namespace baorestore::cluster_lock {

std::string set_lock_patch(const model::operation_lock& lock) {
  // A merge patch merges nested objects key by key: an optional field the new holder leaves
  // unset (message, renewedAt) would survive from the previous holder. Null every known field
  // first so the written lock is exactly `lock`.
  boost::json::object fields{{"operation", nullptr}, {"holder", nullptr},
                             {"message", nullptr},   {"acquiredAt", nullptr},
                             {"renewedAt", nullptr}, {"fence", nullptr}};
  auto encoded = model::encode(lock);
  for (auto& [key, value] : encoded.as_object())
    fields[key] = value;
  boost::json::object status{{"operationLock", std::move(fields)}};
  boost::json::object root{{"status", std::move(status)}};
  return boost::json::serialize(root);
}

std::string clear_lock_patch() {
  return R"({"status":{"operationLock":null}})";
}

} // namespace baorestore::cluster_lock
