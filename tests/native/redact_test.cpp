// redact() and StreamRedactor: every form a secret takes (raw, JSON-escaped including
// \u escapes of letters and digits, percent-encoded, base64, masked echoes), several
// secrets at once, and the stream property: any split of the input gives exactly redact()
// of the whole, holding back at most window() bytes. contains_secret_fragment() at the end.
#include <doctest/doctest.h>

#include "core/base/json_util.h"
#include "core/secrets/redact.h"

#include <cctype>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace pg;

namespace {

const std::string kKey = "sk-proj-AbCdEfGh1234567890WxYz";
const std::string R = std::string(kRedacted);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Feeds `text` to a StreamRedactor in the given chunk lengths (the rest in one last chunk).
std::string stream(const std::string& text, const std::vector<std::string>& secrets,
                   const std::vector<std::size_t>& cuts, std::size_t* max_held = nullptr) {
  StreamRedactor r(secrets);
  std::string out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    if (cut < at || cut > text.size()) continue;
    out += r.push(std::string_view(text).substr(at, cut - at));
    if (max_held) *max_held = std::max(*max_held, r.held_back());
    at = cut;
  }
  out += r.push(std::string_view(text).substr(at));
  if (max_held) *max_held = std::max(*max_held, r.held_back());
  out += r.finish();
  return out;
}

std::string byte_by_byte(const std::string& text, const std::vector<std::string>& secrets) {
  StreamRedactor r(secrets);
  std::string out;
  for (char c : text) out += r.push(std::string_view(&c, 1));
  return out + r.finish();
}

// Every split of `text` into three pieces (the second cut every 7 bytes) and one byte at a
// time give redact() of the whole, holding back at most window().
void check_every_split(const std::string& text, const std::vector<std::string>& secrets) {
  const std::string whole = redact(text, secrets);
  const std::size_t window = StreamRedactor(secrets).window();
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); j += 7) {
      std::size_t held = 0;
      CAPTURE(i);
      CAPTURE(j);
      REQUIRE(stream(text, secrets, {i, j}, &held) == whole);
      REQUIRE(held <= window);
    }
  }
  REQUIRE(byte_by_byte(text, secrets) == whole);
}

const char kHex[] = "0123456789abcdef";

// Every ASCII byte as \u00xx (non-ASCII bytes stay raw, as a JSON string may hold them).
std::string u_escape_all(const std::string& s, bool upper = false) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    out += "\\u00";
    out += upper ? static_cast<char>(std::toupper(kHex[c >> 4])) : kHex[c >> 4];
    out += upper ? static_cast<char>(std::toupper(kHex[c & 15])) : kHex[c & 15];
  }
  return out;
}

// Every byte as %XX.
std::string pct_all(const std::string& s, bool lower = false) {
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += lower ? kHex[c >> 4] : static_cast<char>(std::toupper(kHex[c >> 4]));
    out += lower ? kHex[c & 15] : static_cast<char>(std::toupper(kHex[c & 15]));
  }
  return out;
}

std::string base64(std::string_view data, bool url_safe = false, bool pad = true) {
  const std::string alphabet =
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") + (url_safe ? "-_" : "+/");
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += alphabet[(v >> k) & 63];
  }
  if (data.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (data.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += "=";
  }
  return out;
}

// The base64 characters `key` alone decides at alignment `align`, found without knowing
// how redact.cpp works them out: encode it between zero bytes and between 0xFF bytes and
// keep the characters both encodings agree on.
std::string stable_base64(const std::string& key, std::size_t align, bool url_safe) {
  const std::string a = base64(std::string(align, '\0') + key + std::string(3, '\0'), url_safe);
  const std::string b = base64(std::string(align, '\xFF') + key + std::string(3, '\xFF'), url_safe);
  std::size_t from = 0;
  while (a[from] != b[from]) ++from;
  std::size_t to = from;
  while (a[to] == b[to]) ++to;
  return a.substr(from, to - from);
}

// CPU time, not wall time: the machine running the tests may be busy with other work.
template <typename F>
double cpu_seconds(F&& f) {
  const std::clock_t start = std::clock();
  f();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

}  // namespace

TEST_CASE("redact: every raw occurrence, nothing else") {
  CHECK(redact("key=" + kKey + " and again " + kKey + ".", {kKey}) == "key=" + R + " and again " + R + ".");
  CHECK(redact("nothing to see", {kKey}) == "nothing to see");
  CHECK(redact("", {kKey}).empty());
  CHECK(redact("abc", {}) == "abc");
  CHECK(redact("abc", {"", ""}) == "abc");  // empty secrets are ignored, not matched everywhere
  // A near miss (one character different) is left alone.
  std::string near = kKey;
  near[10] = 'X';
  CHECK(redact(near, {kKey}) == near);
  // Duplicated secrets change nothing.
  CHECK(redact(kKey, {kKey, kKey}) == R);
}

