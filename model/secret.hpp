#pragma once
// core/v1 Secret: metadata, type and data. `data` holds the decoded bytes; values are
// secret and must never reach a log, an event, a status or an error message.

#include <map>
#include <string>

#include "model/object_meta.hpp"

namespace baorestore::model {

struct secret {
  object_meta metadata;
  std::string type;
  std::map<std::string, std::string> data;
  bool operator==(const secret&) const = default;

  bool has_key(const std::string& key) const { return data.count(key) > 0; }
};

} // namespace baorestore::model
