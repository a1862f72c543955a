#pragma once
// A lock service over a scripted registry and a made-up clock, for the service and bounds
// suites: each forwarded call is recorded and answered by `answer` (or held back when
// `hold` is set, as a waiting acquire would be).

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lock_service/service.hpp"

namespace baorestore::lock_service::testing {

inline token_table fixture_tokens() {
  using model::cluster_operation;
  return token_table{{
    token_entry{"a-backup", sha256_of("tok-a"), {"tenant-a"}, {cluster_operation::backup}},
    token_entry{"a-upgrade", sha256_of("tok-a-up"), {"tenant-a"}, {cluster_operation::upgrade}},
    token_entry{"b-both", sha256_of("tok-b"), {"tenant-b"},
                {cluster_operation::backup, cluster_operation::upgrade}},
  }};
}

struct service_fixture {
  std::chrono::steady_clock::time_point now{std::chrono::seconds{1000}};
  std::vector<lock_call> forwarded;
  std::deque<answer_function> held;
  bool hold = false;
  registry_answer answer;
  std::vector<decision> decisions;
  std::shared_ptr<service> svc;

  explicit service_fixture(service_config cfg = {}) {
    answer.what = registry_answer::kind::granted;
    answer.fence = 1;
    cfg.on_decision = [this](const decision& d) { decisions.push_back(d); };
    auto table = std::make_shared<const token_table>(fixture_tokens());
    svc = std::make_shared<service>(
      cfg, [table] { return table; },
      [this](const lock_call& c, answer_function done) {
        forwarded.push_back(c);
        if (hold)
          held.push_back(std::move(done));
        else
          done(answer);
      },
      [this] { return now; });
  }

  /// The response to a request, when it came at once.
  std::optional<net::response> call(const std::string& method, const std::string& target,
                                    const std::string& body = {},
                                    const std::string& token = "tok-a") {
    net::request req;
    req.method = method;
    req.target = target;
    req.body = body;
    if (!token.empty())
      req.headers["authorization"] = "Bearer " + token;
    std::optional<net::response> out;
    svc->handle(req, [&out](net::response r) { out = std::move(r); });
    return out;
  }

  /// Like call(), with the reply kept for later (a held acquire).
  std::shared_ptr<std::optional<net::response>> call_later(const std::string& target,
                                                           const std::string& body,
                                                           const std::string& token = "tok-a") {
    net::request req;
    req.method = "POST";
    req.target = target;
    req.body = body;
    req.headers["authorization"] = "Bearer " + token;
    auto out = std::make_shared<std::optional<net::response>>();
    svc->handle(req, [out](net::response r) { *out = std::move(r); });
    return out;
  }
};

inline const std::string a_lock = "/v1/namespaces/tenant-a/clusters/vault/lock";
inline const std::string b_lock = "/v1/namespaces/tenant-b/clusters/vault/lock";

} // namespace baorestore::lock_service::testing
