// ASCII text helpers: the one implementation of each for the whole core.
//
// Every rule here is ASCII and byte-wise, never locale-dependent: the C library's isspace /
// tolower / isdigit change with setlocale() and are undefined for negative chars, so the
// core does not use them. A byte >= 0x80 is never a space, a digit or a letter here, and
// lower() leaves it alone, so UTF-8 text passes through untouched.
//
// Case-insensitive helpers take the needle already in lower case (`lower_prefix`,
// `lower_needle`): callers pass literals such as "<html" or "json", and only the haystack
// is folded, byte by byte, without allocating.
//
// Header-only and constexpr where possible: the per-byte hot paths (json_reader, json_writer,
// chunk_scanner, redact, sse; see cmake/wasm.cmake) call these in their loops, and must get
// them inlined at their own optimisation level.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg {

// ----------------------------------------------------------------- one byte

// ' ', \t, \n, \v, \f, \r: what isspace() says in the "C" locale.
constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
constexpr char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ----------------------------------------------------------------- hexadecimal

// The value of a hex digit (either case): 0..15, or -1 when `c` is not one.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// The digit for the low four bits of `nibble`: lower case unless `upper` (percent-encoding).
constexpr char hex_digit(unsigned nibble, bool upper = false) {
  return (upper ? "0123456789ABCDEF" : "0123456789abcdef")[nibble & 0xFu];
}
// Appends `byte` as two hex digits.
inline void append_hex(std::string& out, unsigned char byte, bool upper = false) {
  out.push_back(hex_digit(byte >> 4, upper));
  out.push_back(hex_digit(byte, upper));
}

// ----------------------------------------------------------------- strings

// A leading UTF-8 byte order mark (EF BB BF) removed; anything else unchanged.
constexpr std::string_view skip_bom(std::string_view s) {
  return s.substr(0, 3) == std::string_view("\xEF\xBB\xBF") ? s.substr(3) : s;
}
// is_space() bytes removed from the start, the end, or both ends.
constexpr std::string_view trim_start(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}
constexpr std::string_view trim_end(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
constexpr std::string_view trim(std::string_view s) { return trim_end(trim_start(s)); }
// Empty, or only is_space() bytes.
constexpr bool is_blank(std::string_view s) { return trim_start(s).empty(); }
// One or more '0'..'9' and nothing else ("" is not).
constexpr bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// A copy with 'A'..'Z' lowered.
inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

constexpr bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
constexpr bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
// `s` starts with `lower_prefix`, ignoring the case of s's ASCII letters.
constexpr bool starts_with_nocase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i)
    if (lower(s[i]) != lower_prefix[i]) return false;
  return true;
}
// `a` and `b` are the same text but for the case of ASCII letters (HTTP header names); unlike
// the helpers around it, neither side needs to be in lower case already.
constexpr bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}
// The first position at or after `from` where `s` holds `lower_needle`, ignoring the case
// of s's ASCII letters; npos if none ("" is found at `from` when from <= size). A needle
// that starts with a non-letter (such as '<') jumps from candidate to candidate with
// find(), so a long text without it costs one memchr.
inline std::size_t find_nocase(std::string_view s, std::string_view lower_needle, std::size_t from = 0) {
  if (lower_needle.empty()) return from <= s.size() ? from : std::string_view::npos;
  const char first = lower_needle[0];
  const bool letter = first >= 'a' && first <= 'z';
  for (std::size_t i = from; i < s.size(); ++i) {
    if (!letter) {
      i = s.find(first, i);
      if (i == std::string_view::npos) return i;
    } else if (lower(s[i]) != first) {
      continue;
    }
    if (starts_with_nocase(s.substr(i), lower_needle)) return i;
  }
  return std::string_view::npos;
}
inline bool contains_nocase(std::string_view s, std::string_view lower_needle) {
  return find_nocase(s, lower_needle) != std::string_view::npos;
}

