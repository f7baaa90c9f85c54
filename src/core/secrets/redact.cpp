// Secret redaction, whole-text and streaming, over one matcher.
//
// What is matched, at every position of the text, for every secret:
//  - the secret itself;
//  - the secret with any of its bytes escaped, in any mix with raw bytes. Two escapes:
//     * JSON (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs, either hex case). We decode
//       instead of listing escaped variants because encoders differ (Python escapes all
//       non-ASCII, Go escapes < > &, some escape "/"). Letters and digits are accepted as
//       \u escapes too: no encoder writes "\u0073k-", but anyone who wants a key past the
//       relay does, and a JSON parser downstream turns it back into the key;
//     * URL percent-encoding, %XX in either hex case, for any byte ("%2F", "%73%6B").
//       A '+' stays a '+', not a space: keys hold no spaces, so reading '+' as one could
//       only lose a match (a key's own '+' written raw in a query string), never make one.
//       A '%' without two hex digits after it is an ordinary character.
//    Mode::Mixed reads every escape straight from the text, so "%5C" is a backslash byte
//    (a percent-encoded key that holds one). Mode::Layered percent-decodes first and reads
//    JSON escapes in the result, the shape of JSON put in a URL (PHP writes "/" as "\/",
//    a query string then carries "%5C%2F"). Nothing deeper is decoded: a JSON-escaped '%'
//    ("\u0025") is a plain '%'. Each layer multiplies how far a match can reach (the
//    window), and no encoder nests escapes three deep;
//  - base64 of the secret (secrets of 12+ characters), standard or URL-safe alphabet, at
//    each of the 3 byte alignments, padded or not ("Basic base64(user:key)"): the run of
//    base64 characters that the secret's bytes alone determine (see add_base64_runs);
//  - a masked echo (secrets of 8+ characters): a prefix of the secret (>= 3 bytes), a run
//    of '*', '.' or '…' worth >= 3 ('*' and '.' count 1, '…' counts 3), then the secret's
//    last 3 to 8 characters: "sk-PMafP****E873", "sk-proj-…WxYz", "sk-...1JMA",
//    "sk-proj-****Q7XYZ7". The longest tail that fits is taken. The run is recognised up
//    to kMaxMaskRunBytes (256) bytes: OpenAI prints about len(key) - 12 stars, ~40 for
//    legacy keys and ~150 for 164-character sk-proj keys.
//    Some maskers keep a few characters that are not the key's own prefix ("sk-Ab***WxYz"
//    for "sk-proj-AbCd…WxYz": the type tag shortened), so up to kMaxEchoGapBytes (16) key
//    characters may sit between the matched prefix and the run. With the key's first
//    3 bytes, a mask run and its exact last 3+ characters required, that still only fits
//    an echo (another key with the same tag shows our last 3 characters once in ~240,000).
//    A bare "****WxYz" (no prefix) is left alone on purpose: a few characters of a long
//    key do not reveal it, and matching every "*" run followed by a few characters would
//    redact innocent text (tables, markdown, other keys' echoes).
//    Escapes are decoded in echoes too, and the gap and run are counted in decoded bytes.
//
// Overlapping matches merge into one kRedacted; touching ones do not. The result is
// decided position by position from left to right, and each position's longest match
// depends only on the text from that position on. That is what makes the stream version
// exact: a position whose match could still grow with more input ("need more") stops the
// scan, everything before it is final, and only the tail from it is held back. A match
// reads at most window() bytes, so the tail is bounded whatever the stream.
#include "core/secrets/redact.h"

#include "core/base/text.h"
#include "core/base/utf8.h"
#include "core/secrets/detail/matcher.h"
#include "core/secrets/detail/reader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

