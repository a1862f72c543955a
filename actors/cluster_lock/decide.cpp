#include "actors/cluster_lock/decide.hpp"

#include <algorithm>
#include <charconv>

namespace baorestore::cluster_lock {

using model::cluster_operation;

bool can_force(const acquire_input& req, const model::operation_lock& held) {
  return req.force && req.operation == cluster_operation::restore
         && held.operation != cluster_operation::restore;
}

acquire_decision decide_acquire(const current_lock& current, const acquire_input& req,
                                std::int64_t last_fence, model::timestamp now) {
  if (current && current->holder == req.holder && current->operation == req.operation)
    return {acquire_verdict::already_held, current, std::nullopt};
  if (current && !can_force(req, *current))
    return {acquire_verdict::busy, current, std::nullopt};
  model::operation_lock next;
  next.operation = req.operation;
  next.holder = req.holder;
  next.message = req.message;
  next.acquired_at = now;
  next.renewed_at = now;
  next.fence = std::max(last_fence, current ? current->fence.value_or(0) : 0) + 1;
  return {acquire_verdict::grant, next, current};
}

release_verdict decide_release(const current_lock& current, cluster_operation operation,
                               const std::string& holder) {
  if (!current)
    return release_verdict::already_free;
  if (current->holder != holder || current->operation != operation)
    return release_verdict::not_holder;
  return release_verdict::release;
}

renew_decision decide_renew(const current_lock& current, const std::string& holder,
                            model::timestamp now) {
  if (!current || current->holder != holder)
    return {false, std::nullopt};
  auto next = *current;
  next.renewed_at = now;
  return {true, next};
}

dead_requester_action on_dead_requester(pending_kind kind, pending_stage stage) {
  using action = dead_requester_action;
  bool nothing_written = stage == pending_stage::queued || stage == pending_stage::deciding;
  switch (kind) {
    case pending_kind::release:
    case pending_kind::refresh:
      return action::carry_on;
    case pending_kind::query:
    case pending_kind::renew:
      return nothing_written ? action::drop : action::carry_on;
    case pending_kind::acquire:
    case pending_kind::serve:
      if (nothing_written)
        return action::drop;
      return stage == pending_stage::writing ? action::carry_on : action::release_grant;
  }
  return action::carry_on;
}

bool serves_before(const waiter_rank& a, const waiter_rank& b) {
  bool a_restore = a.operation == cluster_operation::restore;
  bool b_restore = b.operation == cluster_operation::restore;
  if (a_restore != b_restore)
    return a_restore;
  return a.arrival < b.arrival;
}

namespace {

std::optional<std::uint64_t> as_number(const std::string& text) {
  std::uint64_t value = 0;
  auto first = text.data();
  auto last = first + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec != std::errc{} || end != last)
    return std::nullopt;
  return value;
}

} // namespace

bool is_newer_version(const std::string& candidate, const std::string& known) {
  if (known.empty())
    return true;
  auto c = as_number(candidate);
  auto k = as_number(known);
  if (c && k)
    return *c > *k;
  return candidate != known;
}

std::chrono::nanoseconds backoff_delay(int failures, std::chrono::nanoseconds base,
                                       std::chrono::nanoseconds cap) {
  auto delay = base;
  // Doubling stops at the cap, so the loop is short and nothing overflows.
  for (int i = 1; i < failures && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

} // namespace baorestore::cluster_lock
