#pragma once
// Who may do what (DESIGN §7): a bearer token maps to namespaces and operations. Pure.

#include <optional>
#include <string>
#include <string_view>

#include "lock_service/token_table.hpp"

namespace baorestore::lock_service {

enum class auth_verdict { ok, unauthorized, forbidden };

struct auth_result {
  auth_verdict verdict = auth_verdict::unauthorized;
  std::string token_name; // ok and forbidden: the token's name, for logs
  std::string message;    // unauthorized and forbidden: why, for the client
};

/// The token of an `Authorization` header's value ("Bearer <token>"); nullopt when the
/// header is missing or of another scheme.
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// Checks the Authorization header against the table: unauthorized (401) when the token is
/// missing or unknown; forbidden (403) when the namespace, or the operation if one is given,
/// is not the token's; else ok with the token's name.
auth_result authorize(const token_table& table, std::string_view authorization,
                      std::string_view namespace_,
                      std::optional<model::cluster_operation> operation);

} // namespace baorestore::lock_service