namespace pg {

namespace {

using namespace redact_detail;
using detail::Matcher;
using detail::matcher_for;
using detail::Pattern;

// Reads one mask unit ('*', '.', or '…') and returns its weight, which is also its length
// in bytes: 0 when the next unit is not a mask character; `need_more` when that depends on
// input not seen yet.
int read_mask_unit(Reader& r, bool& need_more) {
  unsigned char c = 0;
  Read st = r.next(c);
  if (st == Read::NeedMore) need_more = true;
  if (st != Read::Ok) return 0;
  if (c == '*' || c == '.') return 1;
  if (c != 0xE2) return 0;
  unsigned char c2 = 0, c3 = 0;
  st = r.next(c2);
  if (st == Read::NeedMore) need_more = true;
  if (st != Read::Ok || c2 != 0x80) return 0;
  st = r.next(c3);
  if (st == Read::NeedMore) need_more = true;
  if (st != Read::Ok || c3 != 0xA6) return 0;
  return 3;
}

// Whether some echo tail (the last t characters, kMinEchoTail <= t <= kMaxEchoTail) longer
// than n bytes still starts with got[0, n).
bool tail_alive(std::string_view s, const Pattern& pat, const unsigned char* got, std::size_t n) {
  for (std::size_t t = kMinEchoTail; t <= kMaxEchoTail; ++t) {
    const std::size_t len = pat.tail[t];
    if (len > n && std::memcmp(got, s.data() + s.size() - len, n) == 0) return true;
  }
  return false;
}

// The rest of a masked echo of `s`, `r` just after the echoed prefix: a short gap, the mask
// run, then the longest tail that follows. The end of the echo, 0, or kNeedMore.
std::size_t match_echo(Reader r, std::string_view s, const Pattern& pat) {
  std::size_t gap = 0;
  for (;;) {
    Reader save = r;
    unsigned char c = 0;
    const Read st = r.next(c);
    if (st == Read::NeedMore) return kNeedMore;
    if (st != Read::Ok || !is_key_char(c)) {
      r = save;
      break;
    }
    if (++gap > kMaxEchoGapBytes) return 0;
  }
  std::size_t run = 0;
  for (;;) {
    Reader save = r;
    bool need_more = false;
    const int w = read_mask_unit(r, need_more);
    if (need_more) return kNeedMore;
    if (w == 0) {
      r = save;
      break;
    }
    run += static_cast<std::size_t>(w);
    if (run > kMaxMaskRunBytes) return 0;
  }
  if (run < 3) return 0;

  constexpr std::size_t kMaxTailBytes = 4 * kMaxEchoTail;
  unsigned char got[kMaxTailBytes];
  std::size_t end_at[kMaxTailBytes + 1] = {};
  bool whole[kMaxTailBytes + 1] = {};  // no escape's bytes left half read
  std::size_t n = 0;
  while (tail_alive(s, pat, got, n)) {
    unsigned char c = 0;
    const Read st = r.next(c);
    if (st == Read::NeedMore) return kNeedMore;
    if (st != Read::Ok) break;
    got[n++] = c;
    end_at[n] = r.pos;
    whole[n] = !r.mid_escape();
  }
  for (std::size_t t = kMaxEchoTail; t >= kMinEchoTail; --t) {
    const std::size_t len = pat.tail[t];
    if (len <= n && whole[len] && std::memcmp(got, s.data() + s.size() - len, len) == 0) return end_at[len];
  }
  return 0;
}

// End of the longest match of pattern `s` starting at p in this mode: 0 for none,
// kNeedMore when the answer depends on input not seen yet. `seen` collects the escape
// characters the reading met.
std::size_t match_pattern(std::string_view text, std::size_t p, bool at_end, std::string_view s, const Pattern& pat,
                          Mode mode, unsigned* seen) {
  Reader r{text, at_end, mode, p};
  r.seen = seen;
  std::size_t k = 0;  // bytes of the pattern matched
  if (mode == Mode::Raw) {
    // Raw bytes: a plain comparison; the reader is only needed for the echo checks.
    const std::size_t avail = text.size() - p;
    const std::size_t limit = std::min(avail, s.size());
    while (k < limit && text[p + k] == s[k]) ++k;
    if (seen) note_escapes(text.substr(p, std::min(avail, k + 1)), *seen);
    if (k == s.size()) return p + k;
    if (k == avail && !at_end) return kNeedMore;
    if (k < kMinEchoedPrefix || !pat.echoes) return 0;
    if (k < avail) {
      // The byte after the prefix can neither continue a gap nor start a mask run: no echo
      // here (an escape there was noted above, for the decoding modes). Settles most
      // prefix-only hits without a reader.
      const unsigned char c = static_cast<unsigned char>(text[p + k]);
      if (!is_key_char(c) && c != '*' && c != '.' && c != 0xE2) return 0;
    }
    r.pos = p + k;
  } else {
    Reader before_mismatch = r;
    while (k < s.size()) {
      before_mismatch = r;
      unsigned char c = 0;
      const Read st = r.next(c);
      if (st == Read::NeedMore) return kNeedMore;
      if (st != Read::Ok || c != static_cast<unsigned char>(s[k])) break;
      ++k;
    }
    if (k == s.size()) return r.mid_escape() ? 0 : r.pos;
    r = before_mismatch;
  }
  if (k < kMinEchoedPrefix || !pat.echoes || r.mid_escape()) return 0;
  return match_echo(r, s, pat);
}

// How the text reads from a position in one mode, as far as key-only patterns care: the
// key characters it starts with, and whether a mask unit follows them. A key-only pattern
// longer than those key characters can only match as an echo, whose prefix and gap are
// those characters and whose run starts right after them. So one reading rules out every
// same-prefix key ("sk-…") at a position that is not one of theirs, instead of each key
// reading the text again. The reading covers all a ruled-out match would have read, so its
// `seen` also says whether the next decoding mode is needed.
struct Shape {
  bool computed = false;
  bool known = false;      // false: the text ran out first; decide by matching
  std::size_t keys = 0;    // key characters the reading starts with
  bool mask_next = false;  // a mask unit right after them
  unsigned seen = 0;       // escape characters met
};

bool ruled_out(const Pattern& pat, const Shape& shape) {
  if (!pat.key_only || !shape.known || shape.keys >= pat.size) return false;
  return !(pat.echoes && shape.mask_next && shape.keys >= kMinEchoedPrefix);
}

constexpr int kNoPattern = -2;  // plain_escape(): the escape stands for nothing a pattern can start with
constexpr int kNotPlain = -1;   // plain_escape(): ask the readers

// One position and what its candidates share.
struct Site {
  const Matcher& m;
  std::string_view text;
  std::size_t p;
  bool at_end;
  std::array<Shape, 3> shapes{};

