// redact() and StreamRedactor with secrets and splits taken from the input. Invariants
// (redact.h's contract): for any split, the streamed output equals redact() of the whole;
// the redactor never holds back more than window(); and no secret survives: not raw
// (checked for secrets that share no byte with the "[REDACTED]" marker, since a secret made
// of the marker's own letters can legitimately reappear where the marker meets the text
// around it), not \u-escaped, not percent-encoded (once, or JSON-escaped first), and not as
// the part of its base64 encoding its bytes alone decide. Those encoded forms hold no '['
// or ']', so they cannot straddle a marker: any left in the output is a miss.
// The fragment check and the relay's rule for header values (a value is left out exactly
// when its redaction still holds a fragment of a secret) answer as a plain search does.
//
// Input: [secret count byte][secrets, each up to '\n'][split plan][text]. In the text,
// byte 0x01 and the byte after it are replaced by an encoded form of one of the secrets
// (see expand), so the fuzzer reaches every form without having to guess a key's bytes.
#include "core/secrets/redact.h"
#include "fuzz_util.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

bool shares_byte_with_marker(std::string_view s) { return s.find_first_of(pg::kRedacted) != std::string_view::npos; }

const char kHex[] = "0123456789ABCDEF";

// Every ASCII byte as \u00xx (lower-case hex); others raw, as a JSON string may hold them.
// The fragment rule written the plain way, as the oracle for SecretFragments: every window of
// a secret's fragment length, searched for in the text.
bool holds_fragment_plainly(std::string_view text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.size() < pg::kMinFragmentSecretBytes) continue;
    const std::size_t len = std::max<std::size_t>(6, std::min<std::size_t>(8, (s.size() + 1) / 2));
    for (std::size_t i = 0; i + len <= s.size(); ++i)
      if (text.find(std::string_view(s).substr(i, len)) != std::string_view::npos) return true;
  }
  return false;
}

std::string u_escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    out += "\\u00";
    out += static_cast<char>(std::tolower(kHex[c >> 4]));
    out += static_cast<char>(std::tolower(kHex[c & 15]));
  }
  return out;
}

// Every byte as %XX.
std::string percent_encoded(std::string_view s, bool lower) {
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += lower ? static_cast<char>(std::tolower(kHex[c >> 4])) : kHex[c >> 4];
    out += lower ? static_cast<char>(std::tolower(kHex[c & 15])) : kHex[c & 15];
  }
  return out;
}

