#pragma once
// Private to memory_gateway.cpp: object keys, the kinds the store holds, the API server's
// error messages, and merge patches through the model's JSON codec.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/json.hpp>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "actors/api_gateway/api_gateway.hpp"
#include "model/codec.hpp"
#include "model/merge_patch.hpp"

namespace baorestore::gateway::detail {

// -- object keys: namespace/name, looked up without allocating ------------------------------

struct key_view {
  std::string_view ns;
  std::string_view name;
};

struct object_key {
  std::string ns;
  std::string name;
};

inline key_view view(key_view k) {
  return k;
}

inline key_view view(const object_key& k) {
  return {k.ns, k.name};
}

struct key_hash {
  using is_transparent = void;
  template <class K>
  std::size_t operator()(const K& key) const noexcept {
    auto k = view(key);
    auto h = std::hash<std::string_view>{}(k.ns);
    return h ^ (std::hash<std::string_view>{}(k.name) + 0x9e3779b97f4a7c15ULL + (h << 6)
                + (h >> 2));
  }
};

struct key_equal {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    auto x = view(a);
    auto y = view(b);
    return x.ns == y.ns && x.name == y.name;
  }
};

template <class T>
using table = std::unordered_map<object_key, T, key_hash, key_equal>;

// -- kinds -----------------------------------------------------------------------------------

template <class T>
struct traits;

template <>
struct traits<model::openbao_cluster> {
  static constexpr std::string_view kind = "OpenBaoCluster";
  static constexpr std::string_view resource = "openbaoclusters.openbao.org";
  static constexpr std::string_view qualified_kind = "OpenBaoCluster.openbao.org";
  static constexpr bool has_generation = true;
  static auto decode(std::string_view json) { return model::decode_openbao_cluster(json); }
  static void fill_required(model::openbao_cluster& x) { x.spec.version = "0"; }
};

template <>
struct traits<model::openbao_restore> {
  static constexpr std::string_view kind = "OpenBaoRestore";
  static constexpr std::string_view resource = "openbaorestores.openbao.org";
  static constexpr std::string_view qualified_kind = "OpenBaoRestore.openbao.org";
  static constexpr bool has_generation = true;
  static auto decode(std::string_view json) { return model::decode_openbao_restore(json); }
  static void fill_required(model::openbao_restore& x) {
    x.spec.cluster = "c";
    x.spec.source.target.bucket = "b";
    x.spec.source.key = "k";
  }
};

template <>
struct traits<model::job> {
  static constexpr std::string_view kind = "Job";
  static constexpr std::string_view resource = "jobs.batch";
  static constexpr std::string_view qualified_kind = "Job.batch";
  static constexpr bool has_generation = true;
};

template <>
struct traits<model::secret> {
  static constexpr std::string_view kind = "Secret";
  static constexpr std::string_view resource = "secrets";
  static constexpr std::string_view qualified_kind = "Secret";
  static constexpr bool has_generation = false;
};

// -- the API server's error messages ----------------------------------------------------------

template <class T>
std::string quoted(std::string_view name) {
  std::string out{traits<T>::resource};
  out += " \"";
  out += name;
  out += '"';
  return out;
}

template <class T>
caf::error not_found(std::string_view name) {
  return make_api_error(api_errc::not_found, quoted<T>(name) + " not found");
}

template <class T>
caf::error conflict(std::string_view name, std::string_view why) {
  return make_api_error(api_errc::conflict, "Operation cannot be fulfilled on "
                                              + quoted<T>(name) + ": " + std::string{why});
}

template <class T>
caf::error stale(std::string_view name) {
  return conflict<T>(name, "the object has been modified; please apply your changes to the "
                           "latest version and try again");
}

template <class T>
caf::error invalid(std::string_view name, const model::field_errors& errors) {
  std::string msg{traits<T>::qualified_kind};
  msg += " \"";
  msg += name;
  msg += "\" is invalid: ";
  for (std::size_t i = 0; i < errors.size(); ++i)
    msg += (i == 0 ? "" : ", ") + model::to_string(errors[i]);
  return make_api_error(api_errc::invalid, std::move(msg));
}

inline model::timestamp now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// RFC 7386 on one member of an object: null deletes it.
inline void merge_member(boost::json::object& target, std::string_view key,
                         const boost::json::value& patch) {
  if (patch.is_null())
    target.erase(key);
  else
    model::apply_merge_patch(target[key], patch);
}

/// A parsed merge patch; not `ok` when the text is not a JSON object.
struct parsed_patch {
  boost::json::value doc;
  std::string resource_version; // the request's precondition, else metadata.resourceVersion
  bool ok = false;
};

template <class T>
parsed_patch parse_patch(const patch_request<T>& req) {
  parsed_patch out;
  boost::system::error_code ec;
  out.doc = boost::json::parse(req.merge_patch, ec);
  out.ok = !ec && out.doc.is_object();
  out.resource_version = req.resource_version;
  if (out.ok && out.resource_version.empty())
    if (auto* meta = out.doc.as_object().if_contains("metadata"); meta && meta->is_object())
      if (auto* rv = meta->as_object().if_contains("resourceVersion"); rv && rv->is_string())
        out.resource_version = rv->as_string();
  return out;
}

/// `current` with a merge patch of everything but status applied, decoded back into the
/// model; restoring the server-managed metadata is the caller's job.
template <class T>
caf::expected<T> patched(const T& current, const boost::json::object& patch) {
  auto doc = model::encode(current);
  auto& obj = doc.as_object();
  for (const auto& [key, value] : patch)
    if (key != "status")
      merge_member(obj, key, value);
  auto decoded = traits<T>::decode(boost::json::serialize(doc));
  if (!decoded)
    return invalid<T>(current.metadata.name, decoded.errors);
  return std::move(*decoded.value);
}

/// The status of `current` with a merge patch of it applied. The hot path of lock writes:
/// only the status goes through JSON, carried by an otherwise minimal object (the status
/// is moved there and back, not copied), so a large or invalid spec costs nothing here.
template <class T>
auto patched_status(T& current, const boost::json::value& status_patch)
  -> caf::expected<decltype(current.status)> {
  T carrier;
  traits<T>::fill_required(carrier);
  carrier.status = std::move(current.status);
  auto doc = model::encode(carrier);
  current.status = std::move(carrier.status);
  merge_member(doc.as_object(), "status", status_patch);
  auto decoded = traits<T>::decode(boost::json::serialize(doc));
  if (!decoded)
    return invalid<T>(current.metadata.name, decoded.errors);
  return std::move(decoded.value->status);
}

/// Kubernetes-like generated name suffix: five characters of its alphabet.
inline std::string name_suffix(std::uint64_t n) {
  static constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(5, alphabet[0]);
  for (auto i = out.rbegin(); i != out.rend() && n > 0; ++i, n /= alphabet.size())
    *i = alphabet[n % alphabet.size()];
  return out;
}

} // namespace baorestore::gateway::detail
