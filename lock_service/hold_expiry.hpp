#pragma once
// Locks taken through the lock service expire unless their holder renews them (issue 8;
// "nothing is ever left locked by a crash"). A backup CronJob whose pod is SIGKILLed, a node
// that dies, or a client that went away while its acquire waited in the queue (the grant then
// reaches nobody) would otherwise hold the cluster's lock for ever and block every restore.
// `baorestore lock run` renews well within the timeout; a plain script renews with
// `POST .../lock/renew`.
//
// Pure: the bridge actor records grants and releases here and asks, on a timer, which holds
// have expired; it then releases them through the lock registry, under the holder's name,
// so a lock someone else holds by then is never touched.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/openbao_cluster.hpp"

namespace baorestore::lock_service {

/// Locks taken through the service are stored under "lockservice/<holder>" (the client names
/// only <holder>, in requests and in answers). The mark survives the operator: a new leader
/// (after a restart or a failover) finds the service's locks on the API server and expires
/// them unless renewed, as the one before would have. Locks written by restores, by
/// upstream's controllers or by people with kubectl carry no mark and never expire here.
inline constexpr std::string_view service_holder_prefix = "lockservice/";

/// The holder as stored for a client's holder name.
std::string stored_holder(std::string_view client_holder);
/// Whether a stored holder is one of the service's.
bool is_service_holder(std::string_view stored);
/// The client's name of a stored holder: without the mark when it has one, as is otherwise.
std::string client_holder(std::string_view stored);

/// One holding granted through the service: a cluster and a holder name.
struct hold_key {
  std::string namespace_;
  std::string name;
  std::string holder;
  auto operator<=>(const hold_key&) const = default;
};

struct expired_hold {
  hold_key key;
  model::cluster_operation operation = model::cluster_operation::backup;
};

class hold_expiry {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// `timeout` <= 0 turns expiry off: nothing is recorded.
  explicit hold_expiry(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  /// An acquire or a renew was granted at `now`: the hold lives until now + timeout.
  void granted(const hold_key& key, model::cluster_operation op, time_point now);
  /// The holder released, or the registry said it is not the holder (any more).
  void ended(const hold_key& key);
  /// The holds whose deadline is at or before `now`, removed from the table.
  std::vector<expired_hold> take_expired(time_point now);

  std::size_t size() const { return holds_.size(); }
  bool enabled() const { return timeout_.count() > 0; }
  std::chrono::milliseconds timeout() const { return timeout_; }

private:
  struct hold {
    model::cluster_operation operation;
    time_point deadline;
  };
  std::chrono::milliseconds timeout_;
  std::map<hold_key, hold> holds_;
};

} // namespace baorestore::lock_service