// An HTTP token (RFC 9110): what a header name may be. `lower_case`: letters only in lower
// case, as the gateway's schemas require of the header names an operator configures.
inline bool is_http_token(std::string_view s, bool lower_case = false) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool letter_ok = lower_case ? (c >= 'a' && c <= 'z') : is_alpha(c);
    if (!(letter_ok || is_digit(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  }
  return true;
}

// ----------------------------------------------------------------- numbers

// round(v * 10^decimals), half to even, computed exactly on v's binary value as printf does
// (v = m * 2^-shift; m * 10^decimals in 32-bit limbs; the bits below `shift` decide).
// For finite v >= 0 whose result is below 2^63. Used by the two printf equivalents below,
// which spare the page's module the C library's printf (docs/performance.md).
inline std::uint64_t scaled_round(double v, int decimals) {
  if (!(v > 0)) return 0;
  int e = 0;
  const auto m = static_cast<std::uint64_t>(std::ldexp(std::frexp(v, &e), 53));  // v = m * 2^(e - 53)
  const int shift = 53 - e;
  std::array<std::uint32_t, 48> n{static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(m >> 32)};
  std::size_t used = 2;
  for (int i = 0; i < decimals && used < n.size(); ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < used; ++j) {
      carry += std::uint64_t{n[j]} * 10;
      n[j] = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry) n[used++] = static_cast<std::uint32_t>(carry);
  }
  const auto bit = [&](int i) {
    return i >= 0 && static_cast<std::size_t>(i / 32) < used && (n[i / 32] >> (i % 32) & 1u);
  };
  if (shift <= 0) return (std::uint64_t{n[1]} << 32 | n[0]) << -shift;
  std::uint64_t q = 0;
  for (int i = 63; i >= 0; --i) q = q << 1 | (bit(shift + i) ? 1u : 0u);
  if (!bit(shift - 1)) return q;
  bool rest = false;
  for (int i = 0; i < shift - 1 && !rest; ++i) rest = bit(i);
  return (rest || (q & 1u)) ? q + 1 : q;
}

namespace text_detail {
// n / 10^decimals written out, trailing zeros of the fraction dropped when `trim`.
inline std::string point(std::uint64_t n, int decimals, bool trim) {
  std::string s = std::to_string(n);
  if (decimals <= 0) return s;
  if (s.size() <= static_cast<std::size_t>(decimals))
    s.insert(0, static_cast<std::size_t>(decimals) + 1 - s.size(), '0');
  s.insert(s.size() - static_cast<std::size_t>(decimals), 1, '.');
  if (trim) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}
}  // namespace text_detail

// What printf("%.<decimals>f", v) writes, for finite v >= 0 with v * 10^decimals < 2^63.
inline std::string fixed_decimal(double v, int decimals) {
  return text_detail::point(scaled_round(v, decimals), decimals, false);
}

// What printf("%.<digits>g", v) writes, for finite v > 0 below 10^digits (1 <= digits <= 18).
inline std::string general_decimal(double v, int digits) {
  std::uint64_t low = 1;  // 10^(digits - 1)
  for (int i = 1; i < digits; ++i) low *= 10;
  int e = 0;
  std::frexp(v, &e);
  int x = (e - 1) * 78913 >> 18;  // floor((e - 1) * log10(2)): v's decimal exponent or one less
  std::uint64_t n = 0;
  for (;;) {  // x: the exponent of v rounded to `digits` significant digits
    if (x >= digits) return "1e+" + std::string(x < 10 ? "0" : "") + std::to_string(x);  // v rounded up to 10^digits
    n = scaled_round(v, digits - 1 - x);
    if (n >= low * 10) {
      ++x;
    } else if (n < low) {
      --x;
    } else {
      break;
    }
  }
  if (x >= -4 && x < digits) return text_detail::point(n, digits - 1 - x, true);
  std::string s = text_detail::point(n, digits - 1, true);
  const int a = x < 0 ? -x : x;
  return s + (x < 0 ? "e-" : "e+") + (a < 10 ? "0" : "") + std::to_string(a);
}

}  // namespace pg
