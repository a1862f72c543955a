#pragma once
// AWS Signature Version 4 for S3 requests signed in the Authorization header, payload sent
// in a single chunk (AWS S3 API reference, "Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk"). Pure code: OpenSSL EVP for SHA-256 and
// HMAC-SHA256, no sockets, no CAF, no clock (the caller passes `now`).
//
// S3 rules, which differ from other AWS services: the canonical URI is the path URI-encoded
// once, each segment on its own ('/' kept), and never normalized (no "." or ".." removal, no
// merging of "//"); the same encoded path is what goes on the wire.

#include <map>
#include <string>
#include <string_view>

#include "model/time.hpp"

namespace baorestore::s3 {

struct sigv4_credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token; // empty: none (long-term credentials)
};

struct sigv4_request {
  std::string method; // "HEAD", "GET", ...
  /// Exactly as sent in the Host header: "bucket.s3.us-east-1.amazonaws.com",
  /// "127.0.0.1:4568" (the port only when it is not the scheme's default).
  std::string host;
  /// Unencoded absolute path ("/bucket/some key.snap"); encoded here, segment by segment.
  std::string path;
  /// Unencoded query parameters; a parameter without a value maps to "".
  std::map<std::string, std::string> query;
  /// Further headers to send and sign (any case; values are trimmed for signing). Host,
  /// x-amz-date, x-amz-content-sha256 and x-amz-security-token are added by sign_v4.
  std::map<std::string, std::string> headers;
  /// Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"; empty: the hash of an empty body.
  std::string payload_sha256;
};

/// The intermediate values, exposed for tests against AWS's published examples.
struct sigv4_signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signing_key_hex;
  std::string signature; // hex
  /// The headers to add to the request (lower-case names): authorization, x-amz-date,
  /// x-amz-content-sha256, and x-amz-security-token when a session token is given.
  std::map<std::string, std::string> headers;
};

inline constexpr std::string_view empty_payload_sha256 =
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

/// The full computation. `region` e.g. "us-east-1", `service` "s3".
sigv4_signature sign_v4_detailed(const sigv4_request& req, const sigv4_credentials& creds,
                                 std::string_view region, std::string_view service,
                                 model::timestamp now);

/// The headers to add to the request (see sigv4_signature::headers).
std::map<std::string, std::string> sign_v4(const sigv4_request& req,
                                           const sigv4_credentials& creds,
                                           std::string_view region, std::string_view service,
                                           model::timestamp now);

// -- the pieces -------------------------------------------------------------------------------

/// RFC 3986 percent-encoding as SigV4 defines UriEncode(): unreserved A-Z a-z 0-9 - _ . ~
/// kept, every other byte as %XX (upper-case hex); '/' kept only when `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);

/// The canonical (and wire) form of an S3 object path: each segment encoded, '/' kept.
/// An empty path is "/".
std::string canonical_uri(std::string_view path);

/// Encoded name=value pairs sorted by encoded name, then value, joined with '&'.
std::string canonical_query(const std::map<std::string, std::string>& query);

/// "20130524T000000Z" and "20130524".
std::string amz_date(model::timestamp t);
std::string amz_day(model::timestamp t);

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request"),
/// as raw bytes.
std::string signing_key(std::string_view secret_access_key, std::string_view day,
                        std::string_view region, std::string_view service);

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data); // raw 32 bytes
std::string to_hex(std::string_view bytes);                           // lower case

} // namespace baorestore::s3
