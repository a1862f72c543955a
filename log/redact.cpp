#include "log/redact.hpp"

#include <array>
#include <cctype>

namespace baorestore::log {

namespace {

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

std::string normalized(std::string_view key) {
  std::string out;
  for (char c : key)
    if (std::isalnum(static_cast<unsigned char>(c)) != 0)
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Authorization schemes: the word after them is a credential.
bool is_scheme(std::string_view word) {
  return equals_ignoring_case(word, "bearer") || equals_ignoring_case(word, "basic")
         || equals_ignoring_case(word, "aws4-hmac-sha256");
}

// The end of an unquoted value starting at `from`.
std::size_t value_end(std::string_view s, std::size_t from) {
  static constexpr std::string_view stops = " \t\r\n\"',;&}])<>";
  auto end = s.find_first_of(stops, from);
  return end == std::string_view::npos ? s.size() : end;
}

std::size_t skip_blanks(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
  return i;
}

// After a secret key ending at `j`: the position of its value when a separator follows
// (`"key": "v"`, `key=v`, `key: v`), else npos. `quote` gets the value's opening quote.
std::size_t value_start(std::string_view s, std::size_t j, char& quote) {
  if (j < s.size() && (s[j] == '"' || s[j] == '\''))
    ++j;
  j = skip_blanks(s, j);
  if (j >= s.size() || (s[j] != '=' && s[j] != ':'))
    return std::string_view::npos;
  j = skip_blanks(s, j + 1);
  quote = 0;
  if (j < s.size() && (s[j] == '"' || s[j] == '\''))
    quote = s[j++];
  return j;
}

} // namespace

bool is_secret_key(std::string_view key) {
  static constexpr std::array secret_words = {
    "token",    "password", "passwd",   "secret",    "authorization", "credential",
    "apikey",   "privatekey", "signature", "sessionkey", "accesskey",    "cookie"};
  // References to secrets and places of them are not secrets: tokenSecretRef, secretName,
  // tokenFile, credentialsSecretRef.
  static constexpr std::array harmless_suffixes = {"ref", "name", "names", "file", "path",
                                                   "dir", "role", "namespace", "kind"};
  auto k = normalized(key);
  for (auto suffix : harmless_suffixes)
    if (ends_with(k, suffix))
      return false;
  for (auto word : secret_words)
    if (k.find(word) != std::string::npos)
      return true;
  return false;
}

std::string redact(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    bool word_start = is_key_char(s[i]) && (i == 0 || !is_key_char(s[i - 1]));
    if (!word_start) {
      out += s[i++];
      continue;
    }
    auto j = i;
    while (j < s.size() && is_key_char(s[j]))
      ++j;
    auto word = s.substr(i, j - i);
    // "Bearer abc": keep the scheme, hide the credentials.
    if (is_scheme(word) && j < s.size() && s[j] == ' ') {
      auto k = skip_blanks(s, j);
      auto e = value_end(s, k);
      if (e > k) {
        out.append(s.substr(i, k - i)).append(redacted);
        i = e;
        continue;
      }
    }
    char quote = 0;
    auto k = is_secret_key(word) ? value_start(s, j, quote) : std::string_view::npos;
    if (k == std::string_view::npos) {
      out += word;
      i = j;
      continue;
    }
    out.append(s.substr(i, k - i));
    std::size_t e = 0;
    if (quote != 0) {
      e = s.find(quote, k);
      if (e == std::string_view::npos)
        e = s.size();
    } else {
      // "Authorization: Bearer abc": the scheme stays, the rest of the value goes.
      auto w = k;
      while (w < s.size() && is_key_char(s[w]))
        ++w;
      if (is_scheme(s.substr(k, w - k)) && w < s.size() && s[w] == ' ') {
        out.append(s.substr(k, w + 1 - k));
        k = skip_blanks(s, w);
      }
      e = value_end(s, k);
    }
    if (e > k)
      out.append(redacted);
    i = e;
  }
  return out;
}

} // namespace baorestore::log
