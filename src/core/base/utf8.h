// UTF-8 and JSON-string byte helpers shared by the hot paths (JSON reader and writer,
// the chunk scanner, error parsing). Header-only and written on raw pointers on purpose:
// under -Oz, Emscripten does not inline std::string / string_view accessors, and a call
// per byte is what made the core slow in WebAssembly.
#pragma once

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

// Appends code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
inline void append_code_point(std::string& out, std::uint32_t cp) {
  char bytes[4];
  std::size_t n;
  if (cp < 0x80) {
    bytes[0] = static_cast<char>(cp);
    n = 1;
  } else if (cp < 0x800) {
    bytes[0] = static_cast<char>(0xC0 | (cp >> 6));
    bytes[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    bytes[0] = static_cast<char>(0xE0 | (cp >> 12));
    bytes[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    bytes[0] = static_cast<char>(0xF0 | (cp >> 18));
    bytes[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    bytes[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  out.append(bytes, n);
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

}  // namespace pg::utf8
