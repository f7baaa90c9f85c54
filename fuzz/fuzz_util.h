// Shared helpers for the libFuzzer targets: reading split points from the input, checking
// invariants loudly, and validating what the core hands back (UTF-8, JSON).
#pragma once

#include "core/base/json_util.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace pgfuzz {

// A broken invariant is a crash for libFuzzer: it keeps the input and stops the campaign.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "invariant broken at %s:%d: %s\n", file, line, what);
  std::abort();
}
#define PGFUZZ_CHECK(cond)                                  \
  do {                                                      \
    if (!(cond)) ::pgfuzz::fail(#cond, __FILE__, __LINE__); \
  } while (0)

// Reads the input front to back. Structured fuzzers take their small parameters (a split
// plan, a status code, a limit) from the front and the payload from the rest.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : text_(reinterpret_cast<const char*>(data), size) {}

  std::uint8_t byte() {
    if (pos_ >= text_.size()) return 0;
    return static_cast<std::uint8_t>(text_[pos_++]);
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | (byte() << 8)); }

  // Up to (not including) the next `stop` byte, which is consumed; the rest if none.
  std::string_view until(char stop) {
    const std::size_t at = text_.find(stop, pos_);
    const std::size_t end = at == std::string_view::npos ? text_.size() : at;
    std::string_view out = text_.substr(std::min(pos_, text_.size()), end - std::min(pos_, end));
    pos_ = at == std::string_view::npos ? text_.size() : at + 1;
    return out;
  }

  bool done() const { return pos_ >= text_.size(); }

  std::string_view rest() {
    std::string_view out = pos_ < text_.size() ? text_.substr(pos_) : std::string_view();
    pos_ = text_.size();
    return out;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// A split plan from the front of the input: one byte k (its low 3 bits), then k chunk
// lengths of 1..256 bytes that repeat until the payload is used up. k == 0 means one
// byte per chunk, the hardest split there is.
inline std::vector<std::size_t> read_split_plan(Reader& in) {
  const std::size_t k = in.byte() & 7u;
  std::vector<std::size_t> lengths;
  for (std::size_t i = 0; i < k; ++i) lengths.push_back(static_cast<std::size_t>(in.byte()) + 1);
  if (lengths.empty()) lengths.push_back(1);
  return lengths;
}

// Cuts `payload` into chunks following the plan's lengths, cycling through them.
inline std::vector<std::string_view> split(std::string_view payload, const std::vector<std::size_t>& plan) {
  std::vector<std::string_view> chunks;
  std::size_t at = 0;
  for (std::size_t i = 0; at < payload.size(); ++i) {
    const std::size_t n = std::min(plan[i % plan.size()], payload.size() - at);
    chunks.push_back(payload.substr(at, n));
    at += n;
  }
  return chunks;
}

// Strict UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c == 0xE0) {
      n = 2;
      lo = 0xA0;
    } else if (c == 0xED) {
      n = 2;
      hi = 0x9F;
    } else if (c >= 0xE1 && c <= 0xEF)
      n = 2;
    else if (c == 0xF0) {
      n = 3;
      lo = 0x90;
    } else if (c == 0xF4) {
      n = 3;
      hi = 0x8F;
    } else if (c >= 0xF1 && c <= 0xF3)
      n = 3;
    else
      return false;
    if (s.size() - i < n + 1) return false;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (std::size_t j = 2; j <= n; ++j) {
      const unsigned char cj = static_cast<unsigned char>(s[i + j]);
      if (cj < 0x80 || cj > 0xBF) return false;
    }
    i += n + 1;
  }
  return true;
}

// What every reply of the core must be: text that is valid UTF-8 and parses back as JSON
// (the bindings hand exactly this to JavaScript). Returns the text for further checks.
inline std::string checked_dump(const pg::json& value) {
  std::string text = pg::dump_json(value);
  PGFUZZ_CHECK(valid_utf8(text));
  // Deeper than parse_json's default: a reply wraps the input values it echoes.
  PGFUZZ_CHECK(pg::parse_json(text, 4 * pg::kMaxJsonDepth).value.has_value());
  return text;
}

// True when some object in `value` has a member that could hold a provider secret: the
// model list a browser sees must have none.
inline bool has_secret_field(const pg::json& value, int depth = 0) {
  if (depth > 4 * static_cast<int>(pg::kMaxJsonDepth)) return false;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it.key() == "api_key" || it.key() == "secret") return true;
      if (has_secret_field(it.value(), depth + 1)) return true;
    }
  } else if (value.is_array()) {
    for (const auto& v : value)
      if (has_secret_field(v, depth + 1)) return true;
  }
  return false;
}

}  // namespace pgfuzz
