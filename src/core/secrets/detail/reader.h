// Internal to the redactor (core/secrets/redact.cpp, detail/matcher.cpp): the reader that
// yields the bytes a text stands for from a position — raw, or with JSON and URL escapes
// decoded (redact.cpp's top comment says which) — and the character classes matching uses.
#pragma once

#include "core/base/text.h"
#include "core/base/utf8.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace pg::redact_detail {

inline constexpr std::size_t kNeedMore = std::numeric_limits<std::size_t>::max();
// The most text one decoded byte can take: "\u00XX" with each of its 6 characters
// percent-encoded. A unit (what one read consumes) is at most a surrogate pair written
// that way, 36 bytes.
inline constexpr std::size_t kMaxTextPerByte = 18;
inline constexpr std::size_t kLongestUnit = 36;

// Escape characters a read met in the text: decoding only differs from the raw bytes from
// one of them on, so the decoding modes run only when a raw read saw one.
inline constexpr unsigned kSawBackslash = 1;
inline constexpr unsigned kSawPercent = 2;

inline void note_escapes(std::string_view span, unsigned& seen) {
  for (char c : span) {
    if (c == '\\') seen |= kSawBackslash;
    if (c == '%') seen |= kSawPercent;
  }
}

enum class Mode { Raw, Mixed, Layered };
enum class Read { Ok, End, NeedMore, Invalid };

// Yields the bytes the text stands for from a position: the bytes themselves (Raw), or
// with escapes decoded (Mixed, Layered: see the top of the file; a \u escape yields its
// UTF-8 bytes one at a time). Small and copyable, so a caller can look ahead and step back.
struct Reader {
  std::string_view text;
  bool at_end;  // text is the whole rest of the input; otherwise more may follow
  Mode mode;
  std::size_t pos;
  unsigned* seen = nullptr;  // kSaw* bits of escape characters met (shared by copies)
  unsigned char pending[4] = {0, 0, 0, 0};
  int pending_count = 0;
  int pending_next = 0;

  bool mid_escape() const { return pending_next < pending_count; }

  Read next(unsigned char& out) {
    if (pending_next < pending_count) {
      out = pending[pending_next++];
      return Read::Ok;
    }
    if (pos >= text.size()) return at_end ? Read::End : Read::NeedMore;
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c == '\\' || c == '%') {
      note(c);
      if (mode != Mode::Raw) return decode(out);
    }
    ++pos;
    out = c;
    return Read::Ok;
  }

 private:
  void note(unsigned char c) const {
    if (seen) *seen |= c == '\\' ? kSawBackslash : kSawPercent;
  }

  // %XX at `at` (text[at] is '%'): the byte it stands for, or the '%' itself when two hex
  // digits do not follow.
  Read percent(std::size_t at, unsigned char& c, std::size_t& after) const {
    c = '%';
    after = at + 1;
    if (at + 1 >= text.size()) return at_end ? Read::Ok : Read::NeedMore;
    const int hi = hex_value(text[at + 1]);
    if (hi < 0) return Read::Ok;
    if (at + 2 >= text.size()) return at_end ? Read::Ok : Read::NeedMore;
    const int lo = hex_value(text[at + 2]);
    if (lo < 0) return Read::Ok;
    c = static_cast<unsigned char>(hi * 16 + lo);
    after = at + 3;
    return Read::Ok;
  }

  // One character of a JSON escape's own text: as written (Mixed), or percent-decoded
  // (Layered). End: the text ended there, so the escape is not one.
  Read source(std::size_t at, unsigned char& c, std::size_t& after) const {
    if (at >= text.size()) return at_end ? Read::Invalid : Read::NeedMore;
    c = static_cast<unsigned char>(text[at]);
    after = at + 1;
    if (c == '\\' || c == '%') note(c);
    if (c == '%' && mode == Mode::Layered) return percent(at, c, after);
    return Read::Ok;
  }

  // Reads 4 hex digits from `at` into `cp`, moving `at` past them.
  Read hex4(std::size_t& at, std::uint32_t& cp) const {
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      unsigned char c = 0;
      std::size_t after = 0;
      if (Read r = source(at, c, after); r != Read::Ok) return r;
      const int v = hex_value(static_cast<char>(c));
      if (v < 0) return Read::Invalid;
      cp = cp * 16 + static_cast<std::uint32_t>(v);
      at = after;
    }
    return Read::Ok;
  }

  // Reads `want` as the next escape character.
  Read expect(std::size_t& at, unsigned char want) const {
    unsigned char c = 0;
    std::size_t after = 0;
    if (Read r = source(at, c, after); r != Read::Ok) return r;
    if (c != want) return Read::Invalid;
    at = after;
    return Read::Ok;
  }

  // text[pos] is '\\' or '%'.
  Read decode(unsigned char& out) {
    if (text[pos] == '%') {
      unsigned char c = 0;
      std::size_t after = 0;
      if (Read r = percent(pos, c, after); r != Read::Ok) return r;
      if (mode == Mode::Mixed || c != '\\') {
        pos = after;
        out = c;
        return Read::Ok;
      }
      return escape(after, out);  // Layered: "%5C" starts a JSON escape
    }
    return escape(pos + 1, out);
  }

  // A JSON escape whose backslash ends at `at`.
  Read escape(std::size_t at, unsigned char& out) {
    unsigned char e = 0;
    std::size_t after = 0;
    if (Read r = source(at, e, after); r != Read::Ok) return r;
    if (const char simple = utf8::simple_escape(e)) {
      pos = after;
      out = static_cast<unsigned char>(simple);
      return Read::Ok;
    }
    if (e != 'u') return Read::Invalid;
    at = after;
    std::uint32_t cp = 0;
    if (Read r = hex4(at, cp); r != Read::Ok) return r;
    if (utf8::is_low_surrogate(cp)) return Read::Invalid;  // a lone low surrogate
    if (utf8::is_high_surrogate(cp)) {
      if (Read r = expect(at, '\\'); r != Read::Ok) return r;
      if (Read r = expect(at, 'u'); r != Read::Ok) return r;
      std::uint32_t low = 0;
      if (Read r = hex4(at, low); r != Read::Ok) return r;
      if (!utf8::is_low_surrogate(low)) return Read::Invalid;
      cp = utf8::from_surrogates(cp, low);
    }
    pending_count = utf8::encode_code_point(cp, pending);
    pending_next = 0;
    pos = at;
    out = pending[pending_next++];
    return Read::Ok;
  }
};

// Characters keys are made of; a gap between the echoed prefix and the mask uses only these.
inline constexpr std::array<bool, 256> kKeyChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = is_alnum(static_cast<char>(c)) || c == '-' || c == '_';
  return t;
}();
inline bool is_key_char(unsigned char c) { return kKeyChars[c]; }

}  // namespace pg::redact_detail
