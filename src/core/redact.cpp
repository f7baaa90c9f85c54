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
#include "core/redact.h"

#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>

namespace pg {

namespace {

constexpr std::size_t kNeedMore = std::numeric_limits<std::size_t>::max();
// The most text one decoded byte can take: "\u00XX" with each of its 6 characters
// percent-encoded. A unit (what one read consumes) is at most a surrogate pair written
// that way, 36 bytes.
constexpr std::size_t kMaxTextPerByte = 18;
constexpr std::size_t kLongestUnit = 36;

// Escape characters a read met in the text: decoding only differs from the raw bytes from
// one of them on, so the decoding modes run only when a raw read saw one.
constexpr unsigned kSawBackslash = 1;
constexpr unsigned kSawPercent = 2;

void note_escapes(std::string_view span, unsigned& seen) {
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
    char simple = 0;
    switch (e) {
      case '"': simple = '"'; break;
      case '\\': simple = '\\'; break;
      case '/': simple = '/'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'u': break;
      default: return Read::Invalid;
    }
    if (simple) {
      pos = after;
      out = static_cast<unsigned char>(simple);
      return Read::Ok;
    }
    at = after;
    std::uint32_t cp = 0;
    if (Read r = hex4(at, cp); r != Read::Ok) return r;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Read::Invalid;  // a lone low surrogate
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (Read r = expect(at, '\\'); r != Read::Ok) return r;
      if (Read r = expect(at, 'u'); r != Read::Ok) return r;
      std::uint32_t low = 0;
      if (Read r = hex4(at, low); r != Read::Ok) return r;
      if (low < 0xDC00 || low > 0xDFFF) return Read::Invalid;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    encode_utf8(cp);
    pos = at;
    out = pending[pending_next++];
    return Read::Ok;
  }

  void encode_utf8(std::uint32_t cp) {
    pending_next = 0;
    if (cp < 0x80) {
      pending[0] = static_cast<unsigned char>(cp);
      pending_count = 1;
    } else if (cp < 0x800) {
      pending[0] = static_cast<unsigned char>(0xC0 | (cp >> 6));
      pending[1] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
      pending_count = 2;
    } else if (cp < 0x10000) {
      pending[0] = static_cast<unsigned char>(0xE0 | (cp >> 12));
      pending[1] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
      pending[2] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
      pending_count = 3;
    } else {
      pending[0] = static_cast<unsigned char>(0xF0 | (cp >> 18));
      pending[1] = static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F));
      pending[2] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
      pending[3] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
      pending_count = 4;
    }
  }
};

// Characters keys are made of; a gap between the echoed prefix and the mask uses only these.
constexpr std::array<bool, 256> kKeyChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = is_alnum(static_cast<char>(c)) || c == '-' || c == '_';
  return t;
}();
bool is_key_char(unsigned char c) { return kKeyChars[c]; }

}  // namespace

