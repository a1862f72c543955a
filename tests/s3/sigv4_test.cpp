#define CAF_SUITE s3.sigv4
#include "caf/test/unit_test.hpp"

// AWS Signature Version 4 against published vectors:
// - the four examples of the Amazon S3 API reference, "Signature Calculations for the
//   Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)",
//   section "Examples: Signature Calculations" (GET Object, PUT Object, GET Bucket Lifecycle,
//   Get Bucket (List Objects)): access key AKIAIOSFODNN7EXAMPLE, secret
//   wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z, us-east-1;
// - the signing-key derivation example of the AWS General Reference ("Examples of how to
//   derive a signing key for Signature Version 4": 20120215, us-east-1, iam);
// - signatures computed by an independent implementation, curl 7.88.1 (Debian 12)
//   `--aws-sigv4 aws:amz:<region>:s3` with `-H "X-Amz-Date: 20240101T000000Z"` and
//   `-H "x-amz-content-sha256: <empty-body hash>"`, read off an echo server on 127.0.0.1:4568;
// then the encoding rules' edge cases and session tokens.

#include <string>

#include "model/time.hpp"
#include "s3/sigv4.hpp"

using namespace baorestore;
using namespace baorestore::s3;

namespace {

model::timestamp at(const char* rfc3339) {
  auto t = model::parse_rfc3339(rfc3339);
  CAF_REQUIRE(t.has_value());
  return *t;
}

const sigv4_credentials s3_docs{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                ""};
const sigv4_credentials curl_creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

sigv4_request example(std::string method, std::string path) {
  sigv4_request r;
  r.method = std::move(method);
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = std::move(path);
  return r;
}

std::string last_line(const std::string& text) {
  return text.substr(text.rfind('\n') + 1);
}

} // namespace

// -- the S3 API reference's examples ----------------------------------------------------------

