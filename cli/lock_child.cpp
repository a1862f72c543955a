#include "cli/lock_child.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace baorestore::cli {

namespace {

sigset_t lock_run_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGCHLD);
  return set;
}

// Polls reap() until the child ends or `limit` passes, sleeping in sigtimedwait so a SIGCHLD
// wakes us at once.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (auto status = reap(pid))
      return status;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds{0})
      return std::nullopt;
    // Another SIGTERM/SIGINT while we wait changes nothing: the child is already told.
    wait_signal(std::min(left, std::chrono::milliseconds{100}));
  }
}

} // namespace

void block_lock_run_signals() {
  auto set = lock_run_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // An inherited SIG_IGN (a shell's background job ignores SIGINT; some init systems ignore
  // SIGCHLD, which also reaps children behind our back) would discard the signal instead of
  // leaving it pending for sigtimedwait. Blocked, the default action cannot run.
  for (int sig : {SIGTERM, SIGINT, SIGCHLD})
    std::signal(sig, SIG_DFL);
}

int wait_signal(std::chrono::milliseconds timeout) {
  auto set = lock_run_signals();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  int sig = sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

spawn_result spawn_command(const std::vector<std::string>& argv) {
  spawn_result out;
  if (argv.empty()) {
    out.error = "no command";
    return out;
  }
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child gets an empty mask and default dispositions (ours blocks TERM/INT/CHLD), and its
  // own process group, so that a forwarded signal reaches whatever the command starts.
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults = lock_run_signals();
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                    | POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    out.not_found = rc == ENOENT;
    out.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return out;
  }
  out.pid = pid;
  return out;
}

std::optional<int> reap(pid_t pid) {
  int status = 0;
  pid_t r = waitpid(pid, &status, WNOHANG);
  if (r != pid)
    return std::nullopt;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return std::nullopt;
}

void signal_group(pid_t pid, int sig) {
  // The group first; the child alone if the group is gone (the command left it).
  if (kill(-pid, sig) != 0)
    kill(pid, sig);
}

std::optional<int> stop_child(pid_t pid, int sig, std::chrono::milliseconds grace) {
  signal_group(pid, sig);
  if (auto status = wait_child(pid, grace))
    return status;
  signal_group(pid, SIGKILL);
  return wait_child(pid, std::chrono::seconds{5});
}

} // namespace baorestore::cli
