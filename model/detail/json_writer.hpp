#pragma once
// Small helpers for encoding with Go's omitempty semantics into a Boost.JSON object.
// Internal to model/.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "model/time.hpp"

namespace baorestore::model::detail {

inline void put_string(boost::json::object& o, const char* key, const std::string& v) {
  if (!v.empty())
    o[key] = v;
}

inline void put_string(boost::json::object& o, const char* key,
                       const std::optional<std::string>& v) {
  if (v)
    o[key] = *v;
}

inline void put_bool(boost::json::object& o, const char* key, bool v) {
  if (v)
    o[key] = true;
}

inline void put_bool(boost::json::object& o, const char* key, const std::optional<bool>& v) {
  if (v)
    o[key] = *v;
}

inline void put_int(boost::json::object& o, const char* key, std::int64_t v) {
  if (v != 0)
    o[key] = v;
}

template <class Int>
void put_int(boost::json::object& o, const char* key, const std::optional<Int>& v) {
  if (v)
    o[key] = static_cast<std::int64_t>(*v);
}

inline void put_time(boost::json::object& o, const char* key,
                     const std::optional<timestamp>& v) {
  if (v)
    o[key] = format_rfc3339(*v);
}

inline void put_micro_time(boost::json::object& o, const char* key,
                           const std::optional<micro_timestamp>& v) {
  if (v)
    o[key] = format_rfc3339_micro(*v);
}

inline void put_map(boost::json::object& o, const char* key,
                    const std::map<std::string, std::string>& v) {
  if (v.empty())
    return;
  boost::json::object m;
  for (const auto& [k, x] : v)
    m[k] = x;
  o[key] = std::move(m);
}

inline void put_strings(boost::json::object& o, const char* key,
                        const std::vector<std::string>& v) {
  if (v.empty())
    return;
  boost::json::array a;
  for (const auto& x : v)
    a.emplace_back(x);
  o[key] = std::move(a);
}

/// Puts a non-empty object (omitempty for nested structs encoded by `enc`).
inline void put_object(boost::json::object& o, const char* key, boost::json::object v) {
  if (!v.empty())
    o[key] = std::move(v);
}

template <class T, class Enc>
void put_list(boost::json::object& o, const char* key, const std::vector<T>& v, Enc&& enc) {
  if (v.empty())
    return;
  boost::json::array a;
  for (const auto& x : v)
    a.emplace_back(enc(x));
  o[key] = std::move(a);
}

} // namespace baorestore::model::detail
