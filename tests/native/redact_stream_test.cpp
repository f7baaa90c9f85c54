// StreamRedactor: any split of the input gives exactly redact() of the whole, holding back
// at most window() bytes, memory bounded; every form in one stream.
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
