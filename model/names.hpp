#pragma once
// Kubernetes name rules (apimachinery validation.IsDNS1123Subdomain / IsDNS1123Label).

#include <cstddef>
#include <string>
#include <string_view>

namespace baorestore::model {

/// Lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.
bool is_dns1123_label(std::string_view s);

/// Dot-separated DNS-1123 labels, at most 253 characters: object names such as Secrets.
bool is_dns1123_subdomain(std::string_view s);

/// `name` when it has at most `max` characters (max >= 10); else its first characters, with
/// trailing '-', '.' and '_' dropped, then "-" and an 8-hex-digit FNV-1a hash of the whole
/// `name`. Deterministic (every reader computes the same cut, across builds and platforms),
/// and two long names that share their beginning still differ. A DNS-1123 name stays one,
/// and so does a valid label value. The one way we shorten generated names: the Job name
/// (63), label values carrying names (63), the ServiceAccount name (253).
std::string cut_name(std::string_view name, std::size_t max);

/// A label value carrying `name`: cut_name(name, 63). The full name goes in an annotation.
std::string name_label_value(std::string_view name);

} // namespace baorestore::model
