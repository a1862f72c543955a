#pragma once
// The API server's refusals as values: code, reason and message as metav1.Status carries
// them (KUBECTL.md §9), plus the details kubectl prints (kind, name, causes). Store
// operations return `result<T>`, either the value or one of these; nothing is thrown.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "devcluster/resource.hpp"

namespace baorestore::devcluster {

/// One entry of details.causes: kubectl prints it as `* <field>: <message>`.
struct status_cause {
  std::string reason; // "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"
  std::string message;
  std::string field;
  bool operator==(const status_cause&) const = default;
};

using status_causes = std::vector<status_cause>;

struct store_error {
  int code = 500;
  std::string reason; // "NotFound", "AlreadyExists", "Conflict", "Invalid", "BadRequest", ...
  std::string message;
  // details: group and kind (the plural, or the Kind for Invalid, as the API server does)
  std::string group;
  std::string kind;
  std::string name;
  status_causes causes;
};

template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(store_error err) : v_(std::move(err)) {}

  explicit operator bool() const noexcept { return v_.index() == 0; }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const store_error& error() const { return std::get<1>(v_); }

private:
  std::variant<T, store_error> v_;
};

// -- the API server's wording -------------------------------------------------------------

/// 404: `openbaorestores.openbao.org "x" not found`.
store_error not_found(const resource_id& res, const std::string& name);

/// 409: `openbaorestores.openbao.org "x" already exists`.
store_error already_exists(const resource_id& res, const std::string& name);

/// 409: `Operation cannot be fulfilled on <res> "x": <why>`.
store_error conflict(const resource_id& res, const std::string& name, const std::string& why);

/// 409 Conflict for a stale resourceVersion.
store_error stale(const resource_id& res, const std::string& name);

/// 422: `OpenBaoRestore.openbao.org "x" is invalid: spec: Forbidden: spec is immutable`.
store_error invalid(const resource_def& def, const std::string& name, status_causes causes);

/// 400 with the message as given.
store_error bad_request(std::string message);

/// 410 Expired: `too old resource version: <asked> (<oldest kept - 1>)`.
store_error expired(std::uint64_t asked, std::uint64_t horizon);

/// 413: an object over the size cap.
store_error too_large(std::size_t limit);

} // namespace baorestore::devcluster
