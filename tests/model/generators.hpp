#pragma once
// rapidcheck generators for the model's value types, for codec property tests.
//
// Values the JSON form cannot carry are not generated: strings are valid UTF-8 (JSON text is).
// Fields with CRD defaults (provider, region, partSize, concurrency) are generated empty and
// zero too: the encoder writes them explicitly, so "" and 0 survive the round trip.

#include <optional>
#include <string>

#include <rapidcheck.h>

#include "model/api_status.hpp"
#include "model/event.hpp"
#include "model/job.hpp"
#include "model/lease.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/secret.hpp"
#include "model/service_account.hpp"

namespace baorestore::test {

namespace m = baorestore::model;

/// UTF-8 text mixing ASCII (control characters included, to exercise escaping), two-,
/// three- and four-byte sequences.
inline rc::Gen<std::string> text() {
  auto code_point = rc::gen::weightedOneOf<std::uint32_t>({
    {6, rc::gen::inRange<std::uint32_t>(0x20, 0x7f)},
    {1, rc::gen::inRange<std::uint32_t>(0x00, 0x20)},
    {1, rc::gen::inRange<std::uint32_t>(0x80, 0xd800)},
    {1, rc::gen::inRange<std::uint32_t>(0xe000, 0x10000)},
    {1, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000)},
  });
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(code_point),
                      [](const std::vector<std::uint32_t>& cps) {
                        std::string s;
                        for (auto c : cps) {
                          if (c < 0x80) {
                            s += static_cast<char>(c);
                          } else if (c < 0x800) {
                            s += static_cast<char>(0xc0 | (c >> 6));
                            s += static_cast<char>(0x80 | (c & 0x3f));
                          } else if (c < 0x10000) {
                            s += static_cast<char>(0xe0 | (c >> 12));
                            s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
                            s += static_cast<char>(0x80 | (c & 0x3f));
                          } else {
                            s += static_cast<char>(0xf0 | (c >> 18));
                            s += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
                            s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
                            s += static_cast<char>(0x80 | (c & 0x3f));
                          }
                        }
                        return s;
                      });
}

template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> g) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>{}),
                        rc::gen::map(std::move(g), [](T v) { return std::optional<T>(v); }));
}

inline rc::Gen<m::timestamp> time_point() {
  // 1970-01-01 to 9999-12-31, second precision: what metav1.Time carries.
  return rc::gen::map(rc::gen::inRange<std::int64_t>(0, 253402300800),
                      [](std::int64_t s) { return m::timestamp{std::chrono::seconds{s}}; });
}

inline rc::Gen<m::micro_timestamp> micro_time_point() {
  // 1970-01-01 to 9999-12-31, microsecond precision: what metav1.MicroTime carries.
  return rc::gen::map(rc::gen::inRange<std::int64_t>(0, 253402300800'000'000),
                      [](std::int64_t us) {
                        return m::micro_timestamp{std::chrono::microseconds{us}};
                      });
}

inline rc::Gen<std::map<std::string, std::string>> text_map() {
  return rc::gen::container<std::map<std::string, std::string>>(text(), text());
}

inline rc::Gen<std::vector<std::string>> text_list() {
  return rc::gen::container<std::vector<std::string>>(text());
}

template <class T>
rc::Gen<std::vector<T>> small_list(rc::Gen<T> g) {
  return rc::gen::resize(8, rc::gen::container<std::vector<T>>(std::move(g)));
}

inline rc::Gen<m::local_object_reference> object_ref() {
  return rc::gen::build<m::local_object_reference>(
    rc::gen::set(&m::local_object_reference::name, text()));
}

rc::Gen<m::object_meta> object_meta();
rc::Gen<m::condition> condition();
rc::Gen<m::backup_target> backup_target();
rc::Gen<m::openbao_restore> openbao_restore();
rc::Gen<m::operation_lock> operation_lock();
rc::Gen<m::openbao_cluster> openbao_cluster();
rc::Gen<m::job> job();
rc::Gen<m::secret> secret();
rc::Gen<m::event> event();
rc::Gen<m::service_account> service_account();
rc::Gen<m::lease> lease();
rc::Gen<m::api_status> api_status();

} // namespace baorestore::test
