#include "lock_service/authorize.hpp"

#include <cctype>

namespace baorestore::lock_service {

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size())
    return std::nullopt;
  // The scheme is case-insensitive (RFC 9110 11.1).
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i]))
        != std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty())
    return std::nullopt;
  return token;
}

auth_result authorize(const token_table& table, std::string_view authorization,
                      std::string_view namespace_,
                      std::optional<model::cluster_operation> operation) {
  auto token = bearer_token(authorization);
  if (!token)
    return {auth_verdict::unauthorized, {}, "a bearer token is required"};
  const auto* entry = table.find(*token);
  if (!entry)
    return {auth_verdict::unauthorized, {}, "the bearer token is not valid"};
  if (!entry->allows_namespace(namespace_))
    return {auth_verdict::forbidden, entry->name,
            "token \"" + entry->name + "\" may not lock clusters in namespace \""
              + std::string{namespace_} + "\""};
  if (operation && !entry->allows_operation(*operation))
    return {auth_verdict::forbidden, entry->name,
            "token \"" + entry->name + "\" may not take " + std::string{to_string(*operation)}
              + " locks"};
  return {auth_verdict::ok, entry->name, {}};
}

} // namespace baorestore::lock_service
