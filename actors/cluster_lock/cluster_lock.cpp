#include "actors/cluster_lock/cluster_lock.hpp"

namespace baorestore::cluster_lock {

std::string to_string(const cluster_key& k) {
  return k.namespace_ + "/" + k.name;
}

std::string to_string(lock_outcome o) {
  switch (o) {
    case lock_outcome::granted:
      return "granted";
    case lock_outcome::busy:
      return "busy";
    case lock_outcome::released:
      return "released";
    case lock_outcome::not_holder:
      return "not_holder";
  }
  return "unknown";
}

std::string to_string(lock_errc e) {
  switch (e) {
    case lock_errc::cluster_not_found:
      return "cluster_not_found";
    case lock_errc::gave_up:
      return "gave_up";
    case lock_errc::invalid_request:
      return "invalid_request";
  }
  return "unknown";
}

} // namespace baorestore::cluster_lock