TEST_CASE("redact: regex-special characters are plain characters") {
  const std::string secret = "a.b*c+d?(e)[f]{g}|h^$\\";
  CHECK(redact("x" + secret + "y", {secret}) == "x" + R + "y");
  CHECK(redact("axb*c+d?(e)[f]{g}|h^$\\", {secret}) == "axb*c+d?(e)[f]{g}|h^$\\");
}

TEST_CASE("redact: JSON-escaped forms of a secret") {
  // Quote, backslash, slash and a control character, as a JSON encoder writes them.
  const std::string secret = "p@ss\"w\\o/rd\t-2024";
  const std::string body = dump_json(json{{"error", {{"message", "bad key " + secret}}}});
  REQUIRE_FALSE(contains(body, secret));  // the raw form is not in the body...
  const std::string out = redact(body, {secret});
  CHECK(out == R"({"error":{"message":"bad key )" + R + R"("}})");
  CHECK(parse_json(out).value);  // ...and the redacted body is still JSON

  // "/" written as "\/" (PHP, some Java encoders), controls as \u00XX, hex in either case.
  CHECK(redact(R"("p@ss\"w\\o\/rd\u0009-2024")", {secret}) == "\"" + R + "\"");
  CHECK(redact(R"("p@ss\u0022w\u005Co\u002frd\t-2024")", {secret}) == "\"" + R + "\"");
  // Raw and escaped occurrences in one text.
  CHECK(redact(secret + " " + R"(p@ss\"w\\o/rd\t-2024)", {secret}) == R + " " + R);
  // The first character escaped: the match starts at the backslash.
  CHECK(redact(R"({"u":"https:\/\/example.test\/v1?token=x"})", {"//example.test/v1?token=x"}) ==
        R"({"u":"https:)" + R + R"("})");
  // A broken escape is not the secret.
  CHECK(redact(R"(p@ss\"w\\o\qrd\t-2024)", {secret}) == R"(p@ss\"w\\o\qrd\t-2024)");
}

TEST_CASE("redact: UTF-8 secrets, raw and \\u-escaped (Python's ensure_ascii)") {
  const std::string secret = "cl\xC3\xA9-secr\xC3\xA8te-\xF0\x9F\x94\x91-2024";  // "clé-secrète-🔑-2024"
  CHECK(redact("[" + secret + "]", {secret}) == "[" + R + "]");
  CHECK(redact(R"("cl\u00e9-secr\u00e8te-\ud83d\udd11-2024")", {secret}) == "\"" + R + "\"");
  CHECK(redact(R"("cl\u00E9-secr\u00E8te-\uD83D\uDD11-2024")", {secret}) == "\"" + R + "\"");
  // A lone surrogate does not stand for the key.
  CHECK(redact(R"(cl\u00e9-secr\u00e8te-\ud83d-2024)", {secret}) == R"(cl\u00e9-secr\u00e8te-\ud83d-2024)");
}

TEST_CASE("redact: masked echoes of the key") {
  const std::vector<std::string> s = {kKey};
  // OpenAI's 401: the key's first 8 characters, a long run of '*', the last 4.
  const std::string openai = "Incorrect API key provided: sk-proj-" + std::string(152, '*') + "WxYz. You can";
  CHECK(redact(openai, s) == "Incorrect API key provided: " + R + ". You can");
  CHECK(redact("sk-proj-\xE2\x80\xA6WxYz", s) == R);  // '…'
  CHECK(redact("sk-Ab***WxYz", s) == R);              // a shortened tag: a short gap after "sk-"
  CHECK(redact("sk-proj-xx****WxYz", s) == R);        // the same key's tag, other shown characters
  CHECK(redact("sk-...WxYz", s) == R);
  CHECK(redact("sk-proj-AbCd***...***WxYz!", s) == R + "!");            // mixed run
  CHECK(redact("(sk-proj-Ab\xE2\x80\xA6**WxYz)", s) == "(" + R + ")");  // '…' and '*'
  // Inside JSON from a Python server: '…' escaped.
  CHECK(redact(R"({"message":"key sk-proj-\u2026WxYz is invalid"})", s) ==
        R"({"message":"key )" + R + R"( is invalid"})");
  // The longest possible run is still recognised.
  CHECK(redact("sk-proj-" + std::string(kMaxMaskRunBytes, '*') + "WxYz", s) == R);
}

TEST_CASE("redact: what is not a masked echo") {
  const std::vector<std::string> s = {kKey};
  for (const std::string& text : std::vector<std::string>{
           "****WxYz",          // no prefix: 4 characters reveal nothing (documented)
           "sk****WxYz",        // a 2-character prefix is too common to mean this key
           "sk-proj-**WxYz",    // a run worth less than 3
           "sk-proj-****AbCd",  // wrong last 4
           "sk- Ab***WxYz",     // the gap holds key characters only
           "sk-" + std::string(kMaxEchoGapBytes + 1, 'q') + "***WxYz",    // the gap is short
           "Xk-proj-****WxYz",                                            // the first character counts too
           "sk-proj-" + std::string(kMaxMaskRunBytes + 1, '*') + "WxYz",  // run longer than recognised
       }) {
    CAPTURE(text);
    CHECK(redact(text, s) == text);
  }
  // Short secrets (under 8 characters) are only redacted where they appear whole.
  CHECK(redact("abc1234 abc***1234", {"abc1234"}) == R + " abc***1234");
}

