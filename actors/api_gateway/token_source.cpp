#include "actors/api_gateway/token_source.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>

#include <sys/stat.h>

#include "actors/api_gateway/kube_config.hpp"

namespace baorestore::gateway {

namespace {

/// What tells a changed file apart: a rename brings another inode, a rewrite in place
/// another mtime or size.
struct file_signature {
  dev_t dev = 0;
  ino_t ino = 0;
  std::int64_t mtime_ns = 0;
  off_t size = 0;
  bool operator==(const file_signature&) const = default;
};

std::optional<file_signature> signature_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) // follows the projected token's symlink
    return std::nullopt;
  return file_signature{st.st_dev, st.st_ino,
                        std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                        st.st_size};
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && std::isspace(static_cast<unsigned char>(s[first])))
    ++first;
  return s.substr(first);
}

} // namespace

struct token_source::state {
  mutable std::mutex mtx;
  std::string token;
  // The file case; `path` empty for a fixed token.
  std::string path;
  std::chrono::milliseconds check_every{0};
  clock_fn now;
  std::optional<std::chrono::steady_clock::time_point> last_check;
  std::optional<file_signature> seen; // of the file the current token came from
  std::string error;

  bool due(std::chrono::steady_clock::time_point t) const {
    return !last_check || t - *last_check >= check_every;
  }

  /// Re-reads the file if it changed; on failure keeps the token and records why.
  void refresh() {
    auto sig = signature_of(path);
    if (!sig) {
      error = "cannot read " + path + ": " + std::strerror(errno);
      return;
    }
    if (seen && *sig == *seen)
      return;
    std::string why;
    auto content = read_small_file(path, &why);
    if (!content) {
      error = std::move(why);
      return;
    }
    auto fresh = trim(std::move(*content));
    if (fresh.empty()) {
      // Mid-swap or truncated: keep the last good token and look again next time.
      error = path + " is empty";
      return;
    }
    token = std::move(fresh);
    seen = sig;
    error.clear();
  }
};

token_source::token_source() : state_(std::make_shared<state>()) {
  // nop
}

token_source::token_source(std::shared_ptr<state> s) : state_(std::move(s)) {
  // nop
}

token_source token_source::fixed(std::string token) {
  auto s = std::make_shared<state>();
  s->token = std::move(token);
  return token_source{std::move(s)};
}

token_source token_source::from_file(std::string path, std::chrono::milliseconds check_every,
                                     clock_fn now) {
  auto s = std::make_shared<state>();
  s->path = std::move(path);
  s->check_every = check_every;
  s->now = now ? std::move(now) : [] { return std::chrono::steady_clock::now(); };
  return token_source{std::move(s)};
}

std::string token_source::current() {
  std::lock_guard guard{state_->mtx};
  auto& s = *state_;
  if (!s.path.empty()) {
    auto t = s.now();
    if (s.due(t)) {
      s.last_check = t;
      s.refresh();
    }
  }
  return s.token;
}

std::string token_source::last_error() const {
  std::lock_guard guard{state_->mtx};
  return state_->error;
}

bool token_source::is_file() const {
  return !state_->path.empty();
}

} // namespace baorestore::gateway
