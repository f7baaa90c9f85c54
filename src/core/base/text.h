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

#include <cstddef>
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

}  // namespace pg
