#pragma once
// Kubernetes name rules (apimachinery validation.IsDNS1123Subdomain / IsDNS1123Label).

#include <string_view>

namespace baorestore::model {

/// Lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.
bool is_dns1123_label(std::string_view s);

/// Dot-separated DNS-1123 labels, at most 253 characters: object names such as Secrets.
bool is_dns1123_subdomain(std::string_view s);

} // namespace baorestore::model