TEST_CASE("redact: overlapping, nested and adjacent secrets") {
  // A secret inside a longer one: the longer one goes entirely.
  const std::string inner = "AbCdEfGh1234";
  CHECK(redact("x" + kKey + "y", {inner, kKey}) == "x" + R + "y");
  CHECK(redact("x" + kKey + "y", {kKey, inner}) == "x" + R + "y");
  CHECK(redact("x" + inner + "y", {kKey, inner}) == "x" + R + "y");
  // Two secrets that overlap in the text: one redaction covers both.
  CHECK(redact("<abcdefgh12345678>", {"abcdefgh12", "gh12345678"}) == "<" + R + ">");
  // Touching secrets: one redaction each.
  CHECK(redact("abcdefgh12gh12345678", {"abcdefgh12", "gh12345678"}) == R + R);
  // A self-overlapping secret repeated: one run, one redaction.
  CHECK(redact("-" + std::string(100, 'a') + "-", {std::string(8, 'a')}) == "-" + R + "-");
  // A secret ending where its masked echo begins.
  CHECK(redact(kKey + "sk-proj-***WxYz", {kKey}) == R + R);
}

TEST_CASE("redact: many secrets at once") {
  std::vector<std::string> secrets;
  std::string text, expected;
  for (int i = 0; i < 60; ++i) {
    std::string k = "key-" + std::to_string(i) + "-Zq8Lm2Vn7Px" + std::to_string(i * 7919);
    secrets.push_back(k);
    text += "<" + k + ">";
    expected += "<" + R + ">";
  }
  CHECK(redact(text, secrets) == expected);
}

TEST_CASE("redact: 10 MB with 10 secrets is linear") {
  std::mt19937 rng(7);
  std::vector<std::string> secrets;
  for (int i = 0; i < 10; ++i) {
    std::string k = "sk-";
    for (int j = 0; j < 45; ++j) k += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[rng() % 62];
    secrets.push_back(k);
  }
  std::string text;
  text.reserve(10 * 1024 * 1024 + 4096);
  const std::string words = "the quick brown fox jumps over the lazy dog, sk- says \\n \"data\": {...} ** ";
  std::size_t planted = 0;
  while (text.size() < 10 * 1024 * 1024) {
    text += words;
    if (rng() % 400 == 0) {
      text += secrets[rng() % secrets.size()];
      ++planted;
    }
  }
  std::string out;
  const double t = cpu_seconds([&] { out = redact(text, secrets); });
  // Linear, not fast: a quarter of the text takes about a quarter of the time. A ratio, not
  // a limit in seconds, holds on any machine and build (sanitizers are ~10x slower).
  const std::string quarter = text.substr(0, text.size() / 4);
  const double t4 = cpu_seconds([&] { (void)redact(quarter, secrets); });
  MESSAGE("redact 10 MB, 10 secrets: " << t << " s of CPU; a quarter of it: " << t4 << " s");
  CHECK(t < 8 * t4 + 0.05);
  std::size_t found = 0;
  for (std::size_t at = out.find(R); at != std::string::npos; at = out.find(R, at + 1)) ++found;
  CHECK(found == planted);
  for (const auto& k : secrets) CHECK_FALSE(contains(out, k));
}

TEST_CASE("StreamRedactor: a secret split at every position") {
  const std::vector<std::string> s = {kKey, "p@ss\"w\\o/rd-2024"};
  const std::string text = "401 {\"message\":\"Incorrect API key provided: sk-proj-" + std::string(40, '*') +
                           "WxYz.\", \"k\":\"" + kKey +
                           "\", \"e\":\"p@ss\\\"w\\\\o\\/rd-2024\"} sk-proj-\xE2\x80\xA6WxYz";
  const std::string whole = redact(text, s);
  CHECK_FALSE(contains(whole, kKey));
  CHECK_FALSE(contains(whole, "WxYz"));
  CHECK_FALSE(contains(whole, "rd-2024"));
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); j += 7) {
      CAPTURE(i);
      CAPTURE(j);
      REQUIRE(stream(text, s, {i, j}) == whole);
    }
  }
  CHECK(byte_by_byte(text, s) == whole);
}

TEST_CASE("StreamRedactor: no secrets passes bytes straight through") {
  StreamRedactor r({});
  CHECK(r.push("abc") == "abc");
  CHECK(r.held_back() == 0);
  CHECK(r.finish().empty());
}

TEST_CASE("StreamRedactor: holds back only a possible start of a match") {
  StreamRedactor r({kKey});
  CHECK(r.push("hello world ") == "hello world ");
  CHECK(r.held_back() == 0);
  CHECK(r.push("key: sk-pr") == "key: ");
  CHECK(r.held_back() == 5);
  CHECK(r.push("ize") == "");  // "sk-" + "prize" could still be an echo's prefix and gap
  CHECK(r.held_back() == 8);
  CHECK(r.push(" ") == "sk-prize ");  // a space ends it: not the key after all
  CHECK(r.held_back() == 0);
  CHECK(r.push("sk-proj-AbCd") == "");
  CHECK(r.push("EfGh1234567890WxYz tail") == R + " tail");
  CHECK(r.push("sk-proj-**") == "");
  CHECK(r.finish() == "sk-proj-**");  // the stream ended before it could be an echo
}

