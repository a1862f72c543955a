// The HTTP gateway's request path: every protocol request is queued fairly per tenant, sent
// when the token bucket and the in-flight cap allow, and retried where retry_policy says so.
// The client's completions come back as done messages, so all of this runs on the actor.
#include <algorithm>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/detail/http_gateway_state.hpp"

namespace baorestore::gateway::detail {

namespace {

void update_depth(self_ptr self, const std::string& tenant) {
  auto& st = self->state;
  st.config.counters->set_queue_depth(tenant, st.queue.depth(tenant));
}

void finish(self_ptr self, std::uint64_t id, caf::error err) {
  auto& st = self->state;
  auto i = st.requests.find(id);
  if (i == st.requests.end())
    return;
  auto p = std::move(i->second);
  st.requests.erase(i);
  st.config.counters->set_pending(st.requests.size());
  p.on_error(std::move(err));
}

void arm_dispatch(self_ptr self, std::chrono::nanoseconds wait) {
  auto& st = self->state;
  if (st.dispatch_armed)
    return;
  st.dispatch_armed = true;
  // At least a millisecond: the bucket's wait rounds down, and a zero delay would spin.
  auto delay = std::max<std::chrono::nanoseconds>(wait, std::chrono::milliseconds{1});
  self->delayed_send(self, delay, dispatch_atom_v);
}

void send(self_ptr self, std::uint64_t id, pending& p) {
  auto& st = self->state;
  ++st.in_flight;
  ++p.attempts;
  p.sent_at = clock_type::now();
  net::client_request req;
  req.method = p.method;
  req.target = p.target;
  req.headers = base_headers(self);
  if (!p.body.empty() || !p.content_type.empty())
    req.headers["content-type"] = p.content_type;
  req.body = p.body;
  req.deadline = p.deadline;
  // A weak reference: a gateway that is gone just drops the late answer.
  st.client->send(std::move(req), [addr = self->address(), id](net::client_result r) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, done_atom_v, id, transport_result{std::move(r)});
  });
}

/// Transport failures worth another attempt: the exchange may simply not have happened.
bool retryable(net::client_errc e) {
  return e == net::client_errc::connect || e == net::client_errc::dropped
         || e == net::client_errc::timeout;
}

std::string excerpt(const std::string& body) {
  constexpr std::size_t max = 200;
  return body.size() <= max ? body : body.substr(0, max) + "...";
}

} // namespace

pending make_pending(self_ptr self, http_verb verb, std::string_view resource,
                     std::string tenant, priority prio) {
  pending p;
  p.verb = verb;
  p.resource = std::string{resource};
  p.tenant = std::move(tenant);
  p.prio = prio;
  p.deadline = clock_type::now() + self->state.config.request_timeout;
  return p;
}

std::map<std::string, std::string> base_headers(self_ptr self) {
  std::map<std::string, std::string> h;
  h["accept"] = "application/json";
  // Re-read on every request: the source re-reads a rotated token file when it changes.
  if (auto token = self->state.token.current(); !token.empty())
    h["authorization"] = "Bearer " + token;
  return h;
}

void submit(self_ptr self, pending p) {
  auto& st = self->state;
  auto id = st.next_id++;
  auto tenant = p.tenant;
  st.queue.push(tenant, p.prio, id);
  st.requests.emplace(id, std::move(p));
  st.config.counters->set_pending(st.requests.size());
  update_depth(self, tenant);
  dispatch(self);
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  while (st.in_flight < st.config.max_in_flight && st.queue.size() > 0) {
    auto now = clock_type::now();
    if (st.bucket && !st.bucket->try_take(now)) {
      arm_dispatch(self, st.bucket->wait_for_next(now));
      return;
    }
    auto id = *st.queue.pop();
    auto i = st.requests.find(id);
    if (i == st.requests.end())
      continue;
    update_depth(self, i->second.tenant);
    if (now >= i->second.deadline) {
      finish(self, id,
             make_api_error(api_errc::transport, "deadline exceeded while queued ("
                                                   + std::to_string(i->second.attempts)
                                                   + " attempts)"));
      continue;
    }
    send(self, id, i->second);
  }
}

