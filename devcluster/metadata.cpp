#include "devcluster/metadata.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

const json::object* meta_of(const json::object& obj) {
  auto* m = obj.if_contains("metadata");
  return m ? m->if_object() : nullptr;
}

} // namespace

json::object& metadata_of(json::object& obj) {
  auto& m = obj["metadata"];
  if (!m.is_object())
    m = json::object{};
  return m.get_object();
}

std::string_view meta_string(const json::object& obj, std::string_view field) {
  if (auto* m = meta_of(obj))
    if (auto* v = m->if_contains(field); v && v->is_string())
      return v->get_string();
  return {};
}

std::int64_t generation_of(const json::object& obj) {
  auto* m = meta_of(obj);
  auto* v = m ? m->if_contains("generation") : nullptr;
  if (v && v->is_int64())
    return v->get_int64();
  if (v && v->is_uint64())
    return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

bool is_terminating(const json::object& obj) {
  return !meta_string(obj, "deletionTimestamp").empty();
}

std::vector<std::string> finalizers_of(const json::object& obj) {
  std::vector<std::string> out;
  if (auto* m = meta_of(obj))
    if (auto* f = m->if_contains("finalizers"); f && f->is_array())
      for (const auto& x : f->get_array())
        if (x.is_string())
          out.emplace_back(x.get_string());
  return out;
}

void set_finalizers(json::object& obj, const std::vector<std::string>& finalizers) {
  auto& m = metadata_of(obj);
  if (finalizers.empty()) {
    m.erase("finalizers");
    return;
  }
  json::array arr;
  for (const auto& f : finalizers)
    arr.emplace_back(f);
  m["finalizers"] = std::move(arr);
}

std::vector<std::string> owner_uids(const json::object& obj) {
  std::vector<std::string> out;
  if (auto* m = meta_of(obj))
    if (auto* refs = m->if_contains("ownerReferences"); refs && refs->is_array())
      for (const auto& r : refs->get_array())
        if (auto* ro = r.if_object())
          if (auto* uid = ro->if_contains("uid"); uid && uid->is_string())
            out.emplace_back(uid->get_string());
  return out;
}

bool drop_owner(json::object& obj, std::string_view uid) {
  auto& m = metadata_of(obj);
  auto* refs = m.if_contains("ownerReferences");
  if (!refs || !refs->is_array())
    return false;
  auto& arr = refs->get_array();
  auto before = arr.size();
  for (auto i = arr.begin(); i != arr.end();) {
    auto* ro = i->if_object();
    auto* u = ro ? ro->if_contains("uid") : nullptr;
    if (u && u->is_string() && u->get_string() == uid)
      i = arr.erase(i);
    else
      ++i;
  }
  bool changed = arr.size() != before;
  if (arr.empty())
    m.erase("ownerReferences");
  return changed;
}

void keep_server_fields(json::object& to, const json::object& from) {
  static constexpr std::string_view fields[] = {
    "uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp",
    "deletionGracePeriodSeconds"};
  auto& dst = metadata_of(to);
  const auto* src = meta_of(from);
  for (auto f : fields) {
    const json::value* v = src ? src->if_contains(f) : nullptr;
    if (v)
      dst[f] = *v;
    else
      dst.erase(f);
  }
}

std::string random_uid(std::mt19937_64& rng) {
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                 // version 4
  lo = (lo & ~(0xc0ULL << 56)) | (0x80ULL << 56);     // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string name_suffix(std::mt19937_64& rng) {
  static constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(5, ' ');
  for (auto& c : out)
    c = alphabet[rng() % alphabet.size()];
  return out;
}

} // namespace baorestore::devcluster
