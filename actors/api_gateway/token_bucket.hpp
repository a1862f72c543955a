#pragma once
// Client-side rate limit of the gateway (client-go's QPS/Burst): a bucket of `burst` tokens
// refilled at `qps` per second; each request takes one. Time is passed in, never read, so
// the actor drives it with its clock and tests with made-up instants.

#include <chrono>

namespace baorestore::gateway {

class token_bucket {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// qps <= 0: unlimited. A burst below 1 is taken as 1 (else nothing could ever pass).
  /// The bucket starts full.
  token_bucket(double qps, double burst, time_point now);

  /// Takes a token if one is available at `now`.
  bool try_take(time_point now);

  /// How long from `now` until try_take would succeed; zero when it would now.
  std::chrono::nanoseconds wait_for_next(time_point now) const;

  bool unlimited() const { return qps_ <= 0; }

  /// Tokens available at `now` (fractional).
  double available(time_point now) const;

private:
  double qps_;
  double burst_;
  double tokens_;
  time_point last_; // when tokens_ was last brought up to date
};

} // namespace baorestore::gateway
