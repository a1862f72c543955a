#include "config/config_rules.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>

#include <arpa/inet.h>

#include "model/names.hpp"

namespace baorestore::config {

namespace {

using namespace std::chrono_literals;

// A year: no setting of ours means anything longer, and it keeps the arithmetic far from
// overflow.
constexpr double max_duration_ms = 8760.0 * 3600 * 1000;

// "ms" before "m": the longest unit that matches.
struct unit {
  std::string_view name;
  double ms;
};
constexpr unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string lowered(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != '-')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::string format_duration(duration d) {
  if (d.count() == 0)
    return "0s";
  std::string out;
  if (d < 0ms) {
    out = "-";
    d = -d;
  }
  auto part = [&](std::chrono::milliseconds unit_length, std::string_view name) {
    auto n = d / unit_length;
    if (n > 0) {
      out += std::to_string(n);
      out += name;
      d -= n * unit_length;
    }
  };
  part(1h, "h");
  part(1min, "m");
  part(1s, "s");
  part(1ms, "ms");
  return out;
}

std::optional<duration> parse_duration(std::string_view text) {
  if (text == "0")
    return duration{0};
  if (text.empty())
    return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() && (is_digit(text[n]) || text[n] == '.'))
      ++n;
    // Digits, at most one '.', with a digit on at least one side; 18 characters at most
    // (longer numbers are out of range anyway).
    auto number = text.substr(0, n);
    if (number.empty() || number.size() > 18 || number == "."
        || std::count(number.begin(), number.end(), '.') > 1)
      return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                     std::chars_format::fixed);
    if (ec != std::errc{} || end != number.data() + number.size())
      return std::nullopt;
    text.remove_prefix(n);
    const unit* found = nullptr;
    for (const auto& u : units)
      if (text.substr(0, u.name.size()) == u.name) {
        found = &u;
        break;
      }
    if (!found)
      return std::nullopt;
    text.remove_prefix(found->name.size());
    total += value * found->ms;
    if (total > max_duration_ms)
      return std::nullopt;
  }
  return duration{std::llround(total)};
}

std::string_view to_string(log_level level) {
  switch (level) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warn:
      return "warn";
    case log_level::error:
      return "error";
  }
  return "info";
}

std::optional<log_level> parse_log_level(std::string_view text) {
  for (auto level : {log_level::debug, log_level::info, log_level::warn, log_level::error})
    if (text == to_string(level))
      return level;
  return std::nullopt;
}

std::string to_string(const config_problem& p) {
  return p.path.empty() ? p.message : p.path + ": " + p.message;
}

config_problems validate(const operator_config& cfg) {
  return detail::validate_except(cfg, {});
}

namespace detail {

std::string address_problem(std::string_view text) {
  const std::string expected = "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080";
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return expected + ", got \"" + std::string{text} + "\"";
  auto host = text.substr(0, colon);
  auto port = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.size() > 5 || ec != std::errc{} || end != port.data() + port.size()
      || value > 65535)
    return "port \"" + std::string{port} + "\" is not a number from 0 to 65535";
  if (host.empty())
    return expected + " (the host is missing; 0.0.0.0 is every interface)";
  std::string h{host};
  if (h.front() == '[') {
    in6_addr a6{};
    if (h.size() < 3 || h.back() != ']' || inet_pton(AF_INET6, h.substr(1, h.size() - 2).c_str(), &a6) != 1)
      return "\"" + h + "\" is not an IPv6 address in brackets";
    return {};
  }
  in_addr a4{};
  if (inet_pton(AF_INET, h.c_str(), &a4) != 1)
    return "\"" + h + "\" is not an IP address (a listening address: 0.0.0.0 is every "
           "interface, 127.0.0.1 the loopback)";
  return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment over a full table: keys are short.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::string suggest(std::string_view key, const std::vector<std::string>& candidates) {
  // Keys longer than any of ours are not typos of them; this also bounds the table above.
  if (key.size() > 64)
    return {};
  auto k = lowered(key);
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    auto n = lowered(c);
    auto dist = edit_distance(k, n);
    // One edit in four characters, at least one and at most three.
    auto allowed = std::clamp<std::size_t>(std::max(k.size(), n.size()) / 4, 1, 3);
    // A key that is the end of ours ("namespaces" for "watchedNamespaces") is meant too.
    bool suffix = k.size() >= 4 && n.size() > k.size()
                  && n.compare(n.size() - k.size(), k.size(), k) == 0;
    // So is ours with something after it ("jobPollInitialSeconds"), or a key sharing a long
    // start with ours ("lockWaitSeconds" for "lockWaitDeadline").
    std::size_t common = 0;
    while (common < k.size() && common < n.size() && k[common] == n[common])
      ++common;
    bool extended = n.size() >= 6 && common == n.size();
    if (suffix || extended || common >= 8)
      dist = std::min(dist, allowed);
    if (dist <= allowed && (best.empty() || dist < best_distance)) {
      best = c;
      best_distance = dist;
    }
  }
  return best;
}

