// RFC 3339 date-times (core/base/date_time.h), the one reader behind the resources file's
// timestamps and Anthropic's rate-limit reset times.
#include <doctest/doctest.h>

#include "core/base/date_time.h"

using namespace pg;

TEST_CASE("read_rfc3339 reads the fields, the fraction and the offset") {
  const auto f = read_rfc3339("2026-12-05T10:00:06.5+01:30");
  REQUIRE(f.has_value());
  CHECK(f->year == 2026);
  CHECK(f->month == 12);
  CHECK(f->day == 5);
  CHECK(f->hour == 10);
  CHECK(f->minute == 0);
  CHECK(f->second == 6);
  CHECK(f->millis == 500);
  CHECK(f->fraction_digits == 1);
  CHECK(f->offset_minutes == 90);
  CHECK(read_rfc3339("2026-12-05t10:00:06Z")->offset_minutes == 0);
  CHECK(read_rfc3339("2026-12-05 10:00:06-02:00")->offset_minutes == -120);
  CHECK(read_rfc3339("2026-12-05T23:59:60.123456789z")->millis == 123);
  CHECK(read_rfc3339("2026-12-05T23:59:60.123456789z")->fraction_digits == 9);
}

TEST_CASE("read_rfc3339 refuses what is not RFC 3339 and leaves the calendar to its caller") {
  for (const char* bad :
       {"", "2026-12-05", "2026-12-05T10:00:06", "2026-12-05T10:00:06+0100", "2026-13-05T10:00:06Z",
        "2026-12-00T10:00:06Z", "2026-12-32T10:00:06Z", "2026-12-05T24:00:06Z", "2026-12-05T10:60:06Z",
        "2026-12-05T10:00:61Z", "2026-12-05T10:00:06.Z", "2026-12-05T10:00:06Zx", "2026-12-05X10:00:06Z",
        "2026-12-05T10:00:06+24:00", "2026-12-05T10:00:06+01:60", "2O26-12-05T10:00:06Z"})
    CHECK_MESSAGE(!read_rfc3339(bad).has_value(), bad);
  // 30 February has the form of a date: whether it exists is the caller's rule.
  CHECK(read_rfc3339("2026-02-30T10:00:06Z").has_value());
}
