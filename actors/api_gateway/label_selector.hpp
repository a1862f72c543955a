#pragma once
// Equality-based label selectors ("app=x,tier!=db,canary,!legacy"), as list requests carry
// them in `labelSelector`; matched client-side by the in-memory gateway and watch caches.
// Pure code: no CAF.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::gateway {

struct label_requirement {
  enum class op { equals, not_equals, exists, not_exists };
  std::string key;
  op operation = op::equals;
  std::string value; // equals and not_equals only
  bool operator==(const label_requirement&) const = default;
};

/// All requirements must hold; empty matches everything.
using label_selector = std::vector<label_requirement>;

/// Parses comma-separated terms `k=v`, `k==v`, `k!=v`, `k` (exists) and `!k` (absent);
/// whitespace around keys and values is ignored. Nullopt for an empty key or term (so "a=b,"
/// is refused, as the API server does). Set-based terms (`k in (a,b)`) are not supported.
std::optional<label_selector> parse_label_selector(std::string_view text);

bool matches(const label_selector& sel, const std::map<std::string, std::string>& labels);

} // namespace baorestore::gateway
