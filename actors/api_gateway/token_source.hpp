#pragma once
// The bearer token of every request. A token file (the service account's projected token,
// a kubeconfig's tokenFile) is rotated behind our back, so it is re-read when it changes
// rather than read once; the kubelet swaps it by an atomic symlink rename, so a check that
// finds it briefly missing or empty keeps the last good token.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace baorestore::gateway {

/// Thread-safe; copies share one state, so the gateway's I/O thread and its actors can each
/// hold one.
class token_source {
public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;

  /// No token: anonymous requests.
  token_source();

  /// Always `token` (a kubeconfig's inline token).
  static token_source fixed(std::string token);

  /// The contents of `path`, trimmed of surrounding whitespace, re-read when its mtime,
  /// size or inode changed; the file is looked at (one stat) at most every `check_every`
  /// per `now` (steady_clock::now unless a test injects a clock).
  static token_source from_file(std::string path,
                                std::chrono::milliseconds check_every = std::chrono::seconds{1},
                                clock_fn now = nullptr);

  /// The token to send now; empty when there is none (yet).
  std::string current();

  /// Why the last look at the file failed (missing, unreadable, empty); empty when it was
  /// fine. The token is then still the last good one.
  std::string last_error() const;

  /// Whether the token comes from a file.
  bool is_file() const;

private:
  struct state;
  explicit token_source(std::shared_ptr<state> s);
  std::shared_ptr<state> state_;
};

} // namespace baorestore::gateway
