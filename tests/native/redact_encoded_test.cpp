// redact() of encoded secrets: \u escapes of letters and digits, percent-encoding, base64 at
// every alignment, masked echoes of 3 to 8 characters, and a non-UTF-8 secret.
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
