// Secret redaction, whole-text and streaming, over one matcher.
//
// What is matched, at every position of the text, for every secret:
//  - the secret itself;
//  - the secret as it appears inside a JSON string: any mix of raw bytes and JSON escapes
//    (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs, either hex case). We decode instead
//    of listing escaped variants because encoders differ (Python escapes all non-ASCII,
//    Go escapes < > &, some escape "/"). An escape that decodes to an ASCII letter or digit
//    is not accepted: no encoder writes one, and refusing it keeps the match span small;
//  - a masked echo (secrets of 8+ characters): a prefix of the secret (>= 3 bytes), a run
//    of '*', '.' or '…' worth >= 3 ('*' and '.' count 1, '…' counts 3), then the secret's
//    last 4 characters: "sk-PMafP****E873", "sk-proj-…WxYz", "sk-...1JMA". The run is
//    recognised up to kMaxMaskRunBytes (256) bytes: OpenAI prints about len(key) - 12
//    stars, ~40 for legacy keys and ~150 for 164-character sk-proj keys.
//    Some maskers keep a few characters that are not the key's own prefix ("sk-Ab***WxYz"
//    for "sk-proj-AbCd…WxYz": the type tag shortened), so up to kMaxEchoGapBytes (16) key
//    characters may sit between the matched prefix and the run. With the key's first
//    3 bytes, a mask run and its exact last 4 required, that still only fits an echo.
//    A bare "****WxYz" (no prefix) is left alone on purpose: 4 characters of a long key do
//    not reveal it, and matching every "*" run followed by 4 characters would redact
//    innocent text (tables, markdown, other keys' echoes).
//
// Overlapping matches merge into one kRedacted; touching ones do not. The result is
// decided position by position from left to right, and each position's longest match
// depends only on the text from that position on. That is what makes the stream version
// exact: a position whose match could still grow with more input ("need more") stops the
// scan, everything before it is final, and only the tail from it is held back. A match
// reads at most window() bytes, so the tail is bounded whatever the stream.
#include "core/redact.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace pg {

namespace {

constexpr std::size_t kNeedMore = std::numeric_limits<std::size_t>::max();
// A JSON \uXXXX\uXXXX pair is the longest single unit the reader consumes.
constexpr std::size_t kLongestUnit = 12;

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Mode { Raw, Json };
enum class Read { Ok, End, NeedMore, Invalid };

// Yields the bytes the text stands for from a position: the bytes themselves (Raw), or
// with JSON escapes decoded (Json; a \u escape yields its UTF-8 bytes one at a time).
// Small and copyable, so a caller can look ahead and step back.
struct Reader {
  std::string_view text;
  bool at_end;  // text is the whole rest of the input; otherwise more may follow
  Mode mode;
  std::size_t pos;
  unsigned char pending[4] = {0, 0, 0, 0};
  int pending_count = 0;
  int pending_next = 0;
  bool* saw_backslash = nullptr;  // set when any read byte was a backslash (shared by copies)

  bool mid_escape() const { return pending_next < pending_count; }

  Read next(unsigned char& out) {
    if (pending_next < pending_count) {
      out = pending[pending_next++];
      return Read::Ok;
    }
    if (pos >= text.size()) return at_end ? Read::End : Read::NeedMore;
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c == '\\' && saw_backslash) *saw_backslash = true;
    if (mode == Mode::Raw || c != '\\') {
      ++pos;
      out = c;
      return Read::Ok;
    }
    return escape(out);
  }

 private:
  // Not enough input to finish an escape: wait for more, or fail at the very end.
  Read short_input() const { return at_end ? Read::Invalid : Read::NeedMore; }

