#pragma once
// A self-signed TLS identity generated at start-up (issue 4: "optional TLS with a generated
// self-signed certificate"): an ECDSA P-256 key and a certificate for the given IP
// addresses and DNS names, valid for a year. Clients trust it by pinning the certificate
// (kubeconfig `certificate-authority-data`). PEM text only: no OpenSSL in this header.

#include <string>
#include <vector>

namespace baorestore::net {

struct tls_identity {
  std::string cert_pem;
  std::string key_pem;
};

/// Throws std::runtime_error when OpenSSL fails.
tls_identity make_self_signed(const std::vector<std::string>& ip_addresses,
                              const std::vector<std::string>& dns_names);

/// A certificate authority named `ca_name` and a server certificate for the given IP
/// addresses and DNS names that it signed, both ECDSA P-256 and valid for a year: for tests
/// of chain verification and of CA bundles (distinct names let several CAs share a bundle).
/// Throws std::runtime_error when OpenSSL fails.
struct ca_and_leaf {
  tls_identity ca;   // trust this (cert_pem) ...
  tls_identity leaf; // ... and serve this
};
ca_and_leaf make_ca_and_leaf(const std::string& ca_name,
                             const std::vector<std::string>& ip_addresses,
                             const std::vector<std::string>& dns_names);

} // namespace baorestore::net
