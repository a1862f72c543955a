#include "actors/cluster_lock/lock_client.hpp"

#include "caf/all.hpp"

namespace baorestore::cluster_lock {

struct lock_client::impl {
  caf::actor_system& sys;
  lock_registry_actor registry;
  caf::timespan slack;

  // One scoped actor per call: calls may come from several threads, and a scoped actor is
  // not safe to share between them.
  template <class Reply, class... Ts>
  caf::expected<Reply> call(caf::timespan wait, Ts&&... xs) {
    caf::scoped_actor self{sys};
    caf::expected<Reply> out{caf::make_error(caf::sec::request_timeout)};
    self->request(registry, caf::duration{wait + slack}, std::forward<Ts>(xs)...)
      .receive([&](Reply& r) { out = std::move(r); },
               [&](caf::error& e) { out = std::move(e); });
    return out;
  }
};

lock_client::lock_client(caf::actor_system& sys, lock_registry_actor registry,
                         caf::timespan slack)
  : impl_(new impl{sys, std::move(registry), slack}) {
  // nop
}

lock_client::~lock_client() = default;
lock_client::lock_client(lock_client&&) noexcept = default;
lock_client& lock_client::operator=(lock_client&&) noexcept = default;

caf::expected<lock_reply> lock_client::acquire(acquire_request request) {
  auto wait = request.wait;
  return impl_->call<lock_reply>(wait, std::move(request));
}

caf::expected<lock_reply> lock_client::acquire(const cluster_key& cluster,
                                               model::cluster_operation op,
                                               std::string holder, caf::timespan wait,
                                               std::string message) {
  return acquire(
    acquire_request{cluster, op, std::move(holder), std::move(message), false, wait});
}

caf::expected<lock_reply> lock_client::release(const cluster_key& cluster,
                                               model::cluster_operation op,
                                               std::string holder) {
  return impl_->call<lock_reply>(caf::timespan{0},
                                 release_request{cluster, op, std::move(holder)});
}

caf::expected<lock_reply> lock_client::renew(const cluster_key& cluster, std::string holder) {
  return impl_->call<lock_reply>(caf::timespan{0}, renew_request{cluster, std::move(holder)});
}

caf::expected<lock_status> lock_client::query(const cluster_key& cluster) {
  return impl_->call<lock_status>(caf::timespan{0}, query_request{cluster});
}

} // namespace baorestore::cluster_lock
