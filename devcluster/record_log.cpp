#include "devcluster/record_log.hpp"

#include <cerrno>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

namespace baorestore::devcluster {

namespace {

constexpr std::size_t header_size = 12;
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

} // namespace

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

record_log::record_log(const std::filesystem::path& dir, recovered& out) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw record_log_error("creating " + dir.string() + ": " + ec.message());
  auto path = file_in(dir);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    fail("opening " + path.string());
  try {
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
    if (::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0)
      fail("seeking in " + path.string());
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

record_log::~record_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

void record_log::append(std::string_view payload) {
  auto bytes = encode(payload);
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  if (done == bytes.size() && ::fdatasync(fd_) == 0) {
    size_ += bytes.size();
    return;
  }
  auto saved = errno;
  // Cut back what was written, so the log never holds a partial record before later ones.
  if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
    (void) ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
  errno = saved;
  fail("appending to the store log");
}

} // namespace baorestore::devcluster