TEST_CASE("StreamRedactor: memory stays bounded whatever the stream") {
  const std::vector<std::string> s = {kKey, std::string(8, 'a'), "/path-secret-123"};
  StreamRedactor r(s);
  CHECK(r.window() > 0);
  // A few kilobytes for a 30-character key: any byte may come as an 18-byte escape
  // (\u00XX with each character %-encoded), and a masked echo's run may be 256 of them.
  CHECK(r.window() < 8 * 1024);
  // Text that keeps looking like the start of a match, and one endless match run.
  const std::vector<std::string> patterns = {"sk-proj-",
                                             "sk-proj-" + std::string(200, '*'),
                                             "a",
                                             "\\u00",
                                             "sk-proj-\xE2\x80\xA6",
                                             "\\u0073\\u006b-",
                                             "%73%6B%2D%",
                                             "sk-proj-\\u002a",
                                             "%5C",
                                             "c2stcHJvai1"};
  std::string out;
  for (const auto& p : patterns) {
    for (int i = 0; i < 20000; ++i) {
      out += r.push(p);
      REQUIRE(r.held_back() <= r.window());
    }
  }
  out += r.finish();
  CHECK(out.size() > 0);
}

TEST_CASE("StreamRedactor equals redact() on random texts split anywhere, and no secret survives") {
  std::mt19937 rng(20261124);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::string alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  auto random_key = [&] {
    std::string k =
        std::vector<std::string>{"sk-", "sk-proj-", "sk-ant-api03-", "AIza", "gsk_", "\"tok-", "/t-"}[pick(7)];
    const std::size_t n = 12 + pick(40);
    for (std::size_t i = 0; i < n; ++i) k += alnum[pick(alnum.size())];
    if (pick(4) == 0) k += std::vector<std::string>{"/", "\"", "\\", "+=", "\xC3\xA9"}[pick(5)] + "Zz9";
    return k;
  };
  auto json_escape = [](const std::string& s) {
    std::string d = dump_json(json(s));
    return d.substr(1, d.size() - 2);
  };
  auto mask_run = [&] {
    std::string m;
    const std::size_t units = 1 + pick(50);
    for (std::size_t i = 0; i < units; ++i)
      m += std::vector<std::string>{"*", "*", ".", "\xE2\x80\xA6", "\\u2026"}[pick(5)];
    if (m.size() < 3) m = "***";
    return m;
  };
  // Each byte raw, \u-escaped or %-encoded at random; a backslash never raw, since a
  // decoder reads it as the start of an escape.
  auto mixed_form = [&](const std::string& k) {
    std::string out;
    for (unsigned char c : k) {
      const std::size_t how = pick(3);
      if (how == 1 && c < 0x80) {
        out += u_escape_all(std::string(1, static_cast<char>(c)), pick(2) == 0);
      } else if (how == 2 || c == '\\') {
        out += pct_all(std::string(1, static_cast<char>(c)), pick(2) == 0);
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  };
  const std::vector<std::string> filler = {
      " ",     "the ", "key ",   "*",           "**",      "...",  "\xE2\x80\xA6", "\\",       "\\\"",
      "\\u00", "\n",   "data: ", "{\"error\":", "\xC3",    "\xA9", "sk-",          "sk-proj-", "WxYz",
      "%",     "%2",   "%2F",    "%5C",         "\\u0073", "c2st", "Basic ",       "=="};

  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> secrets;
    const std::size_t nsecrets = 1 + pick(4);
    for (std::size_t i = 0; i < nsecrets; ++i) secrets.push_back(random_key());
    std::string text;
    const std::size_t pieces = 4 + pick(24);
    for (std::size_t i = 0; i < pieces; ++i) {
      const std::string& k = secrets[pick(secrets.size())];
      switch (pick(12)) {
        case 0: text += k; break;
        case 1: text += json_escape(k); break;
        case 2: {  // a masked echo: prefix, run, the last 3 to 8 characters
          const std::size_t prefix = 3 + pick(std::min<std::size_t>(k.size() - 8, 10));
          const std::size_t keep = 3 + pick(6);
          std::size_t tail = k.size();
          for (std::size_t c = 0; c < keep && tail > 0;) {
            --tail;
            if ((static_cast<unsigned char>(k[tail]) & 0xC0) != 0x80) ++c;
          }
          text += k.substr(0, prefix) + mask_run() + k.substr(tail);
          break;
        }
        case 3: text += k.substr(0, 1 + pick(k.size() - 1)); break;  // a prefix only
        case 4: text += u_escape_all(k, pick(2) == 0); break;
        case 5: text += pct_all(k, pick(2) == 0); break;
        case 6: text += pct_all(json_escape(k)); break;  // JSON carried in a URL
        case 7: text += mixed_form(k); break;
        case 8: {  // base64 of the key among other bytes
          std::string data = alnum.substr(pick(20), pick(3)) + k + alnum.substr(pick(20), pick(6));
          text += base64(data, pick(2) == 0, pick(2) == 0);
          break;
        }
        default: text += filler[pick(filler.size())]; break;
      }
    }
    const std::string whole = redact(text, secrets);
    StreamRedactor probe(secrets);
    for (const auto& k : secrets) {
      CAPTURE(k);
      CHECK_FALSE(contains(whole, k));
      CHECK_FALSE(contains(whole, json_escape(k)));
      CHECK_FALSE(contains(whole, u_escape_all(k)));
      CHECK_FALSE(contains(whole, pct_all(k)));
      for (std::size_t align = 0; align < 3; ++align) {
        CHECK_FALSE(contains(whole, stable_base64(k, align, false)));
        CHECK_FALSE(contains(whole, stable_base64(k, align, true)));
      }
    }
    // Split at single positions (every one in a short text, about 64 spread evenly from a
    // random start in a long one: escaped forms make texts long, each split scans all of
    // it, and the suite also runs under sanitizers), and at random sets of positions. The
    // redact fuzzer tries arbitrary splits at length.
    const std::size_t stride = 1 + text.size() / 64;
    for (std::size_t cut = pick(stride); cut <= text.size(); cut += stride) {
      std::size_t held = 0;
      REQUIRE(stream(text, secrets, {cut}, &held) == whole);
      REQUIRE(held <= probe.window());
    }
    for (int trial = 0; trial < 10; ++trial) {
      std::vector<std::size_t> cuts;
      std::size_t at = 0;
      while (at < text.size()) {
        at += 1 + pick(12);
        cuts.push_back(at);
      }
      std::size_t held = 0;
      REQUIRE(stream(text, secrets, cuts, &held) == whole);
      REQUIRE(held <= probe.window());
    }
    REQUIRE(byte_by_byte(text, secrets) == whole);
  }
}

TEST_CASE("redact: \\u escapes of letters and digits, in any mix with raw bytes") {
  const std::vector<std::string> s = {kKey};
  // Every character escaped, in either hex case.
  CHECK(redact(u_escape_all(kKey), s) == R);
  CHECK(redact(u_escape_all(kKey, true), s) == R);
  // A few escaped, the rest raw; the first one escaped; only the last one escaped.
  CHECK(redact("\\u0073k-proj-AbCdEfGh1234567890WxYz", s) == R);
  CHECK(redact("sk-proj-AbCd\\u0045fGh12345\\u0036\\u0037890WxY\\u007a!", s) == R + "!");
  CHECK(redact("sk-proj-AbCdEfGh1234567890WxY\\u007A", s) == R);
  // In a JSON body, where a parser turns it back into the key.
  const std::string body = "{\"error\":{\"message\":\"key " + u_escape_all(kKey) + " is invalid\"}}";
  REQUIRE(parse_json(body).value);
  CHECK(parse_json(body).value->at("error").at("message") == "key " + kKey + " is invalid");
  CHECK(redact(body, s) == "{\"error\":{\"message\":\"key " + R + " is invalid\"}}");
  // Masked echoes with escaped characters.
  CHECK(redact("\\u0073\\u006b-proj-****WxYz", s) == R);
  CHECK(redact("sk-proj-\\u002a\\u002a\\u002a\\u0057xYz", s) == R);
  CHECK(redact("sk-proj-" + u_escape_all(std::string(150, '*')) + "WxYz", s) == R);  // OpenAI's run, escaped
  // Innocent escaped text stays as it is.
  for (const std::string& text : std::vector<std::string>{
           R"({"text":"caf\u00e9 \u00e9t\u00e9 \u2014 na\u00efve"})",
           R"(\u0073\u006b-proj-)",                        // an escaped prefix alone
           R"(\u0073\u006b-proj-AbCdEfGh1234567890WxY)",   // one character short
           R"(\u0073\u006b-proj-AbCdEfGh1234567890WxYZ)",  // the last one wrong
           R"(\u00zz \u \u0073\u006b \\u0073k)",
       }) {
    CAPTURE(text);
    CHECK(redact(text, s) == text);
  }
  check_every_split("a " + u_escape_all(kKey) +
                        " b \\u0073k-proj-AbCd\\u0045fGh1234567890WxYz \\u00e9 "
                        "\\u0073\\u006b-proj-****\\u0057xYz c",
                    s);
}

TEST_CASE("redact: percent-encoded keys, any mix of raw bytes and %XX") {
  const std::string key = "sk-ab/cd+ef=gh1234567890";  // '/', '+' and '=', as in base64-made keys
  const std::vector<std::string> s = {key};
  // What a URL encoder writes (either hex case), and everything encoded.
  CHECK(redact("https://api.test/cb?key=sk-ab%2Fcd%2Bef%3Dgh1234567890&x=1", s) ==
        "https://api.test/cb?key=" + R + "&x=1");
  CHECK(redact("?key=sk-ab%2fcd%2bef%3dgh1234567890", s) == "?key=" + R);
  CHECK(redact(pct_all(key), s) == R);
  CHECK(redact(pct_all(key, true), s) == R);
  CHECK(redact("%73%6B-ab/cd%2Bef=gh1234567890", s) == R);
  // '+' is a '+', never a space: keys hold no spaces, so a space cannot stand for one.
  CHECK(redact("sk-ab/cd ef=gh1234567890", s) == "sk-ab/cd ef=gh1234567890");
  CHECK(redact("sk-ab/cd+ef=gh1234567890", s) == R);
  // JSON put in a URL: "/" written "\/" (PHP), then the whole percent-encoded.
  CHECK(redact("?state=%7B%22k%22%3A%22sk-ab%5C%2Fcd%2Bef%3Dgh1234567890%22%7D", s) ==
        "?state=%7B%22k%22%3A%22" + R + "%22%7D");
  CHECK(redact(pct_all("\\u0073k-ab\\/cd+ef=gh1234567890"), s) == R);
  // A JSON escape whose own characters are percent-encoded, the backslash left raw.
  CHECK(redact("\\%75%30%30%373k-ab/cd+ef=gh1234567890", s) == R);
  // A key holding a backslash or a percent sign, percent-encoded once.
  CHECK(redact("x=p%40ss%5Cw%25rd-2024", {"p@ss\\w%rd-2024"}) == "x=" + R);
  CHECK(redact("x=p@ss\\w%rd-2024", {"p@ss\\w%rd-2024"}) == "x=" + R);
  // Masked echoes, percent-encoded.
  CHECK(redact("sk-%2A%2A%2A7890", s) == R);
  CHECK(redact("%73k-...%E2%80%A6567890", s) == R);
  // Ordinary percent-encoded text stays as it is.
  for (const std::string& text : std::vector<std::string>{
           "https://example.test/search?q=hello%20world%2C%20sk-%3F&lang=en%2Dus&p=100%",
           "%73%6B-ab%2Fcd%2Bef%3Dgh123456789",  // one character short
           "%73%6B-ab%2Fcd%2Bef%3Dgh123456789%", "%zz%7%%%2 sk-ab%2",
           "sk-ab%252Fcd%252Bef%253Dgh1234567890",  // encoded twice: not decoded twice
       }) {
    CAPTURE(text);
    CHECK(redact(text, s) == text);
  }
  check_every_split("GET /cb?key=sk-ab%2Fcd%2Bef%3Dgh1234567890&next=%2Fhome " + pct_all(key, true) +
                        " %5C%2F ?s=%7B%22sk-ab%5C%2Fcd%2Bef%3Dgh1234567890%22%7D 100% %7",
                    s);
}

TEST_CASE("redact: base64 of the key at every alignment, both alphabets, padded or not") {
  // '>' and '?' make the encodings hold '+' and '/' (or '-' and '_').
  const std::string key = "sk-proj-Ab>?Cd>>Ef??1234567890WxYz";
  const std::vector<std::string> s = {key};
  bool saw_plus_or_slash = false;
  for (std::size_t align = 0; align < 3; ++align) {
    for (bool url_safe : {false, true}) {
      const std::string run = stable_base64(key, align, url_safe);
      saw_plus_or_slash |= run.find_first_of("+/-_") != std::string::npos;
      for (std::size_t after = 0; after < 3; ++after) {
        for (bool pad : {true, false}) {
          const std::string before = std::string("user:ab").substr(0, align + 3);  // 3, 4 or 5 bytes: every alignment
          const std::string encoded = base64(before + key + std::string("!x").substr(0, after), url_safe, pad);
          const std::string out = redact("Authorization: Basic " + encoded + "\r\n", s);
          CAPTURE(encoded);
          CHECK(contains(out, R));
          CHECK_FALSE(contains(out, run));
          // What is left of the encoding: the bytes before the key, and at most one
          // character on each side that mixes a few bits of the key with its neighbours.
          const std::size_t kept =
              encoded.size() + kRedacted.size() - (out.size() - std::string("Authorization: Basic \r\n").size());
          CHECK(kept >= run.size());
          CHECK(encoded.size() - kept <= base64(before).size() + 1 + 3 + (pad ? 2 : 0));
        }
      }
    }
  }
  CHECK(saw_plus_or_slash);
  // The key alone, base64-encoded (34 bytes): one partial character and the padding remain.
  const std::string alone = base64(key);
  CHECK(redact(alone, s) == R + alone.substr(stable_base64(key, 0, false).size()));
  CHECK(alone.size() - stable_base64(key, 0, false).size() == 3);
  // In JSON with "/" escaped, and percent-encoded in a URL.
  std::string in_json = base64("u:" + key);
  for (std::size_t at = in_json.find('/'); at != std::string::npos; at = in_json.find('/', at + 2))
    in_json.replace(at, 1, "\\/");
  REQUIRE(contains(in_json, "\\/"));
  CHECK_FALSE(contains(redact("{\"auth\":\"Basic " + in_json + "\"}", s), stable_base64(key, 2, false)));
  CHECK(contains(redact("{\"auth\":\"Basic " + in_json + "\"}", s), R));
  CHECK(contains(redact("?auth=" + pct_all(base64("u:" + key)), s), R));
  // Base64 of other data stays as it is, and so does base64 of a key under 12 characters.
  for (const std::string& text : std::vector<std::string>{
           base64("user:sk-proj-Ab>?Cd>>Ef??1234567890WxYZ"),  // another key: one character differs...
           "data:image/png;base64," + std::string(4000, 'A') +
               "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
           base64("the quick brown fox jumps over the lazy dog"),
       }) {
    CAPTURE(text);
    CHECK(redact(text, s) == text);
  }
  // ...and only its last characters differ from our key's encoding: the part they share is
  // not the key's whole run, so nothing is redacted.
  CHECK(redact(base64("short-key-1"), {"short-key-1"}) == base64("short-key-1"));
  CHECK(redact("short-key-1", {"short-key-1"}) == R);
  check_every_split("Basic " + base64("user:" + key) + " and " + base64("xy" + key, true, false) + " then " +
                        base64("z" + key) + " " + base64("user:another-key"),
                    s);
}

TEST_CASE("redact: masked echoes keeping 3 to 8 trailing characters") {
  const std::vector<std::string> s = {kKey};  // ...1234567890WxYz
  CHECK(redact("sk-proj-****xYz", s) == R);
  CHECK(redact("sk-proj-****0WxYz.", s) == R + ".");
  CHECK(redact("sk-proj-" + std::string(40, '*') + "90WxYz", s) == R);
  CHECK(redact("sk-...890WxYz", s) == R);
  CHECK(redact("sk-proj-\xE2\x80\xA6"
               "7890WxYz",
               s) == R);
  CHECK(redact("(sk-Ab***7890WxYz)", s) == "(" + R + ")");
  // A real-shaped echo that keeps 6 characters.
  const std::string key6 = "sk-proj-Zr8LqP2mTn5VxK1wHy3JcQ7XYZ7";
  CHECK(redact("Incorrect API key provided: sk-proj-" + std::string(20, '*') + "Q7XYZ7. You can", {key6}) ==
        "Incorrect API key provided: " + R + ". You can");
  // The longest tail that fits is taken: nothing of it stays behind.
  const std::string repeat = "sk-repeat-key-zzzzzzzz";
  CHECK(redact("sk-****zzzzzzzz!", {repeat}) == R + "!");
  CHECK(redact("sk-****zzz!", {repeat}) == R + "!");
  // Still not echoes.
  for (const std::string& text : std::vector<std::string>{
           "****7890WxYz",                // no prefix
           "***xYz",                      // no prefix
           "sk-proj-****Yz",              // a tail of 2
           "sk-proj-**7890WxYz",          // a run worth less than 3
           "sk****xYz",                   // a 2-byte prefix
           "sk-proj-****abc",             // not the key's tail
           "sk-proj-****67890WxYz",       // 9 characters: the last 8 do not start after the run
           "| key | sk- | **** | xYz |",  // a markdown table
           "| **** | **** |\n| xYz | WxYz |",
       }) {
    CAPTURE(text);
    CHECK(redact(text, s) == text);
  }
  check_every_split(
      "e1 sk-proj-****xYz e2 sk-...890WxYz e3 sk-proj-\xE2\x80\xA6"
      "7890WxYz e4 sk-proj-**7890WxYz "
      "| **** | xYz | sk-" +
          std::string(30, '*') + "0WxYz",
      s);
}

TEST_CASE("redact: a secret that is not UTF-8, with a long run of continuation bytes (fuzzer finding)") {
  // Counting only lead bytes made this secret's "last 8 characters" 44 bytes long, past
  // the echo matcher's 32-byte tail buffer. Such a run now counts a character per 4 bytes.
  const std::string secret = "AI" + std::string(40, '\xA3') + "zaSy";
  const std::string echo = secret.substr(0, 3) + "****" + secret.substr(secret.size() - 20);  // the last 8 "characters"
  CHECK(redact(echo, {secret}) == R);
  CHECK(redact(secret.substr(0, 3) + "****" + secret.substr(secret.size() - 4), {secret}) == R);  // the last 4
  // Tails are whole "characters": 7 bytes from the end splits one, and is no echo.
  const std::string split = secret.substr(0, 3) + "****" + secret.substr(secret.size() - 7);
  CHECK(redact(split, {secret}) == split);
  CHECK(redact("x" + secret + "y", {secret}) == "x" + R + "y");
  // The fuzzer's input: an empty secret beside it, the echo keeping 7 "characters".
  const std::string found = "AI\xA3****" + secret.substr(secret.size() - 16) + "proj(a";
  check_every_split(found, {"", secret});
  check_every_split(echo + " " + secret + " " + secret.substr(0, 3) + "..." + secret.substr(secret.size() - 40),
                    {secret});
}

TEST_CASE("redact: every form in one stream, split anywhere") {
  const std::string key = "sk-proj-Ab/Cd+Ef=1234567890WxYz";
  const std::vector<std::string> s = {key, "gsk_0123456789abcdefXYZ"};
  const std::string text = "data: {\"k\":\"" + u_escape_all(key) +
                           "\",\"u\":\"https:\\/\\/x.test\\/?k=sk-proj-Ab%2FCd%2BEf%3D1234567890WxYz\"}\n\n"
                           "data: {\"auth\":\"Basic " +
                           base64("me:" + key) +
                           "\",\"echo\":\"gsk_****XYZ\",\"e\":\"caf\\u00e9 100%\"}\n\n"
                           "data: " +
                           pct_all("gsk_0123456789abcdefXYZ") + " " + base64("gsk_0123456789abcdefXYZ", true, false) +
                           "\n\n";
  const std::string whole = redact(text, s);
  CHECK_FALSE(contains(whole, "1234567890"));
  CHECK_FALSE(contains(whole, "0123456789"));
  CHECK_FALSE(contains(whole, "XYZ"));
  CHECK(contains(whole, "caf\\u00e9 100%"));
  check_every_split(text, s);
}

TEST_CASE("redact: escape-heavy text and short secrets stay linear") {
  std::mt19937 rng(11);
  std::vector<std::string> secrets = {"a", "%", "\\", "ab", "x1"};  // short ones: whole occurrences only
  for (int i = 0; i < 60; ++i) {
    std::string k = "sk-proj-";
    for (int j = 0; j < 40; ++j) k += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"[rng() % 64];
    secrets.push_back(k);
  }
  std::string text;
  text.reserve(1024 * 1024 + 4096);
  const std::string words =
      R"(data: {"content":"\"sk-\" \u0073\u006b-proj- %73%6B%2D%2Fpath%20x\n\\ c2stcHJvai1 **** sk-proj-*** \u002a"} )";
  while (text.size() < 1024 * 1024) text += words;  // every few bytes a key's prefix, escaped or not
  std::string out;
  const double t = cpu_seconds([&] { out = redact(text, secrets); });
  const std::string quarter = text.substr(0, text.size() / 4);
  const double t4 = cpu_seconds([&] { (void)redact(quarter, secrets); });
  MESSAGE("redact 1 MB of escapes, 65 secrets: " << t << " s of CPU; a quarter of it: " << t4 << " s");
  CHECK(t < 8 * t4 + 0.05);  // linear (a ratio, so it holds under sanitizers too)
}