CAF_TEST(GET Object example: canonical request and string to sign and signature) {
  auto req = example("GET", "/test.txt");
  req.headers["Range"] = "bytes=0-9";
  auto s = sign_v4_detailed(req, s3_docs, "us-east-1", "s3", at("2013-05-24T00:00:00Z"));
  CAF_CHECK_EQUAL(s.canonical_request,
                  "GET\n"
                  "/test.txt\n"
                  "\n"
                  "host:examplebucket.s3.amazonaws.com\n"
                  "range:bytes=0-9\n"
                  "x-amz-content-sha256:"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                  "x-amz-date:20130524T000000Z\n"
                  "\n"
                  "host;range;x-amz-content-sha256;x-amz-date\n"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CAF_CHECK_EQUAL(s.string_to_sign,
                  "AWS4-HMAC-SHA256\n"
                  "20130524T000000Z\n"
                  "20130524/us-east-1/s3/aws4_request\n"
                  "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CAF_CHECK_EQUAL(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CAF_CHECK_EQUAL(s.headers["authorization"],
                  "AWS4-HMAC-SHA256 "
                  "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                  "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CAF_CHECK_EQUAL(s.headers["x-amz-date"], "20130524T000000Z");
  CAF_CHECK_EQUAL(s.headers["x-amz-content-sha256"], std::string{empty_payload_sha256});
  CAF_CHECK_EQUAL(s.headers.count("x-amz-security-token"), 0u);
  CAF_CHECK_EQUAL(s.headers.size(), 3u);
  // sign_v4 returns the same headers.
  auto headers = sign_v4(req, s3_docs, "us-east-1", "s3", at("2013-05-24T00:00:00Z"));
  CAF_CHECK(headers == s.headers);
}

CAF_TEST(PUT Object example: a dollar sign in the key and a Date header and a signed payload) {
  CAF_CHECK_EQUAL(sha256_hex("Welcome to Amazon S3."),
                  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  auto req = example("PUT", "/test$file.text");
  req.headers["Date"] = "Fri, 24 May 2013 00:00:00 GMT";
  req.headers["x-amz-storage-class"] = "REDUCED_REDUNDANCY";
  req.payload_sha256 = sha256_hex("Welcome to Amazon S3.");
  auto s = sign_v4_detailed(req, s3_docs, "us-east-1", "s3", at("2013-05-24T00:00:00Z"));
  CAF_CHECK_EQUAL(s.canonical_request,
                  "PUT\n"
                  "/test%24file.text\n"
                  "\n"
                  "date:Fri, 24 May 2013 00:00:00 GMT\n"
                  "host:examplebucket.s3.amazonaws.com\n"
                  "x-amz-content-sha256:"
                  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
                  "x-amz-date:20130524T000000Z\n"
                  "x-amz-storage-class:REDUCED_REDUNDANCY\n"
                  "\n"
                  "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
                  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CAF_CHECK_EQUAL(last_line(s.string_to_sign),
                  "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  CAF_CHECK_EQUAL(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  CAF_CHECK_EQUAL(s.headers["x-amz-content-sha256"],
                  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

CAF_TEST(GET Bucket Lifecycle example: a query parameter without a value) {
  auto req = example("GET", "/");
  req.query["lifecycle"] = "";
  auto s = sign_v4_detailed(req, s3_docs, "us-east-1", "s3", at("2013-05-24T00:00:00Z"));
  CAF_CHECK_EQUAL(s.canonical_request.substr(0, s.canonical_request.find("host:")),
                  "GET\n/\nlifecycle=\n");
  CAF_CHECK_EQUAL(last_line(s.string_to_sign),
                  "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  CAF_CHECK_EQUAL(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

CAF_TEST(Get Bucket List Objects example: sorted query parameters) {
  auto req = example("GET", "/");
  req.query["prefix"] = "J";
  req.query["max-keys"] = "2";
  auto s = sign_v4_detailed(req, s3_docs, "us-east-1", "s3", at("2013-05-24T00:00:00Z"));
  CAF_CHECK_EQUAL(s.canonical_request.substr(0, s.canonical_request.find("host:")),
                  "GET\n/\nmax-keys=2&prefix=J\n");
  CAF_CHECK_EQUAL(last_line(s.string_to_sign),
                  "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  CAF_CHECK_EQUAL(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

CAF_TEST(the General Reference signing key derivation example) {
  auto key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1",
                         "iam");
  CAF_CHECK_EQUAL(to_hex(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  // And the one sign_v4_detailed reports is the same derivation.
  auto s = sign_v4_detailed(example("GET", "/"), {"AKID", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                  ""},
                            "us-east-1", "iam", at("2012-02-15T12:00:00Z"));
  CAF_CHECK_EQUAL(s.signing_key_hex,
                  "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// -- an independent implementation: curl 7.88.1 ---------------------------------------------

CAF_TEST(curl agrees on a path with a space and reserved characters) {
  sigv4_request req;
  req.method = "GET";
  req.host = "127.0.0.1:4568";
  req.path = "/bucket/snap shots/a+b$c~d.snap";
  auto s = sign_v4_detailed(req, curl_creds, "us-east-1", "s3", at("2024-01-01T00:00:00Z"));
  CAF_CHECK_EQUAL(canonical_uri(req.path), "/bucket/snap%20shots/a%2Bb%24c~d.snap");
  CAF_CHECK_EQUAL(s.signature, "38348a0e6403492eb7fe11c39506a898da74134802d292d3e4115a0003368e23");
}

CAF_TEST(curl agrees on a session token and another region) {
  sigv4_request req;
  req.method = "GET";
  req.host = "127.0.0.1:4568";
  req.path = "/bucket/a.snap";
  auto creds = curl_creds;
  creds.session_token = "TOKEN/with+chars=";
  auto s = sign_v4_detailed(req, creds, "eu-west-1", "s3", at("2024-01-01T00:00:00Z"));
  CAF_CHECK_EQUAL(s.headers["x-amz-security-token"], "TOKEN/with+chars=");
  CAF_CHECK_EQUAL(s.headers["authorization"],
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/s3/aws4_request,"
                  "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
                  "Signature=fbdd6a04c8f8520d8efc87d1b44ddd192b91a1ef4a88bd76401916716b133839");
}

// curl 7.88 signs the query in the order given (it does not sort it), so its URL had the
// parameters in canonical order already: ?a=b%20c&list-type=2&prefix=snap%2F2024.
CAF_TEST(curl agrees on an encoded query) {
  sigv4_request req;
  req.method = "GET";
  req.host = "127.0.0.1:4568";
  req.path = "/bucket";
  req.query = {{"prefix", "snap/2024"}, {"list-type", "2"}, {"a", "b c"}};
  auto s = sign_v4_detailed(req, curl_creds, "us-east-1", "s3", at("2024-01-01T00:00:00Z"));
  CAF_CHECK_EQUAL(canonical_query(req.query), "a=b%20c&list-type=2&prefix=snap%2F2024");
  CAF_CHECK_EQUAL(s.signature, "97c7a8268f85bacda0263594f679f7c658808e80a0baf1b02f68f242260b66a5");
}

// -- encoding rules ---------------------------------------------------------------------------

CAF_TEST(uri_encode keeps unreserved characters and encodes every other byte once) {
  CAF_CHECK_EQUAL(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  CAF_CHECK_EQUAL(uri_encode("a b+c*d'e(f)g!h", false), "a%20b%2Bc%2Ad%27e%28f%29g%21h");
  CAF_CHECK_EQUAL(uri_encode("a/b", false), "a%2Fb");
  CAF_CHECK_EQUAL(uri_encode("a/b", true), "a/b");
  CAF_CHECK_EQUAL(uri_encode("=&?#%", false), "%3D%26%3F%23%25");
  CAF_CHECK_EQUAL(uri_encode("\xc3\xbc", false), "%C3%BC"); // ü in UTF-8, upper-case hex
  CAF_CHECK_EQUAL(uri_encode(std::string{"a\0b", 3}, false), "a%00b");
}

CAF_TEST(S3 paths are encoded once per segment and never normalized) {
  CAF_CHECK_EQUAL(canonical_uri(""), "/");
  CAF_CHECK_EQUAL(canonical_uri("/"), "/");
  CAF_CHECK_EQUAL(canonical_uri("key"), "/key");
  // A key that contains "%20" is a key with a percent sign: encoded once, not decoded.
  CAF_CHECK_EQUAL(canonical_uri("/b/a%20b"), "/b/a%2520b");
  CAF_CHECK_EQUAL(canonical_uri("/b//x/./y/../z"), "/b//x/./y/../z");
  CAF_CHECK_EQUAL(canonical_uri("/b/dir/"), "/b/dir/");
  CAF_CHECK_EQUAL(canonical_uri("/b/\xe2\x82\xac.snap"), "/b/%E2%82%AC.snap");
}

CAF_TEST(the canonical query sorts by encoded name and encodes names and values) {
  CAF_CHECK_EQUAL(canonical_query({}), "");
  CAF_CHECK_EQUAL(canonical_query({{"b", "2"}, {"a", "1"}, {"A", "0"}}), "A=0&a=1&b=2");
  CAF_CHECK_EQUAL(canonical_query({{"versionId", "x/y=z"}, {"uploads", ""}}),
                  "uploads=&versionId=x%2Fy%3Dz");
  CAF_CHECK_EQUAL(canonical_query({{"a b", "c d"}}), "a%20b=c%20d");
}

CAF_TEST(canonical headers are lower-case and trimmed and sorted and ours win) {
  sigv4_request req;
  req.method = "HEAD";
  req.host = " bucket.s3.test:9000 ";
  req.path = "/k";
  req.headers = {{"X-Custom", "  a   b  "}, {"x-custom", "c"}, {"X-Amz-Date", "forged"},
                 {"Host", "other"}};
  auto s = sign_v4_detailed(req, curl_creds, "us-east-1", "s3", at("2024-01-01T00:00:00Z"));
  CAF_CHECK_EQUAL(s.canonical_request,
                  "HEAD\n/k\n\n"
                  "host:bucket.s3.test:9000\n"
                  "x-amz-content-sha256:"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                  "x-amz-date:20240101T000000Z\n"
                  "x-custom:a b,c\n"
                  "\n"
                  "host;x-amz-content-sha256;x-amz-date;x-custom\n"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

CAF_TEST(UNSIGNED-PAYLOAD and session tokens are signed) {
  auto req = example("HEAD", "/snapshots/a.snap");
  req.payload_sha256 = std::string{unsigned_payload};
  auto creds = s3_docs;
  creds.session_token = "FwoGZXIvYXdzEXAMPLE";
  auto s = sign_v4_detailed(req, creds, "us-east-1", "s3", at("2024-02-29T23:59:59Z"));
  CAF_CHECK_EQUAL(s.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
  CAF_CHECK_EQUAL(s.headers["x-amz-security-token"], "FwoGZXIvYXdzEXAMPLE");
  CAF_CHECK_EQUAL(s.headers["x-amz-date"], "20240229T235959Z");
  CAF_CHECK_EQUAL(last_line(s.canonical_request), "UNSIGNED-PAYLOAD");
  CAF_CHECK(s.canonical_request.find("x-amz-security-token:FwoGZXIvYXdzEXAMPLE\n")
            != std::string::npos);
  CAF_CHECK(s.headers["authorization"].find(
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
            != std::string::npos);
  // Another token, another signature.
  creds.session_token = "other";
  auto t = sign_v4_detailed(req, creds, "us-east-1", "s3", at("2024-02-29T23:59:59Z"));
  CAF_CHECK_NOT_EQUAL(s.signature, t.signature);
}

CAF_TEST(dates are formatted in UTC basic ISO 8601) {
  CAF_CHECK_EQUAL(amz_date(at("2013-05-24T00:00:00Z")), "20130524T000000Z");
  CAF_CHECK_EQUAL(amz_date(at("1999-12-31T23:59:59Z")), "19991231T235959Z");
  CAF_CHECK_EQUAL(amz_date(at("2024-03-01T01:02:03+02:00")), "20240229T230203Z");
  CAF_CHECK_EQUAL(amz_day(at("2024-03-01T01:02:03+02:00")), "20240229");
}
