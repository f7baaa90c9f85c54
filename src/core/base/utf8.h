// UTF-8 and JSON-text byte helpers shared by the hot paths (JSON reader and writer, the
// chunk scanner, the JS-compatible body scanner, the redactor's escape reader, error
// parsing). Header-only and written on raw pointers on purpose: under -Oz, Emscripten does
// not inline std::string / string_view accessors, and a call per byte is what made the core
// slow in WebAssembly.
#pragma once

#include "core/base/text.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace pg::utf8 {

// Checks the multi-byte sequence at p (*p >= 0x80), by the well-formed ranges of Unicode
// Table 3-7 (no overlongs, no surrogates, nothing above U+10FFFF). Returns its length
// (2..4) when well-formed. Otherwise returns -n: the first n bytes (n >= 1) are the
// maximal ill-formed subpart, which a lenient writer replaces by one U+FFFD before looking
// at the byte after them again — the same recovery nlohmann's serializer uses.
inline int check_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned b0 = p[0];
  int length;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF)
    length = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0)
      lo = 0xA0;
    else if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0)
      lo = 0x90;
    else if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    return -1;
  }
  for (int k = 1; k < length; ++k) {
    if (p + k >= end) return -k;
    const unsigned b = p[k];
    if (b < lo || b > hi) return -k;
    lo = 0x80;
    hi = 0xBF;
  }
  return length;
}

// Writes code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8 into `bytes`;
// returns how many it wrote (1..4).
inline int encode_code_point(std::uint32_t cp, unsigned char bytes[4]) {
  if (cp < 0x80) {
    bytes[0] = static_cast<unsigned char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    bytes[0] = static_cast<unsigned char>(0xC0 | (cp >> 6));
    bytes[1] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    bytes[0] = static_cast<unsigned char>(0xE0 | (cp >> 12));
    bytes[1] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[2] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    return 3;
  }
  bytes[0] = static_cast<unsigned char>(0xF0 | (cp >> 18));
  bytes[1] = static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F));
  bytes[2] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
  bytes[3] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
  return 4;
}

// Appends code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
inline void append_code_point(std::string& out, std::uint32_t cp) {
  unsigned char bytes[4];
  const int n = encode_code_point(cp, bytes);
  out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(n));
}

// How many leading bytes of [p, end) a JSON string carries verbatim: ASCII from 0x20 up,
// other than '"' and '\\'. Eight bytes per step with the SWAR "has a byte below / equal to"
// tests; a false alarm only sends one word to the byte loop, which decides exactly.
inline std::size_t plain_run(const unsigned char* p, const unsigned char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const unsigned char* start = p;
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t quote = x ^ (kOnes * '"');
    const std::uint64_t slash = x ^ (kOnes * '\\');
    const std::uint64_t special = (x - kOnes * 0x20) | (quote - kOnes) | (slash - kOnes);
    // A high bit in `special & ~x` marks a byte below 0x20 or equal to '"' or '\\';
    // a high bit in x itself marks a non-ASCII byte.
    if (((special & ~x) | x) & kHigh) break;
    p += 8;
  }
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++p;
  }
  return static_cast<std::size_t>(p - start);
}

// ----------------------------------------------------------------- JSON text
// The pieces every hand-written JSON scanner of the core reads alike. What each does when a
// piece is missing or wrong (an error with a message, give up on a fast path, U+FFFD) stays
// the scanner's own.

// The byte a JSON simple escape stands for, from the character after the backslash:
// '"' '\\' '/' 'b' 'f' 'n' 'r' 't' give '"' '\\' '/' '\b' '\f' '\n' '\r' '\t'. 0 for 'u' (four hex
// digits follow, for read_hex4) and for every character that starts no escape.
constexpr char simple_escape(unsigned c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
  }
}

// The four hex digits of a \u escape at p, into `value`, p moved past them. False when fewer
// than four bytes remain or one is not a hex digit (p is then somewhere among them).
inline bool read_hex4(const unsigned char*& p, const unsigned char* end, std::uint32_t& value) {
  if (end - p < 4) return false;
  value = 0;
  for (int i = 0; i < 4; ++i, ++p) {
    const int digit = hex_value(static_cast<char>(*p));
    if (digit < 0) return false;
    value = (value << 4) | static_cast<std::uint32_t>(digit);
  }
  return true;
}

// UTF-16 surrogates, as a \u escape may write them: a high one (U+D800..U+DBFF) is to be
// followed by an escaped low one (U+DC00..U+DFFF), and the pair stands for one code point.
constexpr bool is_high_surrogate(std::uint32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
constexpr bool is_low_surrogate(std::uint32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }
constexpr bool is_surrogate(std::uint32_t u) { return u >= 0xD800 && u <= 0xDFFF; }
constexpr std::uint32_t from_surrogates(std::uint32_t high, std::uint32_t low) {
  return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
}

// The length of the JSON literal at p (true, false, null), or 0 when none starts there.
inline std::size_t literal_length(const unsigned char* p, const unsigned char* end) {
  const char* word = nullptr;
  switch (p < end ? *p : 0) {
    case 't': word = "true"; break;
    case 'f': word = "false"; break;
    case 'n': word = "null"; break;
    default: return 0;
  }
  std::size_t n = 1;
  for (; word[n]; ++n)
    if (p + n >= end || p[n] != static_cast<unsigned char>(word[n])) return 0;
  return n;
}

}  // namespace pg::utf8
