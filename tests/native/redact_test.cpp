// redact() and StreamRedactor: every form a secret takes (raw, JSON-escaped, masked
// echoes), several secrets at once, and the stream property: any split of the input gives
// exactly redact() of the whole, holding back at most window() bytes.
#include <doctest/doctest.h>

#include "core/json_util.h"
#include "core/redact.h"

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
  CHECK(redact(R"({"u":"https:\/\/example.test\/v1?token=x"})", {"//example.test/v1?token=x"}) == R"({"u":"https:)" + R + R"("})");
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
  CHECK(redact("sk-Ab***WxYz", s) == R);           // a shortened tag: a short gap after "sk-"
  CHECK(redact("sk-proj-xx****WxYz", s) == R);     // the same key's tag, other shown characters
  CHECK(redact("sk-...WxYz", s) == R);
  CHECK(redact("sk-proj-AbCd***...***WxYz!", s) == R + "!");          // mixed run
  CHECK(redact("(sk-proj-Ab\xE2\x80\xA6**WxYz)", s) == "(" + R + ")");  // '…' and '*'
  // Inside JSON from a Python server: '…' escaped.
  CHECK(redact(R"({"message":"key sk-proj-\u2026WxYz is invalid"})", s) == R"({"message":"key )" + R + R"( is invalid"})");
  // The longest possible run is still recognised.
  CHECK(redact("sk-proj-" + std::string(kMaxMaskRunBytes, '*') + "WxYz", s) == R);
}

TEST_CASE("redact: what is not a masked echo") {
  const std::vector<std::string> s = {kKey};
  for (const std::string& text : std::vector<std::string>{
           "****WxYz",                                   // no prefix: 4 characters reveal nothing (documented)
           "sk****WxYz",                                 // a 2-character prefix is too common to mean this key
           "sk-proj-**WxYz",                             // a run worth less than 3
           "sk-proj-****AbCd",                           // wrong last 4
           "sk- Ab***WxYz",                              // the gap holds key characters only
           "sk-" + std::string(kMaxEchoGapBytes + 1, 'q') + "***WxYz",  // the gap is short
           "Xk-proj-****WxYz",                           // the first character counts too
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
  MESSAGE("redact 10 MB, 10 secrets: " << t << " s of CPU");
  CHECK(t < 3.0);  // well under a second in a release build; generous for debug + sanitizers
  std::size_t found = 0;
  for (std::size_t at = out.find(R); at != std::string::npos; at = out.find(R, at + 1)) ++found;
  CHECK(found == planted);
  for (const auto& k : secrets) CHECK_FALSE(contains(out, k));
}

TEST_CASE("StreamRedactor: a secret split at every position") {
  const std::vector<std::string> s = {kKey, "p@ss\"w\\o/rd-2024"};
  const std::string text = "401 {\"message\":\"Incorrect API key provided: sk-proj-" + std::string(40, '*') +
                           "WxYz.\", \"k\":\"" + kKey + "\", \"e\":\"p@ss\\\"w\\\\o\\/rd-2024\"} sk-proj-\xE2\x80\xA6WxYz";
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
  CHECK(r.window() < 1024);  // a few hundred bytes for a 30-character key
  // Text that keeps looking like the start of a match, and one endless match run.
  const std::vector<std::string> patterns = {"sk-proj-", "sk-proj-" + std::string(200, '*'), "a", "\\u00",
                                             "sk-proj-\xE2\x80\xA6"};
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
    std::string k = std::vector<std::string>{"sk-", "sk-proj-", "sk-ant-api03-", "AIza", "gsk_", "\"tok-", "/t-"}[pick(7)];
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
    for (std::size_t i = 0; i < units; ++i) m += std::vector<std::string>{"*", "*", ".", "\xE2\x80\xA6", "\\u2026"}[pick(5)];
    if (m.size() < 3) m = "***";
    return m;
  };
  const std::vector<std::string> filler = {" ", "the ", "key ", "*", "**", "...", "\xE2\x80\xA6", "\\", "\\\"", "\\u00",
                                           "\n", "data: ", "{\"error\":", "\xC3", "\xA9", "sk-", "sk-proj-", "WxYz"};

  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> secrets;
    const std::size_t nsecrets = 1 + pick(4);
    for (std::size_t i = 0; i < nsecrets; ++i) secrets.push_back(random_key());
    std::string text;
    const std::size_t pieces = 5 + pick(40);
    for (std::size_t i = 0; i < pieces; ++i) {
      const std::string& k = secrets[pick(secrets.size())];
      switch (pick(7)) {
        case 0: text += k; break;
        case 1: text += json_escape(k); break;
        case 2: {  // a masked echo: prefix, run, last 4
          const std::size_t prefix = 3 + pick(std::min<std::size_t>(k.size() - 8, 10));
          std::size_t tail = k.size();
          for (int c = 0; c < 4 && tail > 0;) {
            --tail;
            if ((static_cast<unsigned char>(k[tail]) & 0xC0) != 0x80) ++c;
          }
          text += k.substr(0, prefix) + mask_run() + k.substr(tail);
          break;
        }
        case 3: text += k.substr(0, 1 + pick(k.size() - 1)); break;  // a prefix only
        default: text += filler[pick(filler.size())]; break;
      }
    }
    const std::string whole = redact(text, secrets);
    StreamRedactor probe(secrets);
    for (const auto& k : secrets) {
      CAPTURE(k);
      CHECK_FALSE(contains(whole, k));
      CHECK_FALSE(contains(whole, json_escape(k)));
    }
    // Split at every single position, and at random sets of positions.
    for (std::size_t cut = 0; cut <= text.size(); cut += 1 + (text.size() > 400 ? pick(5) : 0)) {
      std::size_t held = 0;
      REQUIRE(stream(text, secrets, {cut}, &held) == whole);
      REQUIRE(held <= probe.window());
    }
    for (int trial = 0; trial < 20; ++trial) {
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