std::string base64(std::string_view data, bool url_safe) {
  const std::string alphabet =
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") + (url_safe ? "-_" : "+/");
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    unsigned v = 0;
    for (std::size_t j = 0; j < 3; ++j)
      v = (v << 8) | (i + j < data.size() ? static_cast<unsigned char>(data[i + j]) : 0u);
    const std::size_t chars = std::min<std::size_t>(4, (data.size() - i) * 4 / 3 + 1);
    for (std::size_t j = 0; j < 4; ++j) out += j < chars ? alphabet[(v >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

// The base64 characters the secret alone decides at an alignment, found without redact.cpp's
// arithmetic: the characters on which encodings with zero bytes and with 0xFF bytes around
// the secret agree.
std::string stable_base64(std::string_view s, std::size_t align, bool url_safe) {
  const std::string a = base64(std::string(align, '\0') + std::string(s) + std::string(3, '\0'), url_safe);
  const std::string b = base64(std::string(align, '\xFF') + std::string(s) + std::string(3, '\xFF'), url_safe);
  std::size_t from = 0;
  while (from < a.size() && a[from] != b[from]) ++from;
  std::size_t to = from;
  while (to < a.size() && a[to] == b[to]) ++to;
  return a.substr(from, to - from);
}

// Characters as redact.cpp counts them: UTF-8 sequences, read from the end, where a run of
// continuation bytes (not valid UTF-8) counts one character per 4 bytes.
std::size_t chars(std::string_view s) {
  std::size_t n = 0, continuation = 0;
  for (std::size_t i = s.size(); i > 0;) {
    if ((static_cast<unsigned char>(s[--i]) & 0xC0) == 0x80 && ++continuation < 4) continue;
    continuation = 0;
    ++n;
  }
  return n;
}

// The secret's last `keep` characters.
std::string_view last_chars(std::string_view s, std::size_t keep) {
  std::size_t i = s.size();
  for (std::size_t seen = 0; i > 0 && seen < keep;) seen += (static_cast<unsigned char>(s[--i]) & 0xC0) != 0x80;
  return s.substr(i);
}

// One encoded form of `s`, chosen by `how`.
std::string form(std::string_view s, unsigned how) {
  switch (how % 8) {
    case 0: return std::string(s);
    case 1: return u_escaped(s);
    case 2: return percent_encoded(s, (how >> 3) & 1);
    case 3: return percent_encoded(u_escaped(s), false);  // JSON carried in a URL
    case 4: {  // base64 among other bytes, at the alignment and in the alphabet `how` picks
      const std::size_t align = (how >> 3) % 3;
      return base64(std::string("u:x").substr(0, align) + std::string(s) + "!", (how >> 5) & 1);
    }
    case 5: {  // a masked echo keeping 3 to 8 characters
      const std::size_t keep = 3 + (how >> 3) % 6;
      return std::string(s.substr(0, 3)) + "****" + std::string(last_chars(s, keep));
    }
    case 6: {  // every other byte escaped, the rest raw (a backslash is never left raw)
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        const std::string_view one = s.substr(i, 1);
        const bool escape = ((i + (how >> 3)) & 1) || s[i] == '\\';
        out += escape ? (static_cast<unsigned char>(s[i]) < 0x80 && (how & 16) ? u_escaped(one)
                                                                               : percent_encoded(one, false))
                      : std::string(one);
      }
      return out;
    }
    default: return std::string(s.substr(0, std::min<std::size_t>(s.size(), 3 + (how >> 3))));  // a prefix
  }
}

// The text with each 0x01 X replaced by form X of secret (X / 8) mod count.
std::string expand(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\x01' || i + 1 >= text.size() || secrets.empty()) {
      out += text[i];
      continue;
    }
    const unsigned x = static_cast<unsigned char>(text[++i]);
    out += form(secrets[(x / 8) % secrets.size()], x);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::size_t count = in.byte() % 5;
  std::vector<std::string> secrets;
  for (std::size_t i = 0; i < count; ++i) secrets.emplace_back(in.until('\n'));
  const auto plan = pgfuzz::read_split_plan(in);
  std::vector<std::string> usable;  // what expand() may insert: the non-empty secrets
  for (const auto& s : secrets)
    if (!s.empty()) usable.push_back(s);
  const std::string text = expand(in.rest(), usable);

  const std::string whole = pg::redact(text, secrets);

  // As the relay makes it: from the list worked out once (SecretsList), not from the secrets.
  const pg::SecretsList list(secrets);
  pg::StreamRedactor stream = list.stream();
  std::string streamed;
  for (auto chunk : pgfuzz::split(text, plan)) {
    streamed += stream.push(chunk);
    PGFUZZ_CHECK(stream.held_back() <= stream.window());
  }
  streamed += stream.finish();
  PGFUZZ_CHECK(streamed == whole);

  for (const auto& s : usable) {
    if (!shares_byte_with_marker(s)) PGFUZZ_CHECK(whole.find(s) == std::string::npos);
    PGFUZZ_CHECK(whole.find(u_escaped(s)) == std::string::npos);
    PGFUZZ_CHECK(whole.find(percent_encoded(s, false)) == std::string::npos);
    PGFUZZ_CHECK(whole.find(percent_encoded(s, true)) == std::string::npos);
    PGFUZZ_CHECK(whole.find(percent_encoded(u_escaped(s), false)) == std::string::npos);
    if (chars(s) >= pg::kMinBase64SecretChars) {
      for (std::size_t align = 0; align < 3; ++align) {
        PGFUZZ_CHECK(whole.find(stable_base64(s, align, false)) == std::string::npos);
        PGFUZZ_CHECK(whole.find(stable_base64(s, align, true)) == std::string::npos);
      }
    }
  }
  // The fragment check answers as the plain search does; on a secret's own bytes it says yes.
  PGFUZZ_CHECK(pg::contains_secret_fragment(text, secrets) == holds_fragment_plainly(text, secrets));
  for (const auto& s : usable)
    if (s.size() >= pg::kMinFragmentSecretBytes) PGFUZZ_CHECK(pg::contains_secret_fragment(s, secrets));
  // The relay's header pass, over the text's lines as values: one answer per value, in place;
  // a kept value is its redaction and holds no fragment.
  std::vector<std::string> values;
  for (std::size_t at = 0; at <= text.size() && values.size() < 16;) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    values.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  const auto kept = pg::redact_header_values(values, secrets);
  PGFUZZ_CHECK(kept.size() == values.size());
  // A value is left out exactly when its redaction still holds a fragment.
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const std::string redacted = pg::redact(values[i], secrets);
    PGFUZZ_CHECK(kept[i].has_value() == !holds_fragment_plainly(redacted, secrets));
    if (kept[i]) PGFUZZ_CHECK(*kept[i] == redacted);
  }
  return 0;
}
