#pragma once
// Draining on SIGTERM (issue 7: stop taking work, let in-flight writes finish, bounded): the
// wait for the gateway's pending requests, apart from the actors so that it is a plain loop.

#include <chrono>
#include <cstddef>
#include <functional>

namespace baorestore::cli {

struct drain_result {
  std::size_t left = 0; // requests still pending when the wait ended (0: drained)
  std::chrono::milliseconds waited{0};
};

/// Polls `pending` until it is 0 on two polls in a row (a request sent by an actor that was
/// still stopping lands in between), or until `grace` has passed.
drain_result wait_for_drain(const std::function<std::size_t()>& pending,
                            std::chrono::milliseconds grace,
                            std::chrono::milliseconds poll = std::chrono::milliseconds{20});

} // namespace baorestore::cli