config_problems validate_except(const operator_config& cfg, const std::set<std::string>& skip) {
  config_problems out;
  // A rule on `path`, also involving `others`: left out when one of them could not be read.
  auto check = [&](bool ok, const std::string& path, std::string message,
                   std::initializer_list<std::string_view> others = {}) {
    if (ok || skip.count(path))
      return;
    for (auto o : others)
      if (skip.count(std::string{o}))
        return;
    out.push_back(config_problem{path, std::move(message)});
  };
  auto positive = [&](duration d, const std::string& path) {
    check(d > duration{0}, path, "must be longer than 0s");
  };
  auto address = [&](const std::string& value, const std::string& path) {
    auto why = value.empty() ? std::string{} : address_problem(value); // empty: not served
    check(why.empty(), path, why);
  };

  if (!skip.count("watchedNamespaces"))
    for (std::size_t i = 0; i < cfg.watched_namespaces.size(); ++i) {
      const auto& ns = cfg.watched_namespaces[i];
      auto path = "watchedNamespaces[" + std::to_string(i) + "]";
      if (!model::is_dns1123_label(ns))
        check(false, path,
              "\"" + ns + "\" is not a namespace name (lowercase letters, digits and '-', "
              "at most 63)");
      else if (std::find(cfg.watched_namespaces.begin(), cfg.watched_namespaces.begin()
                           + static_cast<std::ptrdiff_t>(i), ns)
               != cfg.watched_namespaces.begin() + static_cast<std::ptrdiff_t>(i))
        check(false, path, "\"" + ns + "\" is listed twice");
    }
  check(std::isfinite(cfg.qps) && cfg.qps > 0, "qps", "must be greater than 0");
  check(cfg.burst >= 1, "burst", "must be at least 1");
  positive(cfg.job_poll_initial, "jobPollInitial");
  check(cfg.job_poll_ceiling >= cfg.job_poll_initial, "jobPollCeiling",
        "must not be shorter than jobPollInitial (" + format_duration(cfg.job_poll_initial) + ")",
        {"jobPollInitial"});
  check(cfg.per_tenant_running_limit >= 0, "perTenantRunningLimit",
        "must not be negative (0: unlimited)");
  check(cfg.lock_wait_deadline >= duration{0}, "lockWaitDeadline", "must not be negative");
  positive(cfg.validation_deadline, "validationDeadline");
  check(cfg.supervisor.intensity >= 0, "supervisor.intensity", "must not be negative");
  positive(cfg.supervisor.period, "supervisor.period");
  address(cfg.metrics_address, "metricsAddress");
  address(cfg.health_address, "healthAddress");
  check(cfg.shutdown_grace_period >= duration{0}, "shutdownGracePeriod", "must not be negative");

  const auto& ls = cfg.lock_service;
  address(ls.address, "lockService.address");
  for (auto [value, path] : {std::pair{&ls.cert_file, "lockService.certFile"},
                             std::pair{&ls.key_file, "lockService.keyFile"},
                             std::pair{&ls.tokens_file, "lockService.tokensFile"}})
    check(ls.address.empty() || !value->empty(), path,
          "required when lockService.address is set", {"lockService.address"});
  check(ls.max_body_bytes >= 256 && ls.max_body_bytes <= (1 << 20), "lockService.maxBodyBytes",
        "must be from 256 to 1048576");
  check(std::isfinite(ls.requests_per_second) && ls.requests_per_second > 0,
        "lockService.requestsPerSecond", "must be greater than 0");
  check(ls.burst >= 1, "lockService.burst", "must be at least 1");
  check(ls.max_waits_per_token >= 0, "lockService.maxWaitsPerToken", "must not be negative");
  check(ls.max_wait_seconds >= 0 && ls.max_wait_seconds <= 3600, "lockService.maxWaitSeconds",
        "must be from 0 to 3600");
  check(ls.hold_timeout.count() == 0 || ls.hold_timeout >= std::chrono::seconds{1},
        "lockService.holdTimeout", "must be 0 (never) or at least 1s");

  const auto& le = cfg.leader_election;
  check(model::is_dns1123_subdomain(le.lease_name), "leaderElection.leaseName",
        "\"" + le.lease_name + "\" is not a Lease name (lowercase letters, digits, '-' and '.')");
  check(le.lease_namespace.empty() || model::is_dns1123_label(le.lease_namespace),
        "leaderElection.leaseNamespace",
        "\"" + le.lease_namespace + "\" is not a namespace name (empty: the operator's own)");
  positive(le.lease_duration, "leaderElection.leaseDuration");
  positive(le.retry_period, "leaderElection.retryPeriod");
  check(le.renew_deadline < le.lease_duration, "leaderElection.renewDeadline",
        "must be shorter than leaderElection.leaseDuration ("
          + format_duration(le.lease_duration) + ")",
        {"leaderElection.leaseDuration"});
  check(le.retry_period < le.renew_deadline, "leaderElection.retryPeriod",
        "must be shorter than leaderElection.renewDeadline ("
          + format_duration(le.renew_deadline) + ")",
        {"leaderElection.renewDeadline"});

  check(std::none_of(cfg.executor_image.begin(), cfg.executor_image.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0
                                         || std::iscntrl(static_cast<unsigned char>(c)) != 0; }),
        "executorImage", "must not contain spaces or control characters");
  check(cfg.kubeconfig.find('\0') == std::string::npos, "kubeconfig",
        "must not contain a NUL character");
  return out;
}

} // namespace detail

} // namespace baorestore::config
