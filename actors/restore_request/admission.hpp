#pragma once
// The per-tenant running limit (DESIGN §7, config `perTenantRunningLimit`) as a pure value:
// at most `limit` restores of one namespace hold a slot at once (0: unlimited). A restore
// asks for a slot before it asks for its cluster's lock, and keeps it until it is Completed,
// Failed or deleted; a restore over the limit waits in its tenant's queue, and a freed slot
// goes to the oldest waiter (creation time, then name).
//
// The restore controller owns one `admission` and carries out what the decide_* functions
// return. Nothing here is remembered across a restart: the controller seeds the holders from
// the API server (a restore that is Running, or that holds its cluster's lock) before it
// answers anyone, and the waiters ask again.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/time.hpp"

namespace baorestore::restore {

/// A restore asking for a slot.
struct slot_ask {
  std::string ns;
  std::string name;
  model::timestamp created; // metadata.creationTimestamp: the queue's order
  /// It already holds its cluster's lock (or has a Job): it counts against the limit and is
  /// never held back, even over the limit (which only a restart can cause).
  bool holds_lock = false;
};

struct tenant_slots {
  std::set<std::string> running; // names holding a slot
  std::vector<slot_ask> waiting; // in admission order (oldest first)
};

struct admission {
  std::size_t limit = 0; // 0: unlimited, nothing is tracked
  std::map<std::string, tenant_slots> tenants;
};

/// The answer to an ask: granted, or queued behind `ahead` older waiters while `running`
/// restores of the tenant hold the `limit` slots.
struct slot_verdict {
  bool granted = false;
  std::size_t running = 0;
  std::size_t ahead = 0;
  std::size_t limit = 0;
  bool operator==(const slot_verdict&) const = default;
};

/// Whether a restore of `ns` is limited at all.
bool is_limited(const admission& a);

/// Grants a slot when the tenant has one free and nobody older waits, or when the asker
/// already holds one (asking again is idempotent) or holds its lock; else queues it (once;
/// asking again keeps its place).
slot_verdict decide_ask(admission& a, const slot_ask& ask);

/// The restore finished, was deleted or is gone: its slot (or its place in the queue) is
/// freed. Returns the waiters of `ns` admitted in its place, oldest first.
std::vector<std::string> decide_release(admission& a, const std::string& ns,
                                        const std::string& name);

/// Seeds a holder found in the API server's state after a restart (Running, or holding its
/// cluster's lock); it may take the tenant over its limit until restores finish.
void hold(admission& a, const std::string& ns, const std::string& name);

/// The tenant's restores holding a slot, and waiting.
std::size_t running_in(const admission& a, const std::string& ns);
std::size_t waiting_in(const admission& a, const std::string& ns);

/// "waiting: 2 of 2 restores of tenant-a are running (perTenantRunningLimit), 1 ahead"
std::string waiting_message(const std::string& ns, const slot_verdict& v);

inline constexpr const char* condition_admitted = "Admitted";
inline constexpr const char* reason_tenant_limit = "TenantLimit";

} // namespace baorestore::restore
