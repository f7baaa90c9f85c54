// redact(): every raw occurrence, JSON-escaped and UTF-8 forms, masked echoes and what is not
// one, overlapping and many secrets at once.
#include <doctest/doctest.h>

#include "support/redact.h"

#include "core/base/json_util.h"
#include "core/secrets/redact.h"

#include <cctype>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace pg;

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
