#pragma once
// The process side of `baorestore lock run`: the wrapped command as a child process, and the
// signals that concern it (SIGTERM, SIGINT, SIGCHLD) received synchronously with sigtimedwait
// instead of in handlers, so that all the work (forwarding, renewing, releasing) happens in
// ordinary code.

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace baorestore::cli {

/// Blocks SIGTERM, SIGINT and SIGCHLD in the calling thread for the rest of the process. Call
/// it before any other thread starts (threads inherit the mask): otherwise one of them could
/// take a SIGTERM with its default action and kill the process before the lock is released.
void block_lock_run_signals();

/// The next of those signals, waiting up to `timeout`; 0 when none came.
int wait_signal(std::chrono::milliseconds timeout);

/// Starts `argv` (searched in PATH) in a process group of its own, with the default signal
/// mask and dispositions. The pid, or nullopt with `error` set (126/127 semantics: the shell's
/// "cannot execute" / "not found" are told apart by `not_found`).
struct spawn_result {
  std::optional<pid_t> pid;
  std::string error;
  bool not_found = false;
};
spawn_result spawn_command(const std::vector<std::string>& argv);

/// The child's exit status as a shell reports it (its code, or 128+N when killed by signal N),
/// or nullopt while it runs. Never blocks.
std::optional<int> reap(pid_t pid);

/// Sends `sig` to the child's process group (the command and what it started).
void signal_group(pid_t pid, int sig);

/// Forwards `sig`, waits up to `grace` for the child to end, then SIGKILLs its group and waits
/// for it (a few seconds at most more). The child's status, or nullopt if it never ended.
std::optional<int> stop_child(pid_t pid, int sig, std::chrono::milliseconds grace);

} // namespace baorestore::cli
