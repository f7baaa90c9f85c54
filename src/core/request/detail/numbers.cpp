// Reading numbers the way people type them into a form (detail/builder.h).
#include "core/request/detail/builder.h"

#include "core/base/detail/decimal.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace pg::request_detail {

namespace {

// A decimal number as people type it: [+-] digits [. digits] [e [+-] digits]. Other text
// (hex, "inf", "nan", garbage) is not a number; decimal_to_double would only make it NaN.
bool looks_decimal(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

// No one types a 100-character number; refusing longer text keeps parsing trivially cheap.
constexpr std::size_t kMaxNumberChars = 100;

}  // namespace

// A JSON number or a numeric string (HTML inputs give strings); "" and null mean "not set".
NumberRead read_number(const json& v) {
  if (v.is_null()) return {};
  if (v.is_number()) {
    const double d = v.get<double>();
    return {std::isfinite(d) ? Num::Ok : Num::NotFinite, d};
  }
  if (!v.is_string()) return {Num::NotNumber};
  const std::string_view t = trim(*v.get_ptr<const std::string*>());
  if (t.empty()) return {};
  if (t.size() > kMaxNumberChars || !looks_decimal(t)) return {Num::NotNumber};
  const double d = decimal_to_double(t);
  return {std::isfinite(d) ? Num::Ok : Num::NotFinite, d};
}

// An integer in int64 range. Digit strings are parsed exactly (a seed such as
// "9007199254740993" must not go through a double); 3.0 is accepted, 3.5 is not.
IntegerRead read_integer(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return {Num::OutOfRange};
    return {Num::Ok, static_cast<std::int64_t>(u)};
  }
  if (v.is_number_integer()) return {Num::Ok, v.get<std::int64_t>()};
  if (v.is_string()) {
    std::string_view t = trim(*v.get_ptr<const std::string*>());
    const bool negative = !t.empty() && t.front() == '-';
    std::string_view digits = (!t.empty() && (t.front() == '-' || t.front() == '+')) ? t.substr(1) : t;
    if (t.size() <= kMaxNumberChars && all_digits(digits)) {
      std::string text = (negative ? "-" : "") + std::string(digits);
      std::int64_t out = 0;
      auto res = std::from_chars(text.data(), text.data() + text.size(), out);
      if (res.ec == std::errc::result_out_of_range) return {Num::OutOfRange};
      if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return {Num::NotNumber};
      return {Num::Ok, out};
    }
  }
  const NumberRead n = read_number(v);
  if (n.kind != Num::Ok) return {n.kind};
  if (std::floor(n.value) != n.value) return {Num::NotWhole};
  // [-2^63, 2^63): both bounds are exact doubles.
  if (n.value < -9223372036854775808.0 || n.value >= 9223372036854775808.0) return {Num::OutOfRange};
  return {Num::Ok, static_cast<std::int64_t>(n.value)};
}

}  // namespace pg::request_detail
