#include "actors/restore_request/admission.hpp"

#include <algorithm>
#include <tuple>

namespace baorestore::restore {

namespace {

bool older(const slot_ask& a, const slot_ask& b) {
  return std::tie(a.created, a.name) < std::tie(b.created, b.name);
}

slot_verdict granted(const admission& a, const tenant_slots& t) {
  return {true, t.running.size(), 0, a.limit};
}

} // namespace

bool is_limited(const admission& a) {
  return a.limit > 0;
}

slot_verdict decide_ask(admission& a, const slot_ask& ask) {
  if (!is_limited(a))
    return {true, 0, 0, 0};
  auto& t = a.tenants[ask.ns];
  auto& w = t.waiting;
  auto queued = std::find_if(w.begin(), w.end(),
                             [&](const slot_ask& x) { return x.name == ask.name; });
  if (t.running.count(ask.name))
    return granted(a, t);
  if (ask.holds_lock || (t.running.size() < a.limit && w.empty())) {
    if (queued != w.end())
      w.erase(queued);
    t.running.insert(ask.name);
    return granted(a, t);
  }
  if (queued == w.end())
    queued = w.insert(std::upper_bound(w.begin(), w.end(), ask, older), ask);
  return {false, t.running.size(), static_cast<std::size_t>(queued - w.begin()), a.limit};
}

std::vector<std::string> decide_release(admission& a, const std::string& ns,
                                        const std::string& name) {
  auto it = a.tenants.find(ns);
  if (it == a.tenants.end())
    return {};
  auto& t = it->second;
  t.running.erase(name);
  auto& w = t.waiting;
  w.erase(std::remove_if(w.begin(), w.end(), [&](const slot_ask& x) { return x.name == name; }),
          w.end());
  std::vector<std::string> admitted;
  while (!w.empty() && t.running.size() < a.limit) {
    t.running.insert(w.front().name);
    admitted.push_back(std::move(w.front().name));
    w.erase(w.begin());
  }
  if (t.running.empty() && w.empty())
    a.tenants.erase(it);
  return admitted;
}

void hold(admission& a, const std::string& ns, const std::string& name) {
  if (is_limited(a))
    a.tenants[ns].running.insert(name);
}

std::size_t running_in(const admission& a, const std::string& ns) {
  auto it = a.tenants.find(ns);
  return it == a.tenants.end() ? 0 : it->second.running.size();
}

std::size_t waiting_in(const admission& a, const std::string& ns) {
  auto it = a.tenants.find(ns);
  return it == a.tenants.end() ? 0 : it->second.waiting.size();
}

std::string waiting_message(const std::string& ns, const slot_verdict& v) {
  return "waiting: " + std::to_string(v.running) + " of " + std::to_string(v.limit)
         + " restores of " + ns + " are running (perTenantRunningLimit)"
         + (v.ahead ? ", " + std::to_string(v.ahead) + " ahead" : std::string{});
}

} // namespace baorestore::restore
