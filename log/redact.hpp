#pragma once
// Keeping secrets out of log lines (DESIGN §7: no secret value is ever logged). The operator
// never logs a Secret's data or a token on purpose; these are the second line of defence for
// text that comes from elsewhere and may carry one: an API server's or an object store's
// error message, a request echoed back in an error, a kubeconfig path with a token in it.
// Pure functions, table-tested.

#include <string>
#include <string_view>

namespace baorestore::log {

inline constexpr std::string_view redacted = "[REDACTED]";

/// True for keys that name a secret: "token", "password", "secret", "authorization",
/// "credentials", "apiKey", "secretAccessKey", ... (case-insensitive, as a part of the key:
/// "bearerToken", "X-Amz-Security-Token").
bool is_secret_key(std::string_view key);

/// `text` with the values of secret-looking parts replaced by [REDACTED]:
/// - "Authorization: Bearer abc", "authorization=Basic abc": the credentials after the scheme;
/// - "Bearer abc" / "Basic abc" anywhere: the credentials;
/// - key=value, key: value, "key":"value" where the key is_secret_key: the value;
/// - AWS SigV4 "Signature=..." and "Credential=..." parts.
/// Text without such parts comes back unchanged.
std::string redact(std::string_view text);

} // namespace baorestore::log
