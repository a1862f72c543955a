#include "devcluster/data_dir_lock.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "model/time.hpp"

namespace baorestore::devcluster {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::string read_text(int fd) {
  char buf[256];
  auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return {};
  std::string out{buf, static_cast<std::size_t>(n)};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\0'))
    out.pop_back();
  return out;
}

/// Whether `text` names a live process ("pid N, ..."). The holder writes its line just after
/// it takes the lock, so for a moment the file still names the previous, dead holder.
bool names_live_process(const std::string& text) {
  if (text.rfind("pid ", 0) != 0)
    return false;
  auto pid = std::atol(text.c_str() + 4);
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

/// The holder as its file names it, waiting briefly (at most ~0.5 s) for a fresh holder to
/// write its line.
std::string holder_of(int fd) {
  auto text = read_text(fd);
  for (int i = 0; i < 25 && !names_live_process(text); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    text = read_text(fd);
  }
  return names_live_process(text) ? text : "another process (it has not written its pid yet)";
}

} // namespace

std::filesystem::path data_dir_lock::file_in(const std::filesystem::path& dir) {
  return dir / "lock";
}

std::string data_dir_lock::holder_line(long pid, const std::string& since) {
  return "pid " + std::to_string(pid) + ", locked since " + since;
}

data_dir_lock::data_dir_lock(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("creating " + dir.string() + ": " + ec.message());
  auto path = file_in(dir);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    fail("opening " + path.string());
  struct flock fl{};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET; // l_start = l_len = 0: the whole file; l_pid must be 0 for OFD
  if (::fcntl(fd_, F_OFD_SETLK, &fl) != 0) {
    auto saved = errno;
    if (saved == EAGAIN || saved == EACCES) {
      auto holder = holder_of(fd_);
      ::close(fd_);
      throw data_dir_busy("data directory " + dir.string() + " is in use by " + holder
                          + "; stop that process or choose another --data-dir");
    }
    ::close(fd_);
    errno = saved;
    fail("locking " + path.string());
  }
  auto line = holder_line(static_cast<long>(::getpid()),
                          model::format_rfc3339(std::chrono::floor<std::chrono::seconds>(
                            std::chrono::system_clock::now())))
              + "\n";
  // Informational only (the lock itself is the kernel's), so no fsync.
  if (::ftruncate(fd_, 0) != 0
      || ::pwrite(fd_, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    auto saved = errno;
    ::close(fd_);
    errno = saved;
    fail("writing " + path.string());
  }
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0)
    ::close(fd_); // releases the lock; the file stays, naming the last holder
}

} // namespace baorestore::devcluster
