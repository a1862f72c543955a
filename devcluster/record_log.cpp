#include "devcluster/record_log.hpp"

#include <cerrno>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

namespace baorestore::devcluster {

namespace {

constexpr std::size_t header_size = record_log::header_bytes;
// Far above any operation's payload (objects are capped at a few MiB); a larger length is
// a damaged header, not a record.
constexpr std::uint32_t max_payload = 1u << 30;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint32_t crc_of(std::string_view s) {
  return static_cast<std::uint32_t>(
    crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

/// The payload length of a good record at `pos`, or nullopt.
std::optional<std::uint32_t> good_record_at(std::string_view file, std::size_t pos) {
  if (file.size() - pos < header_size)
    return std::nullopt;
  auto len = get_u32(file.data() + pos);
  if ((len ^ get_u32(file.data() + pos + 4)) != 0xffffffffu || len > max_payload
      || file.size() - pos - header_size < len)
    return std::nullopt;
  if (crc_of(file.substr(pos + header_size, len)) != get_u32(file.data() + pos + 8))
    return std::nullopt;
  return len;
}

[[noreturn]] void fail(const std::string& what) {
  throw record_log_error(what + ": " + std::strerror(errno));
}

std::string read_all(int fd) {
  std::string out;
  char buf[1 << 16];
  while (true) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("reading the store log");
    if (n == 0)
      return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

/// Writes all of `bytes`; false (errno set) on an error.
bool write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

bool compaction_due(std::uint64_t log_bytes, std::uint64_t base_bytes,
                    const compaction_policy& policy) {
  return log_bytes > policy.factor * base_bytes + policy.floor_bytes;
}

std::filesystem::path record_log::temp_file_in(const std::filesystem::path& dir) {
  return dir / "store.log.tmp";
}

std::filesystem::path record_log::file_in(const std::filesystem::path& dir) {
  return dir / "store.log";
}

std::string record_log::encode(std::string_view payload) {
  std::string out;
  out.reserve(header_size + payload.size());
  auto len = static_cast<std::uint32_t>(payload.size());
  put_u32(out, len);
  put_u32(out, ~len);
  put_u32(out, crc_of(payload));
  out += payload;
  return out;
}

record_log::record_log(const std::filesystem::path& dir, recovered& out)
  : lock_(dir), dir_(dir) {
  // A temp file is what a compaction killed before its rename left: the log is whole
  // without it.
  std::error_code ec;
  std::filesystem::remove(temp_file_in(dir), ec);
  auto path = file_in(dir);
  // O_APPEND: every write lands at the end of the file, whatever the offset.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0)
    fail("opening " + path.string());
  try {
    sync_dir(); // the log's name (when just created) is durable before any append
    auto file = read_all(fd_);
    std::string_view view{file};
    std::size_t pos = 0;
    while (pos < view.size()) {
      auto len = good_record_at(view, pos);
      if (!len)
        break;
      out.records.emplace_back(view.substr(pos + header_size, *len));
      pos += header_size + *len;
    }
    if (pos < view.size()) {
      // A good record after the bad one means the damage is not a torn tail.
      for (auto q = pos + 1; q + header_size <= view.size(); ++q)
        if (good_record_at(view, q))
          throw record_log_error("store log " + path.string() + " is corrupt at offset "
                                 + std::to_string(pos) + " (a good record follows at offset "
                                 + std::to_string(q) + ")");
      out.dropped_bytes = view.size() - pos;
      if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0 || ::fsync(fd_) != 0)
        fail("truncating the torn tail of " + path.string());
    }
    size_ = pos;
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

record_log::~record_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

void record_log::sync_dir() {
  auto dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    fail("opening " + dir_.string());
  auto rc = ::fsync(dfd);
  auto saved = errno;
  ::close(dfd);
  errno = saved;
  if (rc != 0)
    fail("syncing " + dir_.string());
}

void record_log::append(std::string_view payload) {
  if (dir_sync_pending_) {
    sync_dir();
    dir_sync_pending_ = false;
  }
  auto bytes = encode(payload);
  if (write_all(fd_, bytes) && ::fdatasync(fd_) == 0) {
    size_ += bytes.size();
    return;
  }
  auto saved = errno;
  // Cut back what was written, so the log never holds a partial record before later ones
  // (with O_APPEND the next write then lands at the cut).
  (void) ::ftruncate(fd_, static_cast<off_t>(size_));
  errno = saved;
  fail("appending to the store log");
}

void record_log::replace(std::string_view payload,
                         const std::function<void(compaction_step)>& after_step) {
  auto step = [&](compaction_step s) {
    if (after_step)
      after_step(s);
  };
  auto temp = temp_file_in(dir_);
  auto bytes = encode(payload);
  int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    fail("creating " + temp.string());
  auto abandon = [&](const std::string& what) {
    auto saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    errno = saved;
    fail(what);
  };
  if (!write_all(fd, bytes))
    abandon("writing " + temp.string());
  step(compaction_step::temp_written);
  if (::fsync(fd) != 0)
    abandon("syncing " + temp.string());
  step(compaction_step::temp_synced);
  if (::rename(temp.c_str(), file_in(dir_).c_str()) != 0)
    abandon("renaming " + temp.string());
  step(compaction_step::renamed);
  // From here store.log is the new file: append to it, whatever the directory sync says.
  ::close(fd_);
  fd_ = fd;
  size_ = bytes.size();
  base_ = bytes.size();
  try {
    sync_dir();
  } catch (const record_log_error&) {
    dir_sync_pending_ = true;
    throw;
  }
  step(compaction_step::dir_synced);
}

} // namespace baorestore::devcluster
