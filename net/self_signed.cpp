#include "net/self_signed.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace baorestore::net {

namespace {

template <class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string{"self-signed certificate: "} + what);
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  auto n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  auto* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A v3 certificate for `key`, named `cn`, valid from an hour ago for a year; unsigned, its
// issuer still to be set.
x509_ptr new_certificate(EVP_PKEY* key, const char* cn) {
  x509_ptr cert{X509_new()};
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2); // v3, for subjectAltName
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial) == 1, "serial");
  serial[0] &= 0x7f; // positive
  auto* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  return cert;
}

void add_sans(X509* cert, const std::vector<std::string>& ip_addresses,
              const std::vector<std::string>& dns_names) {
  std::string sans;
  for (const auto& ip : ip_addresses)
    sans += (sans.empty() ? "" : ",") + std::string{"IP:"} + ip;
  for (const auto& dns : dns_names)
    sans += (sans.empty() ? "" : ",") + std::string{"DNS:"} + dns;
  if (!sans.empty())
    add_extension(cert, NID_subject_alt_name, sans);
}

tls_identity to_pem(X509* cert, EVP_PKEY* key) {
  tls_identity out;
  bio_ptr cert_bio{BIO_new(BIO_s_mem())};
  check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "PEM certificate");
  out.cert_pem = drain(cert_bio.get());
  bio_ptr key_bio{BIO_new(BIO_s_mem())};
  check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM key");
  out.key_pem = drain(key_bio.get());
  return out;
}

pkey_ptr new_key() {
  pkey_ptr key{EVP_EC_gen("P-256")};
  check(key != nullptr, "key generation");
  return key;
}

} // namespace

tls_identity make_self_signed(const std::vector<std::string>& ip_addresses,
                              const std::vector<std::string>& dns_names) {
  auto key = new_key();
  auto cert = new_certificate(key.get(), "baorestore devcluster");
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_sans(cert.get(), ip_addresses, dns_names);
  // Go verifies a pinned self-signed certificate as its own CA: mark it as one.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
  return to_pem(cert.get(), key.get());
}

ca_and_leaf make_ca_and_leaf(const std::string& ca_name,
                             const std::vector<std::string>& ip_addresses,
                             const std::vector<std::string>& dns_names) {
  auto ca_key = new_key();
  auto ca = new_certificate(ca_key.get(), ca_name.c_str());
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  add_extension(ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "sign CA");

  auto leaf_key = new_key();
  auto leaf = new_certificate(leaf_key.get(), (ca_name + " server").c_str());
  X509_set_issuer_name(leaf.get(), X509_get_subject_name(ca.get()));
  add_sans(leaf.get(), ip_addresses, dns_names);
  add_extension(leaf.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(leaf.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(leaf.get(), NID_ext_key_usage, "serverAuth");
  check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0, "sign leaf");
  return {to_pem(ca.get(), ca_key.get()), to_pem(leaf.get(), leaf_key.get())};
}

} // namespace baorestore::net
