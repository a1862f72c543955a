#include "lock_service/service.hpp"

#include "lock_service/authorize.hpp"

namespace baorestore::lock_service {

// What a request has learnt so far; its reply logs the decision and answers exactly once.
struct service::pending {
  decision d;
  lock_call call;
  reply_function reply;
  bool waiting = false; // counted in token_limits' waits

  void finish(net::response r) {
    d.status = r.status;
    d.outcome = outcome_of(r);
    if (on_decision)
      on_decision(d);
    auto send = std::move(reply);
    reply = nullptr;
    if (send)
      send(std::move(r));
  }

  std::function<void(const decision&)> on_decision;
};

namespace {

std::string field(const std::string& key, const std::string& value) {
  if (value.empty())
    return {};
  bool plain = value.find_first_of(" \"=") == std::string::npos;
  return " " + key + "=" + (plain ? value : "\"" + value + "\"");
}

} // namespace

std::string to_string(const decision& d) {
  return "lock-service" + field("token", d.token_name.empty() ? "-" : d.token_name)
         + field("cluster", d.cluster) + field("call", d.call) + field("operation", d.operation)
         + field("holder", d.holder) + field("outcome", d.outcome)
         + field("status", std::to_string(d.status));
}

service::service(service_config config, table_source tokens, forward_function forward,
                 clock_function now)
  : config_(std::move(config)), tokens_(std::move(tokens)), forward_(std::move(forward)),
    now_(std::move(now)),
    limits_(config_.requests_per_second, config_.burst, config_.max_waits_per_token) {
  // nop
}

void service::handle(const net::request& req, reply_function reply) {
  auto p = std::make_shared<pending>();
  p->reply = std::move(reply);
  p->on_decision = config_.on_decision;
  p->d.call = req.method + " " + req.target.substr(0, req.target.find('?'));
  proceed(std::move(p), req);
}

void service::proceed(std::shared_ptr<pending> p, const net::request& req) {
  auto routed = match_route(req.method, req.target);
  if (auto* e = std::get_if<http_error>(&routed))
    return p->finish(error_response(*e));
  const auto& r = std::get<route>(routed);
  p->d.cluster = r.namespace_ + "/" + r.name;
  p->d.call = std::string{to_string(r.kind)};
  auto table = tokens_();
  auto auth = authorize(*table, req.header("authorization"), r.namespace_, std::nullopt);
  p->d.token_name = auth.token_name;
  if (auth.verdict == auth_verdict::unauthorized)
    return p->finish(error_response(http_error{401, "unauthorized", auth.message, {}}));
  if (auth.verdict == auth_verdict::forbidden)
    return p->finish(error_response(http_error{403, "forbidden", auth.message, {}}));
  if (auto retry = limits_.take_request(auth.token_name, now_()))
    return p->finish(error_response(
      http_error{429, "too_many_requests",
                 "token \"" + auth.token_name + "\" sends requests too fast",
                 {{"Retry-After", std::to_string(retry->count())}}}));
  if (req.body.size() > config_.max_body_bytes)
    return p->finish(error_response(
      http_error{413, "payload_too_large",
                 "the body is larger than " + std::to_string(config_.max_body_bytes) + " bytes",
                 {}}));
  call_limits limits;
  limits.max_wait_seconds = config_.max_wait_seconds;
  auto parsed = parse_call(r, req.body, limits);
  if (auto* e = std::get_if<http_error>(&parsed))
    return p->finish(error_response(*e));
  p->call = std::get<lock_call>(std::move(parsed));
  p->d.holder = p->call.holder;
  if (p->call.operation)
    p->d.operation = std::string{to_string(*p->call.operation)};
  const auto* entry = table->find(*bearer_token(req.header("authorization")));
  if (p->call.operation && !entry->allows_operation(*p->call.operation))
    return p->finish(error_response(
      http_error{403, "forbidden",
                 "token \"" + entry->name + "\" may not take " + p->d.operation + " locks",
                 {}}));
  if (p->call.kind == call_kind::renew)
    return renew_checked(std::move(p), entry->operations);
  if (p->call.kind == call_kind::acquire && p->call.wait_seconds > 0) {
    if (!limits_.begin_wait(p->d.token_name))
      return p->finish(error_response(
        http_error{429, "too_many_requests",
                   "token \"" + p->d.token_name + "\" already has "
                     + std::to_string(config_.max_waits_per_token) + " acquires waiting",
                   {{"Retry-After", "1"}}}));
    p->waiting = true;
  }
  forward(std::move(p));
}

// A renew names no operation: the lock as it stands says which, and the token must allow
// it. A lock that is free or held by another holder gets the registry's not_holder.
void service::renew_checked(std::shared_ptr<pending> p,
                            std::vector<model::cluster_operation> ops) {
  lock_call query;
  query.kind = call_kind::query;
  query.namespace_ = p->call.namespace_;
  query.name = p->call.name;
  auto self = shared_from_this();
  forward_(query, [self, p, ops](registry_answer a) {
    if (a.what != registry_answer::kind::status)
      return p->finish(answer_response(p->call, a));
    if (a.lock && a.lock->holder == p->call.holder) {
      p->d.operation = std::string{to_string(a.lock->operation)};
      if (std::find(ops.begin(), ops.end(), a.lock->operation) == ops.end())
        return p->finish(error_response(
          http_error{403, "forbidden",
                     "token \"" + p->d.token_name + "\" may not renew " + p->d.operation
                       + " locks",
                     {}}));
    }
    self->forward(p);
  });
}

void service::forward(std::shared_ptr<pending> p) {
  auto self = shared_from_this();
  forward_(p->call, [self, p](registry_answer a) {
    if (p->waiting)
      self->limits_.end_wait(p->d.token_name);
    p->finish(answer_response(p->call, a));
  });
}

} // namespace baorestore::lock_service
