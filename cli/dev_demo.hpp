#pragma once
// The scripted scenario of `baorestore dev --demo` (see dev_command.hpp).

#include <functional>
#include <ostream>

namespace baorestore::cluster_lock {
class lock_client;
}

namespace baorestore::cli {

class dev_cluster;

/// Seeds three tenants, plays the scenario on a thread of its own while `show` displays
/// progress (until the function it is given returns true), then checks every restore's
/// phase and every cluster's lock. 0 when all is as expected, 1 otherwise.
int play_demo(dev_cluster& c, cluster_lock::lock_client& locks, double timeout_seconds,
              std::ostream& out, const std::function<void(std::function<bool()>)>& show);

} // namespace baorestore::cli