void on_done(self_ptr self, std::uint64_t id, transport_result& r) {
  auto& st = self->state;
  --st.in_flight;
  auto i = st.requests.find(id);
  if (i == st.requests.end()) {
    dispatch(self);
    return;
  }
  auto& p = i->second;
  auto latency = clock_type::now() - p.sent_at;
  attempt_outcome outcome;
  caf::error err;
  if (auto* e = std::get_if<net::client_error>(&r.result)) {
    st.config.counters->record_request(p.verb, p.resource, 0, latency);
    note_exchange(self, *e);
    outcome.transport_error = retryable(e->code);
    err = error_from(*e);
  } else {
    auto& resp = std::get<net::client_response>(r.result);
    st.config.counters->record_request(p.verb, p.resource, resp.status, latency);
    note_exchange(self, resp.status, resp.body);
    if (resp.status >= 200 && resp.status < 300) {
      auto done = std::move(p);
      st.requests.erase(i);
      st.config.counters->set_pending(st.requests.size());
      done.on_ok(resp);
      dispatch(self);
      return;
    }
    outcome.status = resp.status;
    if (auto h = resp.headers.find("retry-after"); h != resp.headers.end())
      outcome.retry_after = parse_retry_after(h->second);
    err = error_from(resp);
  }
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
    p.deadline - clock_type::now());
  auto decision = decide_retry(p.verb, outcome, p.attempts, remaining, st.config.retry,
                               st.rng());
  if (decision.retry && (outcome.transport_error || outcome.status != 0)) {
    st.config.counters->record_retry(p.verb, p.resource);
    self->delayed_send(self, decision.delay, retry_atom_v, id);
  } else {
    finish(self, id, std::move(err));
  }
  dispatch(self);
}

void on_retry(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.requests.find(id);
  if (i == st.requests.end())
    return;
  st.queue.push(i->second.tenant, i->second.prio, id);
  update_depth(self, i->second.tenant);
  dispatch(self);
}

namespace {

std::string server_of(self_ptr self) {
  const auto& ep = self->state.config.connection.server;
  return host_for_url(ep) + ":" + std::to_string(ep.port);
}

/// Counts one trouble and, when the tracker says so, logs it with its cause.
void trouble(self_ptr self, trouble_cause cause, std::string message) {
  auto& st = self->state;
  std::uint64_t suppressed = 0;
  if (!st.config.counters->record_trouble(cause, message, &suppressed) || !st.config.warn)
    return;
  gateway_warning w;
  w.msg = std::string{cause == trouble_cause::unauthorized || cause == trouble_cause::forbidden
                        ? "the API server refuses our credentials"
                        : "cannot reach the API server"}
          + (suppressed > 0 ? " (" + std::to_string(suppressed) + " more since the last report)"
                            : "");
  w.cause = std::string{to_string(cause)};
  w.error = std::move(message);
  w.server = server_of(self);
  st.config.warn(w);
}

} // namespace

void note_exchange(self_ptr self, const net::client_error& e) {
  if (auto cause = trouble_of_transport(net::to_string(e.code)))
    trouble(self, *cause, net::to_string(e.code) + ": " + e.message);
}

void note_exchange(self_ptr self, int status, std::string_view body) {
  auto cause = trouble_of_status(status);
  if (!cause) {
    self->state.config.counters->record_reachable();
    return;
  }
  auto status_doc = parse_status(body);
  trouble(self, *cause, "HTTP " + std::to_string(status)
                          + (status_doc && !status_doc->message.empty()
                               ? ": " + status_doc->message
                               : std::string{}));
}

void note_undecodable(self_ptr self, std::string_view resource,
                      const model::undecodable_object& obj) {
  auto& st = self->state;
  st.config.counters->record_undecodable(resource);
  if (!st.config.warn)
    return;
  gateway_warning w;
  w.msg = "skipped an object that does not decode";
  w.cause = "undecodable";
  for (const auto& e : obj.errors)
    w.error += (w.error.empty() ? "" : "; ") + model::to_string(e);
  w.resource = std::string{resource};
  w.namespace_ = obj.metadata.namespace_;
  w.name = obj.metadata.name;
  st.config.warn(w);
}

caf::error error_from(const net::client_response& r) {
  auto status = parse_status(r.body);
  auto code = errc_for_status(r.status, status ? status->reason : std::string_view{});
  if (status && !status->message.empty())
    return make_api_error(code, status->message);
  return make_api_error(code, "HTTP " + std::to_string(r.status) + ": " + excerpt(r.body));
}

caf::error error_from(const net::client_error& e) {
  switch (e.code) {
    case net::client_errc::body_too_large:
    case net::client_errc::header_too_large:
    case net::client_errc::protocol:
      return make_api_error(api_errc::bad_response, to_string(e.code) + ": " + e.message);
    default:
      return make_api_error(api_errc::transport, to_string(e.code) + ": " + e.message);
  }
}

} // namespace baorestore::gateway::detail
