#include "actors/api_gateway/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace baorestore::gateway {

namespace {

// Refills computed in floating point can land a hair below 1 at exactly the instant
// wait_for_next promised; tolerate that rather than make the caller wait a nanosecond more.
constexpr double epsilon = 1e-9;

} // namespace

token_bucket::token_bucket(double qps, double burst, time_point now)
  : qps_(qps), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {
  // nop
}

double token_bucket::available(time_point now) const {
  if (unlimited())
    return burst_;
  // A clock that goes backwards (tests, a caller mixing clocks) refills nothing.
  auto elapsed = std::max(now - last_, time_point::duration::zero());
  auto refill = std::chrono::duration<double>(elapsed).count() * qps_;
  return std::min(burst_, tokens_ + refill);
}

bool token_bucket::try_take(time_point now) {
  if (unlimited())
    return true;
  auto tokens = available(now);
  if (now > last_)
    last_ = now;
  tokens_ = tokens;
  if (tokens_ + epsilon < 1.0)
    return false;
  tokens_ = std::max(0.0, tokens_ - 1.0);
  return true;
}

std::chrono::nanoseconds token_bucket::wait_for_next(time_point now) const {
  if (unlimited())
    return std::chrono::nanoseconds::zero();
  auto missing = 1.0 - available(now);
  if (missing <= epsilon)
    return std::chrono::nanoseconds::zero();
  return std::chrono::nanoseconds{static_cast<std::int64_t>(std::ceil(missing / qps_ * 1e9))};
}

} // namespace baorestore::gateway