  // Reads 4 hex digits at `at` into `cp`.
  Read hex4(std::size_t at, std::uint32_t& cp) const {
    cp = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (at + i >= text.size()) return short_input();
      const int v = hex_value(text[at + i]);
      if (v < 0) return Read::Invalid;
      cp = cp * 16 + static_cast<std::uint32_t>(v);
    }
    return Read::Ok;
  }

  Read escape(unsigned char& out) {
    if (pos + 1 >= text.size()) return short_input();
    const char e = text[pos + 1];
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
      pos += 2;
      out = static_cast<unsigned char>(simple);
      return Read::Ok;
    }
    std::uint32_t cp = 0;
    if (Read r = hex4(pos + 2, cp); r != Read::Ok) return r;
    std::size_t used = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Read::Invalid;  // a lone low surrogate
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (pos + 7 >= text.size()) return short_input();
      if (text[pos + 6] != '\\' || text[pos + 7] != 'u') return Read::Invalid;
      std::uint32_t low = 0;
      if (Read r = hex4(pos + 8, low); r != Read::Ok) return r;
      if (low < 0xDC00 || low > 0xDFFF) return Read::Invalid;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      used = 12;
    }
    if (cp < 0x80 && is_ascii_alnum(static_cast<unsigned char>(cp))) return Read::Invalid;
    encode_utf8(cp);
    pos += used;
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

std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// The secret's last 4 characters (whole UTF-8 sequences).
std::string_view last_four(std::string_view s) {
  std::size_t i = s.size(), seen = 0;
  while (i > 0 && seen < 4) {
    --i;
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++seen;
  }
  return s.substr(i);
}

// Characters keys are made of; a gap between the echoed prefix and the mask uses only these.
bool is_key_char(unsigned char c) { return is_ascii_alnum(c) || c == '-' || c == '_'; }

bool maskable(std::string_view secret) { return char_count(secret) >= kMinMaskedSecretChars; }

// A secret with what the matcher asks of it on every attempt, worked out once.
struct SecretRef {
  std::string_view text;
  std::string_view last4;  // empty when the secret is too short for masked echoes
};

// `tails[i]`: where secrets[i]'s last 4 characters start, or npos (not maskable).
std::vector<std::size_t> tails_of(const std::vector<std::string>& secrets) {
  std::vector<std::size_t> tails;
  tails.reserve(secrets.size());
  for (const std::string& s : secrets)
    tails.push_back(maskable(s) ? s.size() - last_four(s).size() : std::string_view::npos);
  return tails;
}

std::vector<SecretRef> refs_of(const std::vector<std::string>& secrets, const std::vector<std::size_t>& tails) {
  std::vector<SecretRef> refs;
  refs.reserve(secrets.size());
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    const std::string_view text = secrets[i];
    refs.push_back({text, tails[i] == std::string_view::npos ? std::string_view() : text.substr(tails[i])});
  }
  return refs;
}

// The most text bytes `s` can take in any accepted form: letters and digits are never
// escaped, other ASCII may be \u00XX (6), and a UTF-8 byte is at most 3 text bytes
// (a 4-byte character as a 12-byte surrogate pair).
std::size_t widest_form(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += is_ascii_alnum(c) ? 1 : (c < 0x80 ? 6 : 3);
  return n;
}

std::size_t match_span_bound(std::string_view secret) {
  std::size_t span = widest_form(secret) + kLongestUnit;
  if (maskable(secret))
    span += kMaxEchoGapBytes + kLongestUnit + kMaxMaskRunBytes + kLongestUnit + widest_form(last_four(secret)) +
            kLongestUnit;
  return span;
}

// Reads one mask unit ('*', '.', or '…') and returns its weight: 0 when the next unit is
// not a mask character; `need_more` when that depends on input not seen yet.
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

