#include "cli/dev_lock_service.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <stdlib.h>

#include "lock_service/token_table.hpp"
#include "net/self_signed.hpp"

namespace baorestore::cli {

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f{path, std::ios::binary};
  f << text;
  if (!f)
    throw std::runtime_error("cannot write " + path);
}

// A development token: 32 hex digits from the OS's random source.
std::string random_token() {
  std::random_device rd;
  std::string out = "dev-";
  for (int i = 0; i < 32; ++i)
    out += "0123456789abcdef"[rd() % 16];
  return out;
}

} // namespace

dev_lock_files write_dev_lock_files() {
  auto pattern = (std::filesystem::temp_directory_path() / "baorestore-lock-XXXXXX").string();
  if (!mkdtemp(pattern.data())) // 0700: the key and the tokens are for this user only
    throw std::runtime_error("cannot create a temporary directory");
  dev_lock_files f;
  f.dir = pattern;
  f.ca_file = f.dir + "/ca.pem";
  f.cert_file = f.dir + "/tls.crt";
  f.key_file = f.dir + "/tls.key";
  f.tokens_file = f.dir + "/tokens.yaml";
  f.token = random_token();
  auto pair = net::make_ca_and_leaf("baorestore dev lock service CA", {"127.0.0.1"}, {"localhost"});
  write_file(f.ca_file, pair.ca.cert_pem);
  write_file(f.cert_file, pair.leaf.cert_pem);
  write_file(f.key_file, pair.leaf.key_pem);
  write_file(f.tokens_file, "tokens:\n"
                            "  - name: dev\n"
                            "    sha256: " + lock_service::to_hex(lock_service::sha256_of(f.token))
                              + "\n"
                              "    namespaces: [\"*\"]\n"
                              "    operations: [Backup, Upgrade]\n");
  return f;
}

void remove_dev_lock_files(const dev_lock_files& files) {
  std::error_code ec;
  std::filesystem::remove_all(files.dir, ec);
}

void print_lock_service_howto(std::ostream& out, const dev_lock_files& f, std::uint16_t port) {
  auto url = "https://127.0.0.1:" + std::to_string(port);
  out << "dev: lock service on " << url << " (CA " << f.ca_file << ", token " << f.token
      << ")\n"
      << "dev:   curl --cacert " << f.ca_file << " -H 'Authorization: Bearer " << f.token
      << "' \\\n"
      << "dev:     -d '{\"operation\":\"Backup\",\"holder\":\"me\"}' " << url
      << "/v1/namespaces/tenant-a/clusters/vault/lock/acquire" << std::endl;
}

} // namespace baorestore::cli
