#include "actors/api_gateway/retry_policy.hpp"

#include <algorithm>

#include "model/text.hpp"

namespace baorestore::gateway {

std::string to_string(http_verb v) {
  switch (v) {
    case http_verb::get:
      return "get";
    case http_verb::list:
      return "list";
    case http_verb::create:
      return "create";
    case http_verb::update:
      return "update";
    case http_verb::patch:
      return "patch";
    case http_verb::delete_:
      return "delete";
    case http_verb::watch:
      return "watch";
  }
  return "http_verb(" + std::to_string(static_cast<int>(v)) + ")";
}

bool idempotent(http_verb v) {
  return v != http_verb::create; // the reasons per verb are in the header
}

std::chrono::milliseconds backoff_delay(int attempt, const retry_config& cfg,
                                        std::uint64_t random_bits) {
  // Double from base up to cap step by step: no shift that could overflow for big attempts.
  auto ceiling = std::min(cfg.base, cfg.cap);
  for (int i = 1; i < attempt && ceiling < cfg.cap; ++i)
    ceiling = std::min(ceiling * 2, cfg.cap);
  auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(ceiling.count(), 0)) + 1;
  return std::chrono::milliseconds{static_cast<std::int64_t>(random_bits % span)};
}

namespace {

bool server_failed(const attempt_outcome& o) {
  return o.transport_error || o.status >= 500;
}

} // namespace

retry_decision decide_retry(http_verb verb, const attempt_outcome& outcome, int attempt,
                            std::chrono::milliseconds remaining, const retry_config& cfg,
                            std::uint64_t random_bits) {
  if (attempt >= cfg.max_attempts)
    return {};
  auto throttled = !outcome.transport_error && outcome.status == 429;
  if (!throttled && !(server_failed(outcome) && idempotent(verb)))
    return {};
  auto delay = backoff_delay(attempt, cfg, random_bits);
  if (throttled && outcome.retry_after) {
    auto asked = std::min(*outcome.retry_after, cfg.max_retry_after);
    delay = std::max<std::chrono::milliseconds>(delay, asked);
  }
  if (delay >= remaining)
    return {};
  return {true, delay};
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view header) {
  auto text = model::trim_blanks(header);
  if (text.empty())
    return std::nullopt;
  constexpr std::int64_t a_day = 24 * 60 * 60;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = std::min(value * 10 + (c - '0'), a_day);
  }
  return std::chrono::seconds{value};
}

} // namespace baorestore::gateway
