// RFC 3339 date-times, read one way for the whole core: the resources file's timestamps
// (`expires_at`, `created_at`) and Anthropic's rate-limit reset times.
//
// This reads the syntax and each field's range; whether the date exists in the calendar
// (30 February) and which years are acceptable stay the caller's rules, because the two
// callers differ there (a resources file is checked as the gateway reads it, a reset time is
// turned into milliseconds since the epoch).
#pragma once

#include "core/base/text.h"

#include <optional>
#include <string_view>

namespace pg {

struct DateTimeFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int millis = 0;  // the fraction's first three digits (more are read, not kept)
  std::size_t fraction_digits = 0;
  int offset_minutes = 0;  // east of UTC: +01:00 is 60; Z is 0
};

namespace date_time_detail {
// Exactly `n` digits at `at` → their value; -1 when not.
constexpr int fixed_digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}
}  // namespace date_time_detail

// "2026-01-31T12:00:00Z", "…T12:00:00.5+01:00": date, 'T' (or 't' or a space, as RFC 3339
// allows), time, an optional fraction of at least one digit, then 'Z', 'z' or ±hh:mm, and
// nothing else. Month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60 (a leap second).
constexpr std::optional<DateTimeFields> read_rfc3339(std::string_view s) {
  using date_time_detail::fixed_digits;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  DateTimeFields f;
  f.year = fixed_digits(s, 0, 4);
  f.month = fixed_digits(s, 5, 2);
  f.day = fixed_digits(s, 8, 2);
  f.hour = fixed_digits(s, 11, 2);
  f.minute = fixed_digits(s, 14, 2);
  f.second = fixed_digits(s, 17, 2);
  if (f.year < 0 || f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour < 0 || f.hour > 23 ||
      f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 60)
    return std::nullopt;
  std::size_t i = 19;
  if (s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    f.fraction_digits = i - start;
    if (f.fraction_digits == 0) return std::nullopt;
    for (std::size_t k = 0; k < 3; ++k) f.millis = f.millis * 10 + (start + k < i ? s[start + k] - '0' : 0);
  }
  const std::string_view zone = s.substr(i);
  if (zone == "Z" || zone == "z") return f;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  const int oh = fixed_digits(zone, 1, 2), om = fixed_digits(zone, 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
  f.offset_minutes = (oh * 60 + om) * (zone[0] == '+' ? 1 : -1);
  return f;
}

}  // namespace pg
