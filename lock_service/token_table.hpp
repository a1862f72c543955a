#pragma once
// The lock service's bearer tokens (issue 8): a YAML file maps each token, stored only as the
// SHA-256 of its text, to a name for logs and to the namespaces and operations it may lock.
//
//   tokens:
//     - name: tenant-a-backup        # shown in logs, never the token
//       sha256: <64 hex digits>      # SHA-256 of the token
//       namespaces: [tenant-a]       # "*": every namespace
//       operations: [Backup]         # Backup and/or Upgrade
//
// Pure code: yaml-cpp and OpenSSL's digest only, no I/O (token_file.hpp reads and reloads).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/openbao_cluster.hpp"

namespace baorestore::lock_service {

using sha256_digest = std::array<std::uint8_t, 32>;

struct token_entry {
  std::string name;
  sha256_digest sha256{};
  std::vector<std::string> namespaces; // may hold "*"
  std::vector<model::cluster_operation> operations;

  bool allows_namespace(std::string_view ns) const;
  bool allows_operation(model::cluster_operation op) const;
};

class token_table {
public:
  token_table() = default;
  explicit token_table(std::vector<token_entry> entries);

  /// The entry whose hash is the SHA-256 of `token`; nullptr when none. Compares the digest
  /// with every entry in constant time (CRYPTO_memcmp) and never stops at the first match,
  /// so the time taken says nothing about how close a guess was.
  const token_entry* find(std::string_view token) const;

  const std::vector<token_entry>& entries() const { return entries_; }

private:
  std::vector<token_entry> entries_;
};

/// A token file's problem: where ("tokens[1].sha256"; `source` for the file as a whole) and
/// what.
struct token_file_error {
  std::string path;
  std::string message;
};

std::string to_string(const token_file_error& e); // "path: message"

/// Parses a token file's text; `source` names it in whole-file errors. Unknown keys, bad hex,
/// a missing field, duplicate names or hashes and operations other than Backup and Upgrade
/// are errors (Restore with its own message: restores go through OpenBaoRestore objects).
std::variant<token_table, token_file_error> parse_token_table(std::string_view text,
                                                              const std::string& source);

/// SHA-256 of `text` (OpenSSL).
sha256_digest sha256_of(std::string_view text);

/// Lowercase hex of a digest (tests and `baorestore dev` write token files with it).
std::string to_hex(const sha256_digest& d);

} // namespace baorestore::lock_service
