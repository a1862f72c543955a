// Reading the lock service's replies, mapping them to exit codes and to one human line
// (declared in cli/lock_client_core.hpp). A reply we cannot read is an error (exit 1), never a
// grant: a script must not run its backup on a 200 it could not confirm.

#include "cli/lock_client_core.hpp"

#include <cstdint>
#include <utility>

#include <boost/json.hpp>

namespace baorestore::cli::lock {

namespace json = boost::json;

namespace {

// Field readers: nullptr / nullopt when absent or of another type.
const json::string* string_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64())
    return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::optional<bool> bool_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() ? std::optional<bool>{v->as_bool()} : std::nullopt;
}

// The LOCK object, or why not: operation, holder and fence are required. `since` may be
// absent: a lock written by someone else (kubectl, upstream's operator) may lack acquiredAt.
std::optional<lock_info> read_lock(const json::value* v, std::string& problem) {
  if (!v || !v->is_object()) {
    problem = "lock: expected an object";
    return std::nullopt;
  }
  const auto& o = v->get_object();
  lock_info out;
  for (auto [key, into] : {std::pair{"operation", &out.operation}, std::pair{"holder", &out.holder}}) {
    auto* s = string_field(o, key);
    if (!s) {
      problem = std::string{"lock."} + key + ": required string";
      return std::nullopt;
    }
    *into = std::string{*s};
  }
  auto fence = int_field(o, "fence");
  if (!fence) {
    problem = "lock.fence: required integer";
    return std::nullopt;
  }
  out.fence = *fence;
  if (auto* m = string_field(o, "message"))
    out.message = std::string{*m};
  if (auto* since = string_field(o, "since"))
    out.since = std::string{*since};
  if (auto* r = string_field(o, "renewedAt"))
    out.renewed_at = std::string{*r};
  return out;
}

// 200: what each verb's success must carry.
bool read_success(verb v, const json::object& o, lock_reply& r) {
  switch (v) {
    case verb::show: {
      auto held = bool_field(o, "held");
      if (!held) {
        r.problem = "held: required boolean";
        return false;
      }
      r.held = *held;
      if (r.held)
        r.lock = read_lock(o.if_contains("lock"), r.problem);
      return !r.held || r.lock.has_value();
    }
    case verb::acquire:
    case verb::renew: {
      if (bool_field(o, "granted") != std::optional<bool>{true}) {
        r.problem = "granted: expected true";
        return false;
      }
      r.fence = int_field(o, "fence");
      if (!r.fence) {
        r.problem = "fence: required integer";
        return false;
      }
      r.lock = read_lock(o.if_contains("lock"), r.problem);
      return r.lock.has_value();
    }
    case verb::release:
      if (bool_field(o, "released") != std::optional<bool>{true}) {
        r.problem = "released: expected true";
        return false;
      }
      return true;
  }
  return false;
}

// Errors: `error` is required; `lock` is read when present (busy names the holder).
bool read_failure(const json::object& o, lock_reply& r) {
  auto* code = string_field(o, "error");
  if (!code) {
    r.problem = "error: required string";
    return false;
  }
  r.error = std::string{*code};
  if (auto* m = string_field(o, "message"))
    r.message = std::string{*m};
  if (o.contains("lock")) {
    std::string ignored; // a 409 without a readable lock still says busy
    r.lock = read_lock(o.if_contains("lock"), ignored);
  }
  return true;
}

} // namespace

lock_reply parse_reply(verb v, int status, std::string_view body) {
  lock_reply r;
  r.status = status;
  json::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec) {
    r.problem = body.empty() ? "empty body" : "not JSON: " + ec.message();
    return r;
  }
  if (!doc.is_object()) {
    r.problem = "expected a JSON object";
    return r;
  }
  const auto& o = doc.get_object();
  r.readable = status == 200 ? read_success(v, o, r) : read_failure(o, r);
  return r;
}

int exit_code_for_status(int status, std::string_view error_code) {
  if (status == 200)
    return exit_granted;
  if (status == 409 && (error_code == "busy" || error_code == "not_holder"))
    return exit_busy;
  if (status == 401 || status == 403)
    return exit_denied;
  return exit_error;
}

int exit_code_for(const lock_reply& r) {
  // An unreadable 200 is no grant. Unreadable errors still map by status: a proxy's 403 page
  // is a denial whatever its body.
  if (r.status == 200 && !r.readable)
    return exit_error;
  return exit_code_for_status(r.status, r.error);
}

std::string describe_lock(const lock_info& l) {
  std::string out = l.operation + " " + l.holder + " (fence " + std::to_string(l.fence);
  if (!l.since.empty())
    out += ", since " + l.since;
  if (!l.renewed_at.empty())
    out += ", renewed " + l.renewed_at;
  if (!l.message.empty())
    out += ", \"" + l.message + "\"";
  return out + ")";
}

std::string describe(verb v, const cluster_ref& c, const lock_reply& r) {
  std::string head = "lock " + std::string{to_string(v)} + " " + c.ns + "/" + c.name + ": ";
  if (r.status == 200 && !r.readable)
    return head + "unreadable reply (" + r.problem + ")";
  if (r.status == 200) {
    switch (v) {
      case verb::show: return head + (r.held ? "held by " + describe_lock(*r.lock) : "free");
      case verb::acquire: return head + "granted, fence " + std::to_string(*r.fence);
      case verb::renew: return head + "renewed, fence " + std::to_string(*r.fence);
      case verb::release: return head + "released";
    }
  }
  std::string what = r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error;
  if (r.error == "busy" && r.lock)
    what += ": held by " + describe_lock(*r.lock);
  else if (!r.message.empty())
    what += ": " + r.message;
  else if (!r.readable)
    what += " (" + r.problem + ")";
  if (r.retry_after)
    what += " (retry after " + std::to_string(*r.retry_after) + "s)";
  return head + what;
}

} // namespace baorestore::cli::lock
