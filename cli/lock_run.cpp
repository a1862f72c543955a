// `baorestore lock run` (declared in cli/lock_command.hpp): acquire, run the command while
// renewing, release. Signals are taken with sigtimedwait in this one thread (cli/lock_child),
// so every step below is ordinary sequential code.

#include <algorithm>
#include <csignal>
#include <thread>

#include "cli/lock_child.hpp"
#include "cli/lock_command.hpp"
#include "cli/lock_run_policy.hpp"

namespace baorestore::cli {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds poll_step{100};

bool is_stop_signal(int sig) {
  return sig == SIGTERM || sig == SIGINT;
}

struct run_context {
  lock_session& session;
  std::ostream& err;
};

// The acquire, in slices of at most acquire_slice_max while the lock is busy and --wait
// lasts, watching for SIGTERM/SIGINT meanwhile. After a signal the slice's answer is still
// waited for (a little longer than the slice), so that a grant is known and can be released.
struct acquire_result {
  std::optional<lock_outcome> outcome; // none: abandoned after a signal
  int stopped_by = 0;
};

bool is_busy(const lock_outcome& o) {
  return o.reply && o.reply->status == 409 && o.reply->error == "busy";
}

acquire_result acquire(run_context& ctx, std::chrono::seconds wait) {
  auto deadline = steady_clock::now() + wait;
  while (true) {
    auto left = std::chrono::ceil<std::chrono::seconds>(deadline - steady_clock::now());
    auto slice = lock::acquire_slice(left);
    ctx.session.set_wait(slice);
    auto pending = ctx.session.call_async(lock::verb::acquire);
    int stopped_by = 0;
    auto give_up_at = steady_clock::time_point::max();
    while (pending.wait_for(poll_step) != std::future_status::ready) {
      if (int sig = wait_signal(milliseconds{0}); stopped_by == 0 && is_stop_signal(sig)) {
        stopped_by = sig;
        give_up_at = steady_clock::now() + slice + std::chrono::seconds{2};
      }
      if (steady_clock::now() > give_up_at) {
        ctx.session.reset();
        return {std::nullopt, stopped_by};
      }
    }
    auto outcome = pending.get();
    if (stopped_by != 0 || !is_busy(outcome) || steady_clock::now() >= deadline)
      return {std::move(outcome), stopped_by};
  }
}

// Release, retried with backoff while retrying can help. Says why it gave up.
bool release(run_context& ctx) {
  for (int attempt = 1; attempt <= lock::release_attempts; ++attempt) {
    auto outcome = ctx.session.call(lock::verb::release);
    ctx.err << ctx.session.describe(lock::verb::release, outcome) << '\n';
    if (exit_code_for(outcome) == lock::exit_granted)
      return true;
    const lock::lock_reply* reply = outcome.reply ? &*outcome.reply : nullptr;
    if (reply && reply->status == 409) {
      ctx.err << "lock run: the lock of " << ctx.session.cluster().ns << "/"
              << ctx.session.cluster().name << " was no longer held by "
              << ctx.session.params().holder << " (taken over while the command ran?)\n";
      return false;
    }
    if (!lock::is_retryable(reply) || attempt == lock::release_attempts)
      break;
    auto pause = lock::release_backoff(attempt + 1, reply ? reply->retry_after : std::nullopt);
    std::this_thread::sleep_for(pause);
  }
  ctx.err << "lock run: could not release the lock of " << ctx.session.cluster().ns << "/"
          << ctx.session.cluster().name << " held by " << ctx.session.params().holder
          << "; release it with `baorestore lock release` once the service answers\n";
  return false;
}

// Renews at most every `every` while the child runs; returns when the child ended, a stop
// signal came (forwarded, child stopped) or the lock was lost (child stopped).
void supervise(run_context& ctx, pid_t child, milliseconds every, milliseconds grace,
               lock::run_end& end) {
  auto next_renew = steady_clock::now() + every;
  while (true) {
    auto left = std::chrono::duration_cast<milliseconds>(next_renew - steady_clock::now());
    int sig = wait_signal(every.count() > 0 ? std::clamp(left, milliseconds{0}, poll_step * 10)
                                            : poll_step * 10);
    if (auto status = reap(child)) {
      end.command_status = status;
      return;
    }
    if (is_stop_signal(sig)) {
      ctx.err << "lock run: got " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
              << ", stopping the command\n";
      end.stopped_by = sig;
      end.command_status = stop_child(child, sig, grace);
      return;
    }
    if (every.count() == 0 || steady_clock::now() < next_renew)
      continue;
    auto outcome = ctx.session.call(lock::verb::renew);
    next_renew = steady_clock::now() + every;
    if (outcome.reply && outcome.reply->status == 409) {
      // Someone else holds the cluster now (an overriding restore): the command must not go
      // on as if it were protected.
      ctx.err << ctx.session.describe(lock::verb::renew, outcome)
              << "\nlock run: the lock was lost, stopping the command\n";
      end.lock_lost = true;
      end.command_status = stop_child(child, SIGTERM, grace);
      return;
    }
    if (exit_code_for(outcome) != lock::exit_granted) // transient: try again next period
      ctx.err << ctx.session.describe(lock::verb::renew, outcome) << '\n';
  }
}

struct run_durations {
  milliseconds renew_every;
  milliseconds kill_after;
};

std::optional<run_durations> read_durations(const lock_options& opts, std::ostream& err) {
  auto renew = lock::parse_duration(opts.renew_every);
  auto grace = lock::parse_duration(opts.kill_after);
  for (const auto* p : {&renew, &grace})
    if (!p->value) {
      err << "lock run: " << p->error << '\n';
      return std::nullopt;
    }
  return run_durations{*renew.value, *grace.value};
}

} // namespace

