// redact() stays linear: 10 MB with 10 secrets, escape-heavy text and short secrets; and
// contains_secret_fragment(), SecretFragments and the header values' rule.
#include <doctest/doctest.h>

#include "support/redact.h"

#include "core/base/json_util.h"
#include "core/secrets/redact.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace pg;

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

TEST_CASE("TextRedactor: redact() for every text, the list looked up once; lists in turn do not mix") {
  // More lists than the matcher cache keeps (16), in turn, each redactor made once and used
  // after the others were made: each answers for its own list only.
  std::vector<std::vector<std::string>> lists;
  for (int i = 0; i < 20; ++i) lists.push_back({"sk-list-" + std::to_string(i) + "-Kq8Zt3mn456abcdef"});
  lists.push_back({});
  lists.push_back({"", kKey});
  std::vector<TextRedactor> redactors;
  for (const auto& list : lists) redactors.emplace_back(list);
  const std::vector<std::string> texts = {"",
                                          "plain",
                                          "Bearer " + kKey,
                                          lists[3][0],
                                          "a" + lists[19][0] + "b",
                                          u_escape_all(kKey),
                                          pct_all(lists[0][0]),
                                          kKey.substr(0, 12)};
  for (std::size_t l = 0; l < lists.size(); ++l)
    for (const std::string& text : texts) CHECK(redactors[l](text) == redact(text, lists[l]));
  CHECK(redactors[3](lists[3][0]) == std::string(kRedacted));
  CHECK(redactors[3](lists[4][0]) == lists[4][0]);  // another list's secret is not this one's
}

TEST_CASE("HeaderValueRedactor: the rule of redact_header_values for one value") {
  const std::vector<std::string> s = {kKey};
  const HeaderValueRedactor forwarded(s);
  const std::vector<std::string> values = {"9999", "Bearer " + kKey, "req_" + kKey.substr(10, 8), "",
                                           u_escape_all(kKey)};
  const auto all = redact_header_values(values, s);
  REQUIRE(all.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(forwarded(values[i]) == all[i]);
  CHECK(all[0] == std::optional<std::string>("9999"));
  CHECK(all[1] == std::optional<std::string>("Bearer " + std::string(kRedacted)));
  CHECK_FALSE(all[2].has_value());  // 8 raw bytes of the key: dropped, not redacted
}

TEST_CASE("SecretsList: one list serves many calls, each stream fresh, as redactors made from the list each time") {
  const std::vector<std::string> s = {kKey, "another-secret-value-0123"};
  const SecretsList list(s);
  const std::string answer = "data: {\"k\":\"" + kKey + "\"}\n\nand " + u_escape_all(s[1]) + " end";
  for (int call = 0; call < 3; ++call) {
    // Cut at a different place each call: a stream holds back across pushes, and the next
    // call's stream starts with nothing held back.
    StreamRedactor mine = list.stream();
    StreamRedactor fresh(s);
    const std::size_t cut = 10 + 17 * static_cast<std::size_t>(call);
    std::string a = mine.push(answer.substr(0, cut)), b = fresh.push(answer.substr(0, cut));
    a += mine.push(answer.substr(cut));
    b += fresh.push(answer.substr(cut));
    a += mine.finish();
    b += fresh.finish();
    CHECK(a == b);
    CHECK(a.find(kKey) == std::string::npos);
  }
  const HeaderValueRedactor made(s);
  for (const std::string& value : {std::string("Bearer ") + kKey, "req_" + kKey.substr(10, 8), std::string("9999")})
    CHECK(list.header_values()(value) == made(value));
  // A list answers for its own secrets only.
  const SecretsList other({"sk-other-secret-000000000000"});
  CHECK(other.header_values()("Bearer " + kKey) == std::optional<std::string>("Bearer " + kKey));
  // A list past the matchers' cache (over 32 KB of secrets), whose forms the list works out
  // once for both uses: each secret is found by both.
  std::vector<std::string> many;
  for (int i = 0; i < 800; ++i) many.push_back("sk-many-" + std::to_string(100000 + i) + "-abcdefghijklmnopqrstuvwxyz");
  const SecretsList big(many);
  for (const std::string& secret : {many.front(), many[400], many.back()}) {
    StreamRedactor stream = big.stream();
    const std::string out = stream.push("key=" + secret + ";") + stream.finish();
    CHECK(out == "key=" + std::string(kRedacted) + ";");
    CHECK(big.header_values()("Bearer " + secret) == std::optional<std::string>("Bearer " + std::string(kRedacted)));
  }
}

// The fragment rule written the plain way, as the oracle: every window of the secret's
// fragment length, searched for in the text.
bool holds_fragment_plainly(const std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.size() < kMinFragmentSecretBytes) continue;
    const std::size_t len = std::max<std::size_t>(6, std::min<std::size_t>(8, (s.size() + 1) / 2));
    for (std::size_t i = 0; i + len <= s.size(); ++i)
      if (text.find(s.substr(i, len)) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("SecretFragments: made once, it answers each text as the plain search does") {
  // Secrets of 11 to 20 bytes (no fragment, then lengths 6, 7, 8 and the cap), over a small
  // alphabet so texts share windows with them often; each list's table serves every text.
  std::mt19937 rng(11);
  const auto random_text = [&](std::size_t n) {
    std::string t;
    for (std::size_t i = 0; i < n; ++i) t += "abcAB-_x"[rng() % 8];
    return t;
  };
  std::size_t found = 0, texts = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> secrets;
    const std::size_t count = rng() % 4;
    for (std::size_t i = 0; i < count; ++i) secrets.push_back(random_text(11 + rng() % 10));
    if (count && rng() % 2) secrets.push_back(secrets[0]);  // a list may repeat a secret
    const SecretFragments fragments(secrets);
    for (int t = 0; t < 20; ++t, ++texts) {
      std::string text = random_text(rng() % 24);
      if (count && t % 5 == 0) text += secrets[rng() % count].substr(rng() % 4, 8);  // plant one
      const bool expected = holds_fragment_plainly(text, secrets);
      found += expected;
      CHECK(fragments.found_in(text) == expected);
      CHECK(contains_secret_fragment(text, secrets) == expected);
    }
  }
  // Both answers came up often enough to mean something.
  CHECK(found > texts / 10);
  CHECK(found < texts * 9 / 10);
}

TEST_CASE("redact_header_values: each value redacted, or none when a fragment is left") {
  const std::vector<std::string> s = {kKey};
  const auto out = redact_header_values(
      {"9999", "Bearer " + kKey, "req_" + kKey.substr(10, 8), kKey.substr(0, 15), "", "6ms", u_escape_all(kKey)}, s);
  REQUIRE(out.size() == 7);
  CHECK(out[0] == std::optional<std::string>("9999"));
  CHECK(out[1] == std::optional<std::string>("Bearer " + std::string(kRedacted)));  // the whole key: redacted, kept
  CHECK_FALSE(out[2].has_value());                                                  // a run of 8 of its bytes
  CHECK_FALSE(out[3].has_value());                                                  // half of a split key
  CHECK(out[4] == std::optional<std::string>(""));
  CHECK(out[5] == std::optional<std::string>("6ms"));
  CHECK(out[6] == std::optional<std::string>(std::string(kRedacted)));  // escaped: redact()'s business
  // No secrets: every value as it came, in its place.
  const auto none = redact_header_values({"a", "b"}, {});
  CHECK(none == std::vector<std::optional<std::string>>{std::string("a"), std::string("b")});
  CHECK(redact_header_values({}, s).empty());
}