  const Shape& shape(Mode mode) {
    Shape& sh = shapes[static_cast<int>(mode)];
    if (sh.computed) return sh;
    sh.computed = true;
    Reader r{text, at_end, mode, p};
    r.seen = &sh.seen;
    // Past this many, every key-only pattern may be there whole: nothing to rule out.
    const std::size_t enough = m.longest_key_only + kMaxEchoGapBytes;
    for (;;) {
      Reader save = r;
      unsigned char c = 0;
      const Read st = r.next(c);
      if (st == Read::NeedMore) return sh;
      if (st != Read::Ok || !is_key_char(c)) {
        r = save;
        break;
      }
      if (++sh.keys > enough) {
        sh.known = true;
        return sh;
      }
    }
    bool need_more = false;
    sh.mask_next = read_mask_unit(r, need_more) > 0;
    sh.known = !need_more;
    return sh;
  }

  // Most escapes (a CJK answer from a Python server is one every 6 bytes) stand for a
  // byte no pattern starts with. This settles them without a reader: the first byte that
  // the escape at p stands for, the same in Mixed and Layered mode; kNoPattern when it is
  // not a valid escape in either; kNotPlain for anything else (no escape at p, text too
  // short, a surrogate, a '%' that Layered would read differently).
  int plain_escape() const {
    const std::size_t n = text.size();
    if (text[p] == '%') {
      if (p + 2 >= n) return kNotPlain;
      const int hi = hex_value(text[p + 1]), lo = hex_value(text[p + 2]);
      if (hi < 0 || lo < 0) return kNotPlain;  // a plain '%', as in Raw: the readers decide
      const int v = hi * 16 + lo;
      return v == '\\' ? kNotPlain : v;
    }
    if (text[p] != '\\' || p + 1 >= n) return kNotPlain;
    const unsigned escape = static_cast<unsigned char>(text[p + 1]);
    if (escape == '%') return kNotPlain;
    if (escape != 'u') {
      const char byte = utf8::simple_escape(escape);
      return byte ? static_cast<unsigned char>(byte) : kNoPattern;
    }
    if (p + 5 >= n) return kNotPlain;
    unsigned cp = 0;
    for (std::size_t i = p + 2; i < p + 6; ++i) {
      if (text[i] == '%') return kNotPlain;
      const int v = hex_value(text[i]);
      if (v < 0) return kNoPattern;
      cp = cp * 16 + static_cast<unsigned>(v);
    }
    if (utf8::is_surrogate(cp)) return kNotPlain;
    if (cp < 0x80) return static_cast<int>(cp);
    return static_cast<int>(cp < 0x800 ? 0xC0 | (cp >> 6) : 0xE0 | (cp >> 12));
  }