namespace detail {

// One text to find: a secret, or a base64 run of one. Its bytes are Matcher::bytes[at, at + size).
struct Pattern {
  std::uint32_t at = 0;
  std::uint32_t size = 0;
  bool echoes = false;    // a secret long enough for masked echoes
  bool key_only = false;  // made of key characters only, so a Shape can rule it out
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

namespace {

using detail::Matcher;
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
std::size_t match_pattern(std::string_view text, std::size_t p, bool at_end, std::string_view s,
                          const Pattern& pat, Mode mode, unsigned* seen) {
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
    switch (text[p + 1]) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '%': return kNotPlain;
      case 'u': break;
      default: return kNoPattern;
    }
    if (p + 5 >= n) return kNotPlain;
    unsigned cp = 0;
    for (std::size_t i = p + 2; i < p + 6; ++i) {
      if (text[i] == '%') return kNotPlain;
      const int v = hex_value(text[i]);
      if (v < 0) return kNoPattern;
      cp = cp * 16 + static_cast<unsigned>(v);
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return kNotPlain;
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

// The secrets, without empty ones and duplicates.
std::vector<std::string_view> normalize(const std::vector<std::string>& secrets) {
  std::vector<std::string_view> list;
  list.reserve(secrets.size());
  for (const std::string& s : secrets)
    if (!s.empty()) list.emplace_back(s);
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}

// The base64 characters a secret's bytes alone determine, at each alignment (the secret
// starting 0, 1 or 2 bytes into a 3-byte group of the encoded data), in both alphabets.
// Each base64 character is 6 bits of the data; the runs keep those whose 6 bits all come
// from the secret. What the runs leave out is at most one character at each end, which
// mixes 2 or 4 bits of the secret's first (or last) byte with bits of the data around
// it (or with zero bits before padding): at most 8 bits of the secret in all, never a
// whole byte from either end, so what stays beside a redaction cannot rebuild the key.
// Padding only follows the last character, which is never in a run.
// `data` and `encoded` are scratch space, kept from one secret to the next.
void add_base64_runs(std::string_view s, Matcher& m, std::string& data, std::string& encoded) {
  static constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // The secret after 2 zero bytes and before 2 more: zero stands for the unknown data
  // around it, and starting 2 - align bytes in puts the secret `align` bytes into a group.
  data.assign(s.size() + 4, '\0');
  std::memcpy(&data[2], s.data(), s.size());
  for (std::size_t align = 0; align < 3; ++align) {
    const unsigned char* in = reinterpret_cast<const unsigned char*>(data.data()) + (2 - align);
    const std::size_t first = (8 * align + 5) / 6;       // the first character with no earlier bits
    const std::size_t end = 8 * (align + s.size()) / 6;  // past the last one with no later bits
    encoded.resize((end + 3) / 4 * 4);
    for (std::size_t g = 0; 4 * g < end; ++g) {
      const unsigned v = (unsigned{in[3 * g]} << 16) | (unsigned{in[3 * g + 1]} << 8) | unsigned{in[3 * g + 2]};
      encoded[4 * g] = kStandard[v >> 18];
      encoded[4 * g + 1] = kStandard[(v >> 12) & 63];
      encoded[4 * g + 2] = kStandard[(v >> 6) & 63];
      encoded[4 * g + 3] = kStandard[v & 63];
    }
    const std::string_view run = std::string_view(encoded).substr(first, end - first);
    Pattern pat;
    pat.at = static_cast<std::uint32_t>(m.bytes.size());
    pat.size = static_cast<std::uint32_t>(run.size());
    m.bytes.append(run);
    const bool plus_or_slash = std::memchr(run.data(), '+', run.size()) || std::memchr(run.data(), '/', run.size());
    pat.key_only = !plus_or_slash;  // the other base64 characters are letters and digits
    m.patterns.push_back(pat);
    if (plus_or_slash) {  // the URL-safe alphabet differs only there, with '-' and '_'
      pat.at = static_cast<std::uint32_t>(m.bytes.size());
      pat.key_only = true;
      for (char c : run) m.bytes += c == '+' ? '-' : c == '/' ? '_' : c;
      m.patterns.push_back(pat);
    }
  }
}

// The most text a match of `pat` can read from its start: its decoded bytes at their
// widest, plus a unit of lookahead or half-read escape per step of the match.
std::size_t span_bound(const Pattern& pat) {
  std::size_t bytes = pat.size;
  if (pat.echoes) bytes += kMaxEchoGapBytes + 1 + kMaxMaskRunBytes + 3 + pat.tail[kMaxEchoTail];
  return bytes * kMaxTextPerByte + 8 * kLongestUnit;
}

std::shared_ptr<const Matcher> compile(const std::vector<std::string>& secrets) {
  const std::vector<std::string_view> list = normalize(secrets);
  if (list.empty()) return nullptr;
  auto m = std::make_shared<Matcher>();
  std::size_t total = 0;
  for (std::string_view s : list) total += 9 * s.size() + 12;  // the secret and up to 6 runs of ~4/3 its size
  m->bytes.reserve(total);
  m->patterns.reserve(7 * list.size());
  std::string data, encoded;
  for (std::string_view s : list) {
    Pattern pat;
    pat.at = static_cast<std::uint32_t>(m->bytes.size());
    pat.size = static_cast<std::uint32_t>(s.size());
    m->bytes.append(s);
    pat.key_only = std::all_of(s.begin(), s.end(), [](char c) { return is_key_char(static_cast<unsigned char>(c)); });
    // From the end: where each tail starts, and whether there are characters enough. A
    // character is a UTF-8 sequence, at most 4 bytes: in a secret that is not valid UTF-8,
    // a longer run of continuation bytes counts as one character per 4 bytes, so a tail
    // of 8 characters is never over 32 bytes.
    std::size_t chars = 0, continuation = 0;
    for (std::size_t i = s.size(); i > 0 && chars < kMinBase64SecretChars;) {
      if ((static_cast<unsigned char>(s[--i]) & 0xC0) == 0x80 && ++continuation < 4) continue;
      continuation = 0;
      ++chars;
      if (chars >= kMinEchoTail && chars <= kMaxEchoTail) pat.tail[chars] = static_cast<std::uint8_t>(s.size() - i);
    }
    pat.echoes = chars >= kMinMaskedSecretChars;
    m->patterns.push_back(pat);
    if (chars >= kMinBase64SecretChars) add_base64_runs(s, *m, data, encoded);
  }
  // One pattern per text (a secret can equal another's base64 run); the secret's echoes win.
  // Sorted on the first 8 bytes as a number first: most comparisons end there.
  const Matcher& mm = *m;
  for (Pattern& pat : m->patterns) {
    const std::string_view text = mm.text(pat);
    for (std::size_t i = 0; i < 8; ++i)
      pat.head = (pat.head << 8) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
  }
  std::sort(m->patterns.begin(), m->patterns.end(), [&](const Pattern& a, const Pattern& b) {
    if (a.head != b.head) return a.head < b.head;
    const std::string_view ta = mm.text(a), tb = mm.text(b);
    return ta != tb ? ta < tb : a.echoes > b.echoes;
  });
  m->patterns.erase(std::unique(m->patterns.begin(), m->patterns.end(),
                                [&](const Pattern& a, const Pattern& b) { return mm.text(a) == mm.text(b); }),
                    m->patterns.end());

  std::size_t next = 0;  // by_first entries filled so far
  for (std::size_t i = 0; i < m->patterns.size(); ++i) {
    Pattern& pat = m->patterns[i];
    const std::string_view text = mm.text(pat);
    const unsigned char first = static_cast<unsigned char>(text[0]);
    while (next <= first) m->by_first[next++] = static_cast<std::uint32_t>(i);
    m->starts[first] = 1;
    if (text.size() == 1) {
      for (unsigned b = 0; b < 256; ++b) m->add_pair(first, static_cast<unsigned char>(b));
    } else {
      m->add_pair(first, static_cast<unsigned char>(text[1]));
    }
    if (pat.key_only) m->longest_key_only = std::max<std::size_t>(m->longest_key_only, pat.size);
    m->window = std::max(m->window, span_bound(pat));
  }
  while (next < m->by_first.size()) m->by_first[next++] = static_cast<std::uint32_t>(m->patterns.size());
  // Any byte may arrive escaped.
  m->starts['\\'] = 1;
  m->starts['%'] = 1;
  return m;
}

// Matchers of the last few secret lists. The relay builds a redactor for every call, nearly
// always for one of a few lists (every key, or the keys sent to one host), and working a
// list's forms out again (base64 runs, sorting) costs more than redacting a short answer.
// A matcher is immutable, so one can serve any number of redactors. The cache keeps the
// secrets of its lists after their redactors are gone, in the process that configured them
// and holds them anyway. Big lists are not kept: they are rare, and each would hold a lot
// of memory.
constexpr std::size_t kCachedLists = 16;
constexpr std::size_t kMaxCachedListBytes = 32 * 1024;

struct CachedMatcher {
  // The list as the caller gave it: the secrets one after another, and their sizes.
  std::string joined;
  std::vector<std::size_t> sizes;
  std::shared_ptr<const Matcher> matcher;

  bool is(const std::vector<std::string>& secrets) const {
    if (!matcher || sizes.size() != secrets.size()) return false;
    std::size_t at = 0;
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      if (sizes[i] != secrets[i].size() || joined.compare(at, sizes[i], secrets[i]) != 0) return false;
      at += sizes[i];
    }
    return true;
  }
};

std::mutex g_cache_mutex;
std::array<CachedMatcher, kCachedLists> g_cache;
std::size_t g_cache_next = 0;  // the entry to replace next (oldest first)

std::shared_ptr<const Matcher> matcher_for(const std::vector<std::string>& secrets) {
  std::size_t bytes = 0;
  for (const std::string& s : secrets) bytes += s.size() + 1;
  const bool cacheable = bytes <= kMaxCachedListBytes;
  if (cacheable) {
    const std::lock_guard<std::mutex> lock(g_cache_mutex);
    for (const CachedMatcher& entry : g_cache)
      if (entry.is(secrets)) return entry.matcher;
  }
  std::shared_ptr<const Matcher> m = compile(secrets);
  if (m && cacheable) {
    CachedMatcher entry;
    entry.joined.reserve(bytes);
    for (const std::string& s : secrets) {
      entry.joined += s;
      entry.sizes.push_back(s.size());
    }
    entry.matcher = m;
    const std::lock_guard<std::mutex> lock(g_cache_mutex);
    g_cache[g_cache_next] = std::move(entry);
    g_cache_next = (g_cache_next + 1) % kCachedLists;
  }
  return m;
}

// Decides positions of `buf` from the left, appending the redacted output. `covered` is
// how far (from buf's start) the current kRedacted reaches: bytes before it are dropped,
// a match starting before it extends it. Returns the first undecided position.
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

// Consecutive raw bytes of a secret that contains_secret_fragment() looks for.
std::size_t fragment_length(std::size_t secret_bytes) {
  return std::max<std::size_t>(6, std::min<std::size_t>(8, (secret_bytes + 1) / 2));
}

// n <= 8 bytes as one number: equal numbers, equal bytes (for a fixed n).
std::uint64_t pack(const char* bytes, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  const std::shared_ptr<const Matcher> m = matcher_for(secrets);
  if (!m) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t covered = 0;
  scan(*m, text, /*at_end=*/true, covered, out);
  return out;
}

bool contains_secret_fragment(std::string_view text, const std::vector<std::string>& secrets) {
  // Per fragment length (6, 7 or 8): every window of the text, sorted, then each of the
  // secrets' windows looked up. Header values are short, so the text's side is the small one.
  for (std::size_t len = 6; len <= 8; ++len) {
    if (text.size() < len) break;
    std::vector<std::uint64_t> windows;
    for (const std::string& s : secrets) {
      if (s.size() < kMinFragmentSecretBytes || fragment_length(s.size()) != len) continue;
      if (windows.empty()) {
        windows.reserve(text.size() - len + 1);
        for (std::size_t i = 0; i + len <= text.size(); ++i) windows.push_back(pack(text.data() + i, len));
        std::sort(windows.begin(), windows.end());
      }
      for (std::size_t i = 0; i + len <= s.size(); ++i)
        if (std::binary_search(windows.begin(), windows.end(), pack(s.data() + i, len))) return true;
    }
  }
  return false;
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
