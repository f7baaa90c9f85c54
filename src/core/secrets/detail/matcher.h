// Internal to the redactor: the secrets' forms, worked out once per list of secrets
// (detail/matcher.cpp) and read by the scan (redact.cpp). Immutable once built, so one
// matcher serves any number of redactors.
#pragma once

#include "core/secrets/redact.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

namespace detail {

// One text to find: a secret, or a base64 run of one. Its bytes are Matcher::bytes[at, at + size).
struct Pattern {
  std::uint32_t at = 0;
  std::uint32_t size = 0;
  bool echoes = false;     // a secret long enough for masked echoes
  bool key_only = false;   // made of key characters only, so a Shape can rule it out
  std::uint64_t head = 0;  // the first 8 bytes, big-endian, zero-padded: a quick sort key
  // echoes: tail[t] is how many bytes the secret's last t characters take (kMinEchoTail <= t).
  std::array<std::uint8_t, kMaxEchoTail + 1> tail{};
};

struct Matcher {
  std::string bytes;                          // every pattern's text, one after another
  std::vector<Pattern> patterns;              // sorted by text, so grouped by first byte
  std::array<std::uint32_t, 257> by_first{};  // patterns[by_first[b], by_first[b + 1]) start with b
  std::array<std::uint8_t, 256> starts{};     // 1 for bytes at which a match can start
  std::array<std::uint64_t, 1024> pairs{};    // bit (a << 8 | b): some pattern starts with bytes a, b
  std::size_t longest_key_only = 0;           // the longest key_only pattern
  std::size_t window = 0;                     // the longest text any match can read

  std::string_view text(const Pattern& pat) const { return std::string_view(bytes).substr(pat.at, pat.size); }
  bool pair(unsigned char a, unsigned char b) const {
    const unsigned bit = (static_cast<unsigned>(a) << 8) | b;
    return (pairs[bit >> 6] >> (bit & 63)) & 1u;
  }
  void add_pair(unsigned char a, unsigned char b) {
    const unsigned bit = (static_cast<unsigned>(a) << 8) | b;
    pairs[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
};

}  // namespace detail

namespace detail {

// The matcher of a list of secrets (null when it holds none but empty ones), from a small
// cache of the last few lists.
std::shared_ptr<const Matcher> matcher_for(const std::vector<std::string>& secrets);

}  // namespace detail

}  // namespace pg
