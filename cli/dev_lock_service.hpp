#pragma once
// `baorestore dev` serves the lock service (issue 8) too: a generated CA and server pair for
// 127.0.0.1 and a tokens file with one demo token, in a private temporary directory, and a
// curl line to try it with.

#include <cstdint>
#include <ostream>
#include <string>

namespace baorestore::cli {

struct dev_lock_files {
  std::string dir;         // removed by remove_dev_lock_files
  std::string ca_file;     // curl --cacert
  std::string cert_file;   // the server's
  std::string key_file;
  std::string tokens_file;
  std::string token;       // the demo token: every namespace, Backup and Upgrade
};

/// Writes the files; throws std::runtime_error when it cannot.
dev_lock_files write_dev_lock_files();

void remove_dev_lock_files(const dev_lock_files& files);

/// How to reach the lock service on `port` with curl.
void print_lock_service_howto(std::ostream& out, const dev_lock_files& files,
                              std::uint16_t port);

} // namespace baorestore::cli
