// Compiling a list of secrets into the Matcher the scan reads (detail/matcher.h): every
// form of each secret (the secret, its base64 runs; echo tails), sorted and indexed by
// first bytes, and a cache of the last few lists.
#include "core/secrets/detail/matcher.h"

#include "core/secrets/detail/reader.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace pg::detail {

namespace {

using redact_detail::is_key_char;
using redact_detail::kLongestUnit;
using redact_detail::kMaxTextPerByte;

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

}  // namespace

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

}  // namespace pg::detail
