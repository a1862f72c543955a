#define CAF_SUITE time
#include "caf/test/unit_test.hpp"

#include "model/time.hpp"

using namespace baorestore::model;
using namespace std::chrono;

namespace {

timestamp at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

} // namespace

CAF_TEST(formats utc with seconds precision) {
  CAF_CHECK_EQUAL(format_rfc3339(at(2026, 11, 25, 8, 33, 16)), "2026-11-25T08:33:16Z");
  CAF_CHECK_EQUAL(format_rfc3339(at(1970, 1, 1, 0, 0, 0)), "1970-01-01T00:00:00Z");
}

CAF_TEST(parses what it formats) {
  auto t = at(2026, 2, 28, 23, 59, 59);
  CAF_CHECK(parse_rfc3339(format_rfc3339(t)) == t);
}

CAF_TEST(parses offsets fractions and lowercase) {
  auto t = at(2026, 11, 25, 8, 33, 16);
  CAF_CHECK(parse_rfc3339("2026-11-25T09:33:16+01:00") == t);
  CAF_CHECK(parse_rfc3339("2026-11-25T03:03:16-05:30") == t);
  CAF_CHECK(parse_rfc3339("2026-11-25T08:33:16.999999Z") == t);
  CAF_CHECK(parse_rfc3339("2026-11-25T08:33:16.123456789Z") == t);
  CAF_CHECK(parse_rfc3339("2026-11-25t08:33:16z") == t);
}

CAF_TEST(rejects malformed times) {
  for (const char* bad : {"", "2026-11-25", "2026-11-25 08:33:16Z", "2026-11-25T08:33:16",
                          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-25T25:00:00Z", "2026-11-25T08:33:16.Z",
                          "2026-11-25T08:33:16Zjunk", "yesterday at noon please",
                          "2026-11-25T08:33:16+0100"}) {
    CAF_MESSAGE("input: " << bad);
    CAF_CHECK(!parse_rfc3339(bad).has_value());
  }
}

CAF_TEST(rejects shapes date parse is lenient about) {
  // "0x" once reached date::parse and made it convert NaN to an integer (fuzzer finding).
  for (const char* bad : {"2026-11-25T0x:00:00Z", "2026-1-25T08:00:00Z", "02026-11-25T08:00:00Z",
                          "2026-11-25T8:00:00Z", "2026-11-25T08:00:00+1:00",
                          "2026-11-25T08:00:00+01:0x", "2026-11-25T08:00:00.Z",
                          "2026-11-25T08:00:00.5", "-026-11-25T08:00:00Z"}) {
    CAF_MESSAGE("input: " << bad);
    CAF_CHECK(!parse_rfc3339(bad).has_value());
  }
}

CAF_TEST(micro time keeps microseconds) {
  auto t = micro_timestamp{at(2026, 11, 25, 10, 0, 0)} + microseconds{123456};
  CAF_CHECK_EQUAL(format_rfc3339_micro(t), "2026-11-25T10:00:00.123456Z");
  CAF_CHECK_EQUAL(format_rfc3339_micro(micro_timestamp{at(2026, 11, 25, 10, 0, 0)}),
                  "2026-11-25T10:00:00.000000Z");
  CAF_CHECK(parse_rfc3339_micro("2026-11-25T10:00:00.123456Z") == t);
  CAF_CHECK(parse_rfc3339_micro("2026-11-25T10:00:00.123456789Z") == t);
  CAF_CHECK(parse_rfc3339_micro("2026-11-25T11:00:00.123456+01:00") == t);
  CAF_CHECK(parse_rfc3339_micro("2026-11-25T10:00:00Z")
            == micro_timestamp{at(2026, 11, 25, 10, 0, 0)});
  CAF_CHECK(parse_rfc3339_micro("2026-11-25T10:00:00.5Z")
            == micro_timestamp{at(2026, 11, 25, 10, 0, 0)} + milliseconds{500});
  CAF_CHECK(!parse_rfc3339_micro("2026-02-30T00:00:00.000000Z"));
  CAF_CHECK(!parse_rfc3339_micro("2026-11-25T10:00:00.Z"));
  // The second-precision parser still drops the fraction.
  CAF_CHECK(parse_rfc3339("2026-11-25T10:00:00.123456Z") == at(2026, 11, 25, 10, 0, 0));
}
