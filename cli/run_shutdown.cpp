#include "cli/run_shutdown.hpp"

#include <thread>

namespace baorestore::cli {

drain_result wait_for_drain(const std::function<std::size_t()>& pending,
                            std::chrono::milliseconds grace, std::chrono::milliseconds poll) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto waited = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
  };
  int empty_polls = 0;
  for (;;) {
    auto n = pending();
    empty_polls = n == 0 ? empty_polls + 1 : 0;
    if (empty_polls >= 2)
      return {0, waited()};
    if (waited() >= grace)
      return {n, waited()};
    std::this_thread::sleep_for(poll);
  }
}

} // namespace baorestore::cli
