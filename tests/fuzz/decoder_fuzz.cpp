// libFuzzer target: every decoder on arbitrary bytes. Beyond "no crash, no sanitizer report",
// it checks the codec's contract: whatever decodes re-encodes to JSON that decodes to the
// same value (a round-trip failure aborts, so the fuzzer records the input).

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include "model/codec.hpp"

namespace {

using namespace baorestore::model;

/// What a lenient read noted but no encoder writes back: the spec fields it did not know
/// (kept so that judging the restore can name them, DESIGN §2). The round trip is of the
/// value without them.
template <class T>
T encoded_part(T v) {
  if constexpr (std::is_same_v<T, openbao_restore>)
    v.spec.unknown_fields.clear();
  return v;
}

template <class Decode>
void check(std::string_view input, Decode decode) {
  auto first = decode(input, decode_options{});
  if (first.value.has_value() == !first.errors.empty())
    std::abort(); // exactly one of value and errors
  if (!first)
    return;
  auto again = decode(to_json(*first.value), decode_options{});
  if (!again || !(encoded_part(*again.value) == encoded_part(*first.value)))
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, decode_openbao_restore);
  check(input, decode_openbao_cluster);
  check(input, decode_job);
  check(input, decode_secret);
  check(input, decode_event);
  check(input, decode_service_account);
  check(input, decode_api_status);
  decode_options strict;
  strict.strict = true;
  (void) decode_openbao_restore(input, strict);
  (void) decode_openbao_restore_list(input);
  (void) decode_object_head(input);
  return 0;
}
