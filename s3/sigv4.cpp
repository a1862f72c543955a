#include "s3/sigv4.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

#include <openssl/evp.h>

namespace baorestore::s3 {

namespace {

constexpr const char* algorithm = "AWS4-HMAC-SHA256";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = lower(c);
  return out;
}

/// Leading and trailing blanks removed, inner runs of blanks collapsed to one space (the
/// AWS SDKs' "trimall"; S3 accepts both, since header values rarely contain runs).
std::string trim_all(std::string_view v) {
  std::string out;
  bool blank = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank)
      out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
         || c == '_' || c == '.' || c == '~';
}

} // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0x0f];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sigv4: SHA-256 failed");
  return to_hex(std::string_view{reinterpret_cast<const char*>(md.data()), len});
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  std::size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(),
                md.size(), &len)
      == nullptr)
    throw std::runtime_error("sigv4: HMAC-SHA256 failed");
  return std::string{reinterpret_cast<const char*>(md.data()), len};
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0x0f];
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path) {
  if (path.empty())
    return "/";
  auto encoded = uri_encode(path, true);
  return encoded.front() == '/' ? encoded : "/" + encoded;
}

std::string canonical_query(const std::map<std::string, std::string>& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(query.size());
  for (const auto& [name, value] : query)
    pairs.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty())
      out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string amz_date(model::timestamp t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string amz_day(model::timestamp t) {
  return amz_date(t).substr(0, 8);
}

std::string signing_key(std::string_view secret_access_key, std::string_view day,
                        std::string_view region, std::string_view service) {
  auto k_date = hmac_sha256("AWS4" + std::string{secret_access_key}, day);
  auto k_region = hmac_sha256(k_date, region);
  auto k_service = hmac_sha256(k_region, service);
  return hmac_sha256(k_service, "aws4_request");
}

sigv4_signature sign_v4_detailed(const sigv4_request& req, const sigv4_credentials& creds,
                                 std::string_view region, std::string_view service,
                                 model::timestamp now) {
  sigv4_signature out;
  auto date = amz_date(now);
  auto day = date.substr(0, 8);
  auto payload = req.payload_sha256.empty() ? std::string{empty_payload_sha256}
                                            : req.payload_sha256;
  out.headers["x-amz-date"] = date;
  out.headers["x-amz-content-sha256"] = payload;
  if (!creds.session_token.empty())
    out.headers["x-amz-security-token"] = creds.session_token;

  // Lower-case names, sorted (std::map); a name given twice in different cases is one header
  // with its values joined by ',' as HTTP folds them. Ours win over the caller's.
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : req.headers) {
    auto key = to_lower(trim_all(name));
    auto v = trim_all(value);
    auto [it, fresh] = canonical.emplace(key, v);
    if (!fresh)
      it->second += "," + v;
  }
  canonical["host"] = trim_all(req.host);
  for (const auto& [name, value] : out.headers)
    canonical[name] = trim_all(value);

  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty())
      signed_headers += ';';
    signed_headers += name;
  }

  out.canonical_request = req.method + "\n" + canonical_uri(req.path) + "\n"
                          + canonical_query(req.query) + "\n" + canonical_headers + "\n"
                          + signed_headers + "\n" + payload;
  auto scope = day + "/" + std::string{region} + "/" + std::string{service} + "/aws4_request";
  out.string_to_sign = std::string{algorithm} + "\n" + date + "\n" + scope + "\n"
                       + sha256_hex(out.canonical_request);
  auto key = signing_key(creds.secret_access_key, day, region, service);
  out.signing_key_hex = to_hex(key);
  out.signature = to_hex(hmac_sha256(key, out.string_to_sign));
  out.headers["authorization"] = std::string{algorithm} + " Credential=" + creds.access_key_id
                                 + "/" + scope + ",SignedHeaders=" + signed_headers
                                 + ",Signature=" + out.signature;
  return out;
}

std::map<std::string, std::string> sign_v4(const sigv4_request& req,
                                           const sigv4_credentials& creds,
                                           std::string_view region, std::string_view service,
                                           model::timestamp now) {
  return sign_v4_detailed(req, creds, region, service, now).headers;
}

} // namespace baorestore::s3
