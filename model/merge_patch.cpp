#include "model/merge_patch.hpp"

#include <boost/json.hpp>

namespace baorestore::model {

void apply_merge_patch(boost::json::value& target, const boost::json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object())
    target = boost::json::object{};
  auto& obj = target.as_object();
  for (const auto& [key, value] : patch.as_object()) {
    if (value.is_null()) {
      obj.erase(key);
      continue;
    }
    apply_merge_patch(obj[key], value);
  }
}

} // namespace baorestore::model