TEST_CASE("contains_secret_fragment: a run of a key's bytes, raw") {
  const std::vector<std::string> s = {kKey};  // 30 bytes: runs of 8
  CHECK(contains_secret_fragment("req_" + kKey.substr(10, 8) + "_x", s));
  CHECK(contains_secret_fragment(kKey, s));
  CHECK(contains_secret_fragment(kKey.substr(22), s));        // the last 8
  CHECK_FALSE(contains_secret_fragment(kKey.substr(23), s));  // 7 bytes
  // A shared type tag of 8 bytes counts (dropping a header for it costs little); 7 do not.
  CHECK(contains_secret_fragment("sk-proj-", {"sk-proj-Zz9Qq8Ww7Ee6"}));
  CHECK_FALSE(contains_secret_fragment("sk-proj", {"sk-proj-Zz9Qq8Ww7Ee6"}));
  CHECK_FALSE(contains_secret_fragment("req_9f8e7d6c5b4a, 1234567", s));
  CHECK_FALSE(contains_secret_fragment("", s));
  CHECK_FALSE(contains_secret_fragment(kKey, {}));
  // A key split across two headers: each value carries a fragment.
  CHECK(contains_secret_fragment(kKey.substr(0, 15), s));
  CHECK(contains_secret_fragment(kKey.substr(15), s));
  // 12 bytes: runs of 6; 13 or 14: runs of 7.
  CHECK(contains_secret_fragment("x=Kq8Zt3;", {"abKq8Zt3mn45"}));
  CHECK_FALSE(contains_secret_fragment("x=Kq8Zt;", {"abKq8Zt3mn45"}));
  CHECK(contains_secret_fragment("x=Kq8Zt3m;", {"abKq8Zt3mn456"}));
  CHECK_FALSE(contains_secret_fragment("x=Kq8Zt3;", {"abKq8Zt3mn456"}));
  // Secrets under 12 bytes are not looked for (their runs would be too short to mean them).
  CHECK_FALSE(contains_secret_fragment("short-key-1", {"short-key-1"}));
  // Several secrets, fragment lengths mixed.
  CHECK(contains_secret_fragment("v=mn456", {"abKq8Zt3mn45", kKey, "zzKq8Zt3mn456"}) == false);
  CHECK(contains_secret_fragment("v=t3mn456", {"abKq8Zt3mn45", kKey, "zzKq8Zt3mn456"}));
  // Raw bytes only: an escaped fragment is redact()'s business.
  CHECK_FALSE(contains_secret_fragment(u_escape_all(kKey.substr(0, 12)), s));
  CHECK_FALSE(contains_secret_fragment(pct_all(kKey.substr(0, 12)), s));
}
