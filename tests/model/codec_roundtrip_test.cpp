// Property tests: every value the model can hold survives encode -> JSON text -> decode.
#define CAF_SUITE codec_roundtrip
#include "caf/test/unit_test.hpp"

#include "model/codec.hpp"
#include "tests/model/generators.hpp"

using namespace baorestore;
namespace m = baorestore::model;

namespace {

template <class T, class Decode>
bool round_trips(const char* what, rc::Gen<T> gen, Decode decode) {
  return rc::check(what, [=] {
    const T original = *gen;
    const auto text = m::to_json(original);
    const auto back = decode(text, m::decode_options{});
    for (const auto& e : back.errors)
      RC_LOG() << m::to_string(e) << "\n";
    RC_ASSERT(back.value.has_value());
    RC_ASSERT(*back.value == original);
    // Encoding is deterministic: the decoded value encodes to the same text.
    RC_ASSERT(m::to_json(*back.value) == text);
  });
}

} // namespace

CAF_TEST(openbao restore) {
  CAF_CHECK(round_trips("OpenBaoRestore", test::openbao_restore(), m::decode_openbao_restore));
}

CAF_TEST(openbao cluster) {
  CAF_CHECK(round_trips("OpenBaoCluster", test::openbao_cluster(), m::decode_openbao_cluster));
}

CAF_TEST(job) {
  CAF_CHECK(round_trips("Job", test::job(), m::decode_job));
}

CAF_TEST(secret) {
  CAF_CHECK(round_trips("Secret", test::secret(), m::decode_secret));
}

CAF_TEST(event) {
  CAF_CHECK(round_trips("Event", test::event(), m::decode_event));
}

CAF_TEST(service account) {
  CAF_CHECK(round_trips("ServiceAccount", test::service_account(), m::decode_service_account));
}

CAF_TEST(lease) {
  CAF_CHECK(round_trips("Lease", test::lease(), m::decode_lease));
}

CAF_TEST(api status) {
  CAF_CHECK(round_trips("Status", test::api_status(), m::decode_api_status));
}

CAF_TEST(strict decoding accepts everything we encode) {
  CAF_CHECK(rc::check("strict OpenBaoRestore", [] {
    const auto original = *test::openbao_restore();
    m::decode_options strict;
    strict.strict = true;
    auto back = m::decode_openbao_restore(m::to_json(original), strict);
    RC_ASSERT(back.errors.empty());
  }));
}
