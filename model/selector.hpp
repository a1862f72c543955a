#pragma once
// Equality-based selectors as list requests carry them: `labelSelector` terms `k=v`,
// `k==v`, `k!=v`, `k` (exists) and `!k` (absent), and `fieldSelector` terms, which are the
// same without the existence forms (keys are then dotted paths such as "metadata.name").
// Parsed once here and matched by every list that filters: the in-memory gateway, watch
// caches and the embedded cluster's store. Set-based terms (`k in (a,b)`) are not
// supported. Pure code: the standard library only.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::model {

struct selector_term {
  enum class op { equals, not_equals, exists, not_exists };
  std::string key;
  op operation = op::equals;
  std::string value; // equals and not_equals only
  bool operator==(const selector_term&) const = default;
};

/// All terms must hold; empty matches everything.
using selector = std::vector<selector_term>;

enum class existence_terms { allowed, refused };

/// Parses comma-separated terms; whitespace around keys and values is ignored. Nullopt for
/// an empty term or key (so "a=b," is refused, as the API server does), for `=` or `!`
/// inside a key or value ("a=b=c"), and for `k` and `!k` when existence terms are refused.
std::optional<selector> parse_selector(std::string_view text, existence_terms existence);

/// parse_selector with existence terms: the `labelSelector` grammar.
std::optional<selector> parse_label_selector(std::string_view text);

/// Whether one term holds for a value that is `actual`, or absent when nullopt.
bool holds(const selector_term& term, std::optional<std::string_view> actual);

/// Whether every term holds for these labels.
bool matches(const selector& sel, const std::map<std::string, std::string>& labels);

} // namespace baorestore::model
