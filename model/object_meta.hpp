#pragma once
// metav1.ObjectMeta: the parts baorestore reads and writes.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"

namespace baorestore::model {

struct owner_reference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
  bool operator==(const owner_reference&) const = default;
};

struct object_meta {
  std::string name;
  std::string generate_name;
  std::string namespace_;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> finalizers;
  std::vector<owner_reference> owner_references;
  std::optional<timestamp> creation_timestamp;
  std::optional<timestamp> deletion_timestamp;
  bool operator==(const object_meta&) const = default;
};

/// metav1.ListMeta.
struct list_meta {
  std::string resource_version;
  std::string continue_token;
  bool operator==(const list_meta&) const = default;
};

template <class T>
struct object_list {
  list_meta metadata;
  std::vector<T> items;
  bool operator==(const object_list&) const = default;
};

} // namespace baorestore::model