  // The longest match of one pattern here, reading the text in `mode` and then in the
  // decoding modes that reading calls for (they read what it read up to an escape).
  std::size_t match_from(const Pattern& pat, Mode mode) {
    std::size_t best = 0;
    for (;;) {
      unsigned seen = 0;
      const Shape* sh = pat.key_only ? &shape(mode) : nullptr;
      if (sh && ruled_out(pat, *sh)) {
        seen = sh->seen;
      } else {
        const std::size_t end = match_pattern(text, p, at_end, m.text(pat), pat, mode, &seen);
        if (end == kNeedMore) return kNeedMore;
        best = std::max(best, end);
      }
      if (mode == Mode::Raw && seen != 0) {
        mode = Mode::Mixed;
      } else if (mode == Mode::Mixed && (seen & kSawPercent)) {
        mode = Mode::Layered;  // without a '%', Layered reads what Mixed read
      } else {
        return best;
      }
    }
  }

  // Narrows [lo, hi), patterns sharing their first `depth` bytes, to those whose next byte
  // is c. Patterns exactly `depth` bytes long sort first; they are handed to `whole`.
  template <typename Whole>
  bool narrow(std::uint32_t& lo, std::uint32_t& hi, std::size_t depth, unsigned char c, Whole&& whole) {
    while (lo < hi && m.patterns[lo].size == depth)
      if (!whole(lo++)) return false;
    const auto byte_at = [&](std::uint32_t i) { return static_cast<unsigned char>(m.bytes[m.patterns[i].at + depth]); };
    while (lo < hi && byte_at(lo) < c) ++lo;
    std::uint32_t e = lo;
    while (e < hi && byte_at(e) == c) ++e;
    hi = e;
    return true;
  }

  // Tries the patterns whose first bytes (up to kMinEchoedPrefix, all an echo needs) are
  // the first bytes the text reads as in `mode`. Adds their longest match to `best`; false
  // when that needs input not seen yet. `seen` collects the escape characters those
  // first bytes held.
  bool try_candidates(Mode mode, unsigned& seen, std::size_t& best) {
    auto visit = [&](std::uint32_t i) {
      const std::size_t end = match_from(m.patterns[i], mode);
      if (end == kNeedMore) return false;
      best = std::max(best, end);
      return true;
    };
    std::uint32_t lo = 0, hi = 0;
    if (mode == Mode::Raw) {
      // The hot path: direct reads, no reader.
      const unsigned char b = static_cast<unsigned char>(text[p]);
      lo = m.by_first[b];
      hi = m.by_first[b + 1u];
      note_escapes(text.substr(p, 1), seen);
      for (std::size_t depth = 1; lo < hi && depth < kMinEchoedPrefix; ++depth) {
        if (p + depth >= text.size()) {
          while (lo < hi && m.patterns[lo].size == depth)
            if (!visit(lo++)) return false;
          return lo == hi || at_end;  // longer patterns: undecided until more text comes
        }
        const unsigned char c = static_cast<unsigned char>(text[p + depth]);
        note_escapes(text.substr(p + depth, 1), seen);
        if (!narrow(lo, hi, depth, c, visit)) return false;
      }
    } else {
      Reader r{text, at_end, mode, p};
      r.seen = &seen;
      unsigned char c = 0;
      Read st = r.next(c);
      if (st == Read::NeedMore) return false;
      if (st != Read::Ok) return true;
      lo = m.by_first[c];
      hi = m.by_first[c + 1u];
      for (std::size_t depth = 1; lo < hi && depth < kMinEchoedPrefix; ++depth) {
        st = r.next(c);
        if (st == Read::NeedMore) {
          while (lo < hi && m.patterns[lo].size == depth)
            if (!visit(lo++)) return false;
          return lo == hi;
        }
        if (st != Read::Ok) {  // the text, or a valid escape, ends: nothing longer fits
          while (lo < hi && m.patterns[lo].size == depth)
            if (!visit(lo++)) return false;
          return true;
        }
        if (!narrow(lo, hi, depth, c, visit)) return false;
      }
    }
    for (; lo < hi; ++lo)
      if (!visit(lo)) return false;
    return true;
  }

