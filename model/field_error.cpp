#include "model/field_error.hpp"

namespace baorestore::model {

std::string to_string(const field_error& e) {
  if (e.path.empty())
    return e.message;
  return e.path + ": " + e.message;
}

} // namespace baorestore::model
