// Every shipped sample (deploy/samples) decodes with the model's decoders, strictly where we
// are strict, passes spec validation, and survives a round trip.
#define CAF_SUITE samples
#include "caf/test/unit_test.hpp"

#include <filesystem>

#include "model/codec.hpp"
#include "model/manifest.hpp"
#include "model/restore_validation.hpp"

using namespace baorestore::model;

namespace {

std::string dump(const field_errors& errors) {
  std::string s;
  for (const auto& e : errors)
    s += to_string(e) + "; ";
  return s;
}

template <class T, class Decode>
void check_round_trip(const std::string& json, Decode decode, const decode_options& opts) {
  auto first = decode(json, opts);
  CAF_REQUIRE_EQUAL(dump(first.errors), "");
  auto again = decode(to_json(*first.value), opts);
  CAF_REQUIRE(again);
  CAF_CHECK(*again.value == *first.value);
}

} // namespace

CAF_TEST(every sample decodes validates and round trips) {
  std::filesystem::path dir = BAORESTORE_SOURCE_DIR "/deploy/samples";
  std::size_t restores = 0;
  std::size_t clusters = 0;
  std::size_t secrets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml")
      continue;
    auto file = read_manifest_file(entry.path());
    CAF_REQUIRE_EQUAL(file.error, "");
    for (const auto& doc : file.documents) {
      CAF_MESSAGE(doc.source);
      CAF_REQUIRE_EQUAL(doc.error, "");
      auto head = decode_object_head(doc.json);
      CAF_REQUIRE(head);
      decode_options strict;
      strict.strict = true;
      if (head.value->kind == "OpenBaoRestore") {
        ++restores;
        check_round_trip<openbao_restore>(doc.json, decode_openbao_restore, strict);
        auto r = decode_openbao_restore(doc.json, strict);
        CAF_CHECK_EQUAL(dump(validate_restore(*r.value)), "");
      } else if (head.value->kind == "OpenBaoCluster") {
        ++clusters;
        check_round_trip<openbao_cluster>(doc.json, decode_openbao_cluster, {});
      } else if (head.value->kind == "Secret") {
        ++secrets;
        check_round_trip<secret>(doc.json, decode_secret, {});
      }
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(restores, 1u);
  CAF_CHECK_GREATER_OR_EQUAL(clusters, 1u);
  CAF_CHECK_GREATER_OR_EQUAL(secrets, 2u);
}