int run_lock_run(const lock_options& opts, std::ostream&, std::ostream& err) {
  // Before the client's io threads exist, so that none of them can take these signals.
  block_lock_run_signals();
  if (opts.command.empty()) {
    err << "lock run: no command (give it after --)\n";
    return lock::exit_usage;
  }
  auto durations = read_durations(opts, err);
  std::string error;
  auto session = durations ? lock_session::open(lock::verb::acquire, opts, error) : nullptr;
  if (!session) {
    if (durations)
      err << "lock run: " << error << '\n';
    return lock::exit_usage;
  }
  run_context ctx{*session, err};
  auto acquired = acquire(ctx, session->params().wait);
  lock::run_end end;
  if (acquired.stopped_by != 0) {
    err << "lock run: stopped while waiting for the lock\n";
    bool granted = acquired.outcome && exit_code_for(*acquired.outcome) == lock::exit_granted;
    if (granted) // granted as we stopped: give it back
      return release(ctx) ? 128 + acquired.stopped_by : lock::exit_error;
    if (!acquired.outcome) { // no answer: a grant may have been made, a release is harmless
      auto outcome = session->call(lock::verb::release);
      err << session->describe(lock::verb::release, outcome) << '\n';
    }
    return 128 + acquired.stopped_by;
  }
  err << session->describe(lock::verb::acquire, *acquired.outcome) << '\n';
  if (int code = exit_code_for(*acquired.outcome); code != lock::exit_granted)
    return code; // busy, denied or failed: the command does not run
  auto child = spawn_command(opts.command);
  if (!child.pid) {
    err << "lock run: " << child.error << '\n';
    end.command_status = child.not_found ? 127 : 126;
  } else {
    supervise(ctx, *child.pid, durations->renew_every, durations->kill_after, end);
    if (end.command_status)
      err << "lock run: the command exited with " << *end.command_status << '\n';
  }
  // A lost lock is someone else's now: releasing it would only be refused.
  end.released = !end.lock_lost && release(ctx);
  return lock::run_exit_code(end);
}

} // namespace baorestore::cli