  // The end of the longest match of any pattern here (0: none; kNeedMore: undecided yet).
  std::size_t longest_match() {
    std::size_t best = 0;
    unsigned seen = 0;
    if (!try_candidates(Mode::Raw, seen, best)) return kNeedMore;
    // An escape among the first bytes: what it stands for may start other patterns.
    if (seen == 0) return best;
    if (const int d = plain_escape(); d == kNoPattern || (d >= 0 && m.by_first[d] == m.by_first[d + 1])) return best;
    unsigned seen_mixed = 0;
    if (!try_candidates(Mode::Mixed, seen_mixed, best)) return kNeedMore;
    if (seen_mixed & kSawPercent) {
      unsigned seen_layered = 0;
      if (!try_candidates(Mode::Layered, seen_layered, best)) return kNeedMore;
    }
    return best;
  }
};

std::size_t scan(const Matcher& m, std::string_view buf, bool at_end, std::size_t& covered, std::string& out) {
  const std::size_t n = buf.size();
  const auto starts_at = [&](std::size_t i) -> unsigned { return m.starts[static_cast<unsigned char>(buf[i])]; };
  const auto is_escape = [](unsigned char c) { return c == '\\' || c == '%'; };
  // Whether a match may start at i: its first two bytes begin some pattern, or either is
  // an escape character (or the text ends after the first).
  const auto candidate = [&](std::size_t i) {
    const unsigned char a = static_cast<unsigned char>(buf[i]);
    if (!m.starts[a]) return false;
    if (is_escape(a) || i + 1 >= n) return true;
    const unsigned char b = static_cast<unsigned char>(buf[i + 1]);
    return is_escape(b) || m.pair(a, b);
  };
  std::size_t p = 0;
  while (p < n) {
    std::size_t q = p;
    for (;;) {
      // Four bytes a step: one branch for the common run of bytes no match starts at.
      while (q + 4 <= n && !(starts_at(q) | starts_at(q + 1) | starts_at(q + 2) | starts_at(q + 3))) q += 4;
      if (q >= n || candidate(q)) break;
      ++q;
    }
    if (q > p) {
      const std::size_t from = std::max(p, covered);
      if (q > from) out.append(buf.data() + from, q - from);
      p = q;
      continue;
    }
    const std::size_t end = Site{m, buf, p, at_end}.longest_match();
    if (end == kNeedMore) break;
    if (end > 0) {
      if (p >= covered) out.append(kRedacted.data(), kRedacted.size());
      covered = std::max(covered, end);
    } else if (p >= covered) {
      out.push_back(buf[p]);
    }
    ++p;
  }
  return p;
}

}  // namespace

#ifdef PG_REDACT_WHOLE_TEXT
// The page's build of the module (cmake/wasm.cmake): a browser never holds a provider key, so
// the page passes no secrets and the matcher (16 KB of the page's download) is left out. A
// caller that passes some anyway gets every text they could be in withheld whole: more than
// needed, never less. The relay's build, which holds the keys, matches them as above.
TextRedactor::TextRedactor(const std::vector<std::string>& secrets)
    : any_(std::any_of(secrets.begin(), secrets.end(), [](const std::string& s) { return !s.empty(); })) {}

std::string TextRedactor::operator()(std::string_view text) const {
  return any_ && !text.empty() ? std::string(kRedacted) : std::string(text);
}
#else
TextRedactor::TextRedactor(const std::vector<std::string>& secrets)
    : matcher_(matcher_for(secrets)), any_(matcher_ != nullptr) {}

std::string TextRedactor::operator()(std::string_view text) const {
  if (!any_) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t covered = 0;
  scan(*matcher_, text, /*at_end=*/true, covered, out);
  return out;
}
#endif

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  return TextRedactor(secrets)(text);
}

StreamRedactor::StreamRedactor(std::vector<std::string> secrets) : matcher_(matcher_for(secrets)) {}

std::size_t StreamRedactor::window() const { return matcher_ ? matcher_->window : 0; }

std::string StreamRedactor::push(std::string_view bytes) {
  std::string out;
  if (!matcher_) return std::string(bytes);
  if (pending_.empty()) {
    // Scan the chunk in place and keep only its undecided tail: no copy of big chunks.
    out.reserve(bytes.size());
    const std::size_t done = scan(*matcher_, bytes, /*at_end=*/false, covered_, out);
    pending_.assign(bytes.substr(done));
    covered_ = covered_ > done ? covered_ - done : 0;
    return out;
  }
  pending_.append(bytes.data(), bytes.size());
  out.reserve(pending_.size());
  const std::size_t done = scan(*matcher_, pending_, /*at_end=*/false, covered_, out);
  pending_.erase(0, done);
  covered_ = covered_ > done ? covered_ - done : 0;
  return out;
}

std::string StreamRedactor::finish() {
  std::string out;
  if (matcher_ && !pending_.empty()) scan(*matcher_, pending_, /*at_end=*/true, covered_, out);
  pending_.clear();
  covered_ = 0;
  return out;
}

}  // namespace pg
