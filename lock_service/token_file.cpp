#include "lock_service/token_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>

namespace baorestore::lock_service {

namespace {

constexpr std::size_t max_file_bytes = 1u << 20;

} // namespace

token_file::token_file(std::filesystem::path path, log_function log,
                       std::chrono::milliseconds check_interval)
  : path_(std::move(path)), log_(std::move(log)), interval_(check_interval) {
  auto [text, st] = read();
  auto parsed = parse_token_table(text, path_.string());
  if (auto* e = std::get_if<token_file_error>(&parsed))
    throw std::runtime_error(path_.string() + ": " + to_string(*e));
  table_ = std::make_shared<const token_table>(std::get<token_table>(std::move(parsed)));
  stamp_ = st;
  checked_ = clock::now();
}

std::pair<std::string, token_file::stamp> token_file::read() const {
  struct stat sb {};
  if (::stat(path_.c_str(), &sb) != 0)
    throw std::runtime_error("cannot read " + path_.string());
  stamp st;
  std::error_code ec;
  st.mtime = std::filesystem::last_write_time(path_, ec);
  st.size = static_cast<std::uintmax_t>(sb.st_size);
  st.inode = static_cast<std::uint64_t>(sb.st_ino);
  if (st.size > max_file_bytes)
    throw std::runtime_error(path_.string() + " is larger than 1 MiB");
  std::ifstream in{path_, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read " + path_.string());
  std::ostringstream text;
  text << in.rdbuf();
  return {text.str(), st};
}

std::shared_ptr<const token_table> token_file::current(clock::time_point now) {
  std::lock_guard guard{mtx_};
  if (now - checked_ < interval_)
    return table_;
  checked_ = now;
  try {
    auto [text, st] = read();
    if (st == stamp_)
      return table_;
    stamp_ = st; // a bad version is reported once, not at every check
    auto parsed = parse_token_table(text, path_.string());
    if (auto* e = std::get_if<token_file_error>(&parsed)) {
      ++failed_;
      if (log_)
        log_("token file " + path_.string() + " not reloaded, keeping the previous tokens: "
             + to_string(*e));
      return table_;
    }
    table_ = std::make_shared<const token_table>(std::get<token_table>(std::move(parsed)));
    ++reloads_;
    if (log_)
      log_("token file " + path_.string() + " reloaded: "
           + std::to_string(table_->entries().size()) + " tokens");
  } catch (const std::exception& e) {
    ++failed_;
    if (log_)
      log_(std::string{"token file not reloaded, keeping the previous tokens: "} + e.what());
  }
  return table_;
}

std::uint64_t token_file::reloads() const {
  std::lock_guard guard{mtx_};
  return reloads_;
}

std::uint64_t token_file::failed_reloads() const {
  std::lock_guard guard{mtx_};
  return failed_;
}

} // namespace baorestore::lock_service