// End of the longest match of `secret` starting at p in this mode: 0 for none, kNeedMore
// when the answer depends on input not seen yet.
std::size_t match_secret(std::string_view text, std::size_t p, bool at_end, const SecretRef& secret, Mode mode,
                         bool* saw_backslash) {
  const std::string_view s = secret.text;
  Reader r{text, at_end, mode, p};
  r.saw_backslash = saw_backslash;
  std::size_t k = 0;  // bytes of the secret matched
  if (mode == Mode::Raw) {
    // Raw bytes: a plain comparison; the reader is only needed for the echo checks.
    const std::size_t avail = text.size() - p;
    const std::size_t limit = std::min(avail, s.size());
    while (k < limit && text[p + k] == s[k]) ++k;
    if (saw_backslash && std::memchr(text.data() + p, '\\', std::min(avail, k + 1))) *saw_backslash = true;
    if (k == s.size()) return p + k;
    if (k == avail && !at_end) return kNeedMore;
    if (k < kMinEchoedPrefix || secret.last4.empty()) return 0;
    if (k < avail) {
      // The byte after the prefix can neither continue a gap nor start a mask run (nor an
      // escape of one): no echo here. Settles most prefix-only hits without a reader.
      const unsigned char c = static_cast<unsigned char>(text[p + k]);
      if (!is_key_char(c) && c != '*' && c != '.' && c != 0xE2 && c != '\\') return 0;
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

  // A masked echo: the prefix read so far, a short gap, the mask run, then the last 4.
  if (k < kMinEchoedPrefix || secret.last4.empty() || r.mid_escape()) return 0;
  const std::size_t gap_start = r.pos;
  for (;;) {
    Reader save = r;
    unsigned char c = 0;
    const Read st = r.next(c);
    if (st == Read::NeedMore) return kNeedMore;
    if (st != Read::Ok || !is_key_char(c)) {
      r = save;
      break;
    }
    if (r.pos - gap_start > kMaxEchoGapBytes) return 0;
  }
  const std::size_t run_start = r.pos;
  int weight = 0;
  for (;;) {
    Reader save = r;
    bool need_more = false;
    const int w = read_mask_unit(r, need_more);
    if (need_more) return kNeedMore;
    if (w == 0) {
      r = save;
      break;
    }
    if (r.pos - run_start > kMaxMaskRunBytes) return 0;
    weight += w;
  }
  if (weight < 3) return 0;
  for (unsigned char want : secret.last4) {
    unsigned char c = 0;
    const Read st = r.next(c);
    if (st == Read::NeedMore) return kNeedMore;
    if (st != Read::Ok || c != want) return 0;
  }
  return r.mid_escape() ? 0 : r.pos;
}

// The fast no: the raw text at p differs from the secret within its first
// kMinEchoedPrefix bytes, with no backslash on the way (so JSON decoding could not
// differ). Neither the secret nor an echo can start here. Most candidate positions end
// here, without building a reader.
bool settled_short_of_echo(std::string_view text, std::size_t p, std::string_view secret) {
  for (std::size_t i = 1; i < kMinEchoedPrefix && i < secret.size(); ++i) {
    if (p + i >= text.size()) return false;  // undecided: let the full match say so
    const char c = text[p + i];
    if (c == '\\') return false;
    if (c != secret[i]) return true;
  }
  return false;
}

// The end of the longest match of any secret at p (0: none; kNeedMore: undecided yet).
std::size_t longest_match(const std::vector<SecretRef>& secrets, std::string_view text, std::size_t p,
                          bool at_end) {
  const unsigned char b = static_cast<unsigned char>(text[p]);
  std::size_t best = 0;
  for (const SecretRef& s : secrets) {
    const unsigned char first = static_cast<unsigned char>(s.text[0]);
    std::size_t end = 0;
    if (first == b && settled_short_of_echo(text, p, s.text)) continue;
    if (first == b) {
      // JSON decoding only differs from the raw bytes at a backslash.
      bool saw_backslash = false;
      end = match_secret(text, p, at_end, s, Mode::Raw, &saw_backslash);
      if (end == kNeedMore) return kNeedMore;
      if (saw_backslash) {
        const std::size_t json_end = match_secret(text, p, at_end, s, Mode::Json, nullptr);
        if (json_end == kNeedMore) return kNeedMore;
        end = std::max(end, json_end);
      }
    } else if (b == '\\' && !is_ascii_alnum(first)) {
      end = match_secret(text, p, at_end, s, Mode::Json, nullptr);
      if (end == kNeedMore) return kNeedMore;
    }
    best = std::max(best, end);
  }
  return best;
}

std::vector<std::string> normalize(std::vector<std::string> secrets) {
  secrets.erase(std::remove_if(secrets.begin(), secrets.end(), [](const std::string& s) { return s.empty(); }),
                secrets.end());
  std::sort(secrets.begin(), secrets.end());
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  return secrets;
}

std::array<bool, 256> start_bytes(const std::vector<std::string>& secrets) {
  std::array<bool, 256> starts{};
  for (const std::string& s : secrets) {
    const unsigned char first = static_cast<unsigned char>(s[0]);
    starts[first] = true;
    if (!is_ascii_alnum(first)) starts['\\'] = true;  // it may arrive JSON-escaped
  }
  return starts;
}

// Decides positions of `buf` from the left, appending the redacted output. `covered` is
// how far (from buf's start) the current kRedacted reaches: bytes before it are dropped,
// a match starting before it extends it. Returns the first undecided position.
std::size_t scan(const std::vector<SecretRef>& secrets, const std::array<bool, 256>& starts,
                 std::string_view buf, bool at_end, std::size_t& covered, std::string& out) {
  const std::size_t n = buf.size();
  // One possible start byte (one secret, or several with the same first byte): memchr.
  int only_start = -1;
  for (int b = 0; b < 256; ++b) {
    if (!starts[static_cast<std::size_t>(b)]) continue;
    only_start = only_start == -1 ? b : -2;
    if (only_start == -2) break;
  }
  std::size_t p = 0;
  while (p < n) {
    std::size_t q = p;
    if (only_start >= 0) {
      const void* hit = std::memchr(buf.data() + p, only_start, n - p);
      q = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data()) : n;
    } else {
      while (q < n && !starts[static_cast<unsigned char>(buf[q])]) ++q;
    }
    if (q > p) {
      const std::size_t from = std::max(p, covered);
      if (q > from) out.append(buf.data() + from, q - from);
      p = q;
      continue;
    }
    const std::size_t end = longest_match(secrets, buf, p, at_end);
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

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  const std::vector<std::string> list = normalize(secrets);
  if (list.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t covered = 0;
  scan(refs_of(list, tails_of(list)), start_bytes(list), text, /*at_end=*/true, covered, out);
  return out;
}

StreamRedactor::StreamRedactor(std::vector<std::string> secrets)
    : secrets_(normalize(std::move(secrets))), tails_(tails_of(secrets_)), starts_(start_bytes(secrets_)) {
  for (const std::string& s : secrets_) window_ = std::max(window_, match_span_bound(s));
}

std::string StreamRedactor::push(std::string_view bytes) {
  std::string out;
  if (secrets_.empty()) return std::string(bytes);
  if (pending_.empty()) {
    // Scan the chunk in place and keep only its undecided tail: no copy of big chunks.
    out.reserve(bytes.size());
    const std::size_t done = scan(refs_of(secrets_, tails_), starts_, bytes, /*at_end=*/false, covered_, out);
    pending_.assign(bytes.substr(done));
    covered_ = covered_ > done ? covered_ - done : 0;
    return out;
  }
  pending_.append(bytes.data(), bytes.size());
  out.reserve(pending_.size());
  const std::size_t done = scan(refs_of(secrets_, tails_), starts_, pending_, /*at_end=*/false, covered_, out);
  pending_.erase(0, done);
  covered_ = covered_ > done ? covered_ - done : 0;
  return out;
}

std::string StreamRedactor::finish() {
  std::string out;
  if (!pending_.empty()) scan(refs_of(secrets_, tails_), starts_, pending_, /*at_end=*/true, covered_, out);
  pending_.clear();
  covered_ = 0;
  return out;
}

}  // namespace pg
