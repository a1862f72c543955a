// s3_probe: one snapshot check from the command line, for tests against real S3-compatible
// servers (tests/s3/s3rver_test.sh) and for people debugging a restore's source.
// Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
// AWS_SESSION_TOKEN), never from argv. Prints "<outcome> <size>" then the message; exit 0
// when the probe ran (whatever it found), 2 on a usage error.

#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "s3/snapshot_probe.hpp"

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

} // namespace

int main(int argc, char** argv) {
  using namespace baorestore;
  CLI::App app{"One SigV4-signed S3 HEAD of a snapshot object", "s3_probe"};
  s3::probe_target t;
  std::string ca_file;
  int timeout_ms = 10000;
  app.add_option("--endpoint", t.endpoint, "http(s)://host[:port]; empty: AWS");
  app.add_option("--bucket", t.bucket)->required();
  app.add_option("--key", t.key, "the object's full key")->required();
  app.add_option("--region", t.region)->capture_default_str();
  app.add_flag("--path-style", t.use_path_style);
  app.add_flag("--insecure-skip-verify", t.insecure_skip_verify);
  app.add_option("--ca-file", ca_file, "PEM CA bundle to trust");
  app.add_option("--connect-address", t.connect_address, "connect here, keep the Host header");
  app.add_option("--timeout-ms", timeout_ms)->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  t.credentials = {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                   env("AWS_SESSION_TOKEN")};
  if (!ca_file.empty()) {
    std::ifstream in{ca_file};
    if (!in) {
      std::cerr << "s3_probe: cannot read " << ca_file << "\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    t.ca_pem = text.str();
  }
  std::promise<s3::probe_result> result;
  s3::snapshot_probe probe{std::chrono::milliseconds{timeout_ms}};
  probe.check(t, [&result](s3::probe_result r) { result.set_value(std::move(r)); });
  auto r = result.get_future().get();
  probe.stop();
  std::cout << s3::to_string(r.outcome) << " " << r.size << "\n" << r.message << "\n";
  return 0;
}
