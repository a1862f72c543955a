#include "devcluster/store_error.hpp"

namespace baorestore::devcluster {

namespace {

std::string quoted(const resource_id& res, const std::string& name) {
  return qualified_resource(res) + " \"" + name + "\"";
}

store_error make(int code, std::string reason, std::string message, const resource_id& res,
                 const std::string& name) {
  store_error e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  e.group = res.group;
  e.kind = res.plural;
  e.name = name;
  return e;
}

} // namespace

store_error not_found(const resource_id& res, const std::string& name) {
  return make(404, "NotFound", quoted(res, name) + " not found", res, name);
}

store_error already_exists(const resource_id& res, const std::string& name) {
  return make(409, "AlreadyExists", quoted(res, name) + " already exists", res, name);
}

store_error conflict(const resource_id& res, const std::string& name, const std::string& why) {
  return make(409, "Conflict", "Operation cannot be fulfilled on " + quoted(res, name) + ": " + why,
              res, name);
}

store_error stale(const resource_id& res, const std::string& name) {
  return conflict(res, name,
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
}

store_error invalid(const resource_def& def, const std::string& name, status_causes causes) {
  // The API server joins the causes as "<field>: <message>", bracketed when several.
  std::string joined;
  for (std::size_t i = 0; i < causes.size(); ++i) {
    if (i > 0)
      joined += ", ";
    joined += causes[i].field.empty() ? causes[i].message
                                      : causes[i].field + ": " + causes[i].message;
  }
  if (causes.size() > 1)
    joined = "[" + joined + "]";
  auto e = make(422, "Invalid", qualified_kind(def) + " \"" + name + "\" is invalid: " + joined,
                def.id, name);
  e.kind = def.kind; // details.kind is the Kind here: kubectl's headline "The <Kind> "x" ..."
  e.causes = std::move(causes);
  return e;
}

store_error bad_request(std::string message) {
  store_error e;
  e.code = 400;
  e.reason = "BadRequest";
  e.message = std::move(message);
  return e;
}

store_error expired(std::uint64_t asked, std::uint64_t horizon) {
  // Reason "Expired" (not "Gone"): what the watch cache of kube-apiserver 1.32 answers
  // (errors.NewResourceExpired) and what kubectl was seen to handle (KUBECTL.md §6).
  store_error e;
  e.code = 410;
  e.reason = "Expired";
  e.message = "too old resource version: " + std::to_string(asked) + " ("
              + std::to_string(horizon) + ")";
  return e;
}

store_error too_large(std::size_t limit) {
  store_error e;
  e.code = 413;
  e.reason = "RequestEntityTooLarge";
  e.message = "Request entity too large: limit is " + std::to_string(limit);
  return e;
}

} // namespace baorestore::devcluster
