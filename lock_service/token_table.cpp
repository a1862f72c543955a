#include "lock_service/token_table.hpp"

#include <algorithm>
#include <set>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include "model/text.hpp"

namespace baorestore::lock_service {

namespace {

struct parse_failure {
  token_file_error error;
};

[[noreturn]] void fail(std::string path, std::string message) {
  throw parse_failure{{std::move(path), std::move(message)}};
}

sha256_digest parse_digest(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar())
    fail(path, "expected 64 hex digits (the SHA-256 of the token)");
  auto text = n.Scalar();
  sha256_digest d{};
  if (text.size() != 64)
    fail(path, "expected 64 hex digits (the SHA-256 of the token), got "
                 + std::to_string(text.size()) + " characters");
  for (std::size_t i = 0; i < d.size(); ++i) {
    int hi = model::hex_digit_value(text[2 * i]);
    int lo = model::hex_digit_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      fail(path, "not a hex digit at position " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    d[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return d;
}

std::vector<std::string> parse_strings(const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence() || n.size() == 0)
    fail(path, "expected a non-empty sequence");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar() || n[i].Scalar().empty())
      fail(path + "[" + std::to_string(i) + "]", "expected a non-empty string");
    out.push_back(n[i].Scalar());
  }
  return out;
}

std::vector<model::cluster_operation> parse_operations(const YAML::Node& n,
                                                       const std::string& path) {
  std::vector<model::cluster_operation> out;
  auto names = parse_strings(n, path);
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto item = path + "[" + std::to_string(i) + "]";
    auto op = model::parse_cluster_operation(names[i]);
    if (op == model::cluster_operation::restore)
      fail(item, "Restore is not available through the lock service: restores go through "
                 "OpenBaoRestore objects");
    if (!op)
      fail(item, "unknown operation \"" + names[i] + "\": expected Backup or Upgrade");
    out.push_back(*op);
  }
  return out;
}

token_entry parse_entry(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap())
    fail(path, "expected a mapping with name, sha256, namespaces and operations");
  static const std::set<std::string> known{"name", "sha256", "namespaces", "operations"};
  for (const auto& kv : n) {
    auto key = kv.first.as<std::string>();
    if (!known.count(key))
      fail(path + "." + key, "unknown key (expected name, sha256, namespaces, operations)");
  }
  for (const auto& key : known)
    if (!n[key])
      fail(path + "." + key, "required");
  token_entry e;
  if (!n["name"].IsScalar() || n["name"].Scalar().empty())
    fail(path + ".name", "expected a non-empty string");
  e.name = n["name"].Scalar();
  e.sha256 = parse_digest(n["sha256"], path + ".sha256");
  e.namespaces = parse_strings(n["namespaces"], path + ".namespaces");
  e.operations = parse_operations(n["operations"], path + ".operations");
  return e;
}

token_table parse_root(const YAML::Node& root, const std::string& source) {
  if (!root.IsMap())
    fail(source, "expected a mapping with the key \"tokens\"");
  for (const auto& kv : root)
    if (kv.first.as<std::string>() != "tokens")
      fail(kv.first.as<std::string>(), "unknown key (expected tokens)");
  const auto& list = root["tokens"];
  if (!list || list.IsNull())
    return token_table{};
  if (!list.IsSequence())
    fail("tokens", "expected a sequence");
  std::vector<token_entry> entries;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto path = "tokens[" + std::to_string(i) + "]";
    auto e = parse_entry(list[i], path);
    for (const auto& before : entries) {
      if (before.name == e.name)
        fail(path + ".name", "\"" + e.name + "\" is used twice");
      if (before.sha256 == e.sha256)
        fail(path + ".sha256", "the same hash as \"" + before.name + "\"");
    }
    entries.push_back(std::move(e));
  }
  return token_table{std::move(entries)};
}

} // namespace

bool token_entry::allows_namespace(std::string_view ns) const {
  return std::any_of(namespaces.begin(), namespaces.end(),
                     [&](const std::string& n) { return n == "*" || n == ns; });
}

bool token_entry::allows_operation(model::cluster_operation op) const {
  return std::find(operations.begin(), operations.end(), op) != operations.end();
}

token_table::token_table(std::vector<token_entry> entries) : entries_(std::move(entries)) {
  // nop
}

const token_entry* token_table::find(std::string_view token) const {
  auto digest = sha256_of(token);
  const token_entry* found = nullptr;
  for (const auto& e : entries_) {
    // Every entry is compared, whatever matched before; the branch below depends only on
    // whether the whole digest matched, which a guess cannot learn anything useful from.
    bool same = CRYPTO_memcmp(digest.data(), e.sha256.data(), digest.size()) == 0;
    if (same)
      found = &e;
  }
  return found;
}

std::string to_string(const token_file_error& e) {
  return e.path + ": " + e.message;
}

std::variant<token_table, token_file_error> parse_token_table(std::string_view text,
                                                              const std::string& source) {
  try {
    auto root = YAML::Load(std::string{text});
    if (root.IsNull())
      return token_table{};
    return parse_root(root, source);
  } catch (const parse_failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return token_file_error{source, "not YAML: " + std::string{e.what()}};
  }
}

sha256_digest sha256_of(std::string_view text) {
  sha256_digest d{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

std::string to_hex(const sha256_digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

} // namespace baorestore::lock_service
