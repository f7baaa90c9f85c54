// A key's headroom (issue 20, item 8): read_rate_limits on the headers OpenAI, Anthropic and
// others send, the parsers of their durations and times, and that a missing or malformed
// header gives nothing (or a problem code), never a made-up number.
#include <doctest/doctest.h>

#include "core/provider/answer_headers.h"
#include "core/provider/rate_limits.h"

#include <string>
#include <utility>
#include <vector>

using namespace pg;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// 2026-12-05T10:00:00Z
constexpr std::int64_t kNow = 1796464800000;

const RateLimitProblem* problem(const RateLimits& r, const char* code) {
  for (const RateLimitProblem& p : r.problems)
    if (p.code == code) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("rate limits: OpenAI's headers read out, durations as sent") {
  const RateLimits r = read_rate_limits({{"x-ratelimit-limit-requests", "10000"},
                                         {"x-ratelimit-remaining-requests", "9998"},
                                         {"x-ratelimit-reset-requests", "6s"},
                                         {"X-RateLimit-Limit-Tokens", "200000"},
                                         {"x-ratelimit-remaining-tokens", "199,000"},
                                         {"x-ratelimit-reset-tokens", "1m30s"},
                                         {"content-type", "application/json"}},
                                        kNow);
  REQUIRE(r.limits.size() == 2);
  CHECK(r.limits[0].kind == "requests");
  CHECK(r.limits[0].source == "openai");
  CHECK(*r.limits[0].limit == 10000);
  CHECK(*r.limits[0].remaining == 9998);
  CHECK(*r.limits[0].reset_ms == doctest::Approx(6000));
  CHECK(r.limits[0].text == "9,998 of 10,000 requests left; resets in 6 s");
  // A malformed count is dropped with a problem, the rest of the limit still said.
  CHECK(r.limits[1].text == "a limit of 200,000 tokens; resets in 1 min 30 s");
  CHECK_FALSE(r.limits[1].remaining.has_value());
  REQUIRE(problem(r, "bad_number"));
  CHECK(problem(r, "bad_number")->header == "x-ratelimit-remaining-tokens");
  CHECK_FALSE(r.retry_after_ms.has_value());
  CHECK(r.retry_text.empty());
}

TEST_CASE("rate limits: nothing sent, nothing said") {
  const RateLimits r = read_rate_limits({{"content-type", "application/json"}, {"x-request-id", "abc"}}, kNow);
  CHECK(r.limits.empty());
  CHECK(r.problems.empty());
  CHECK_FALSE(r.retry_after_ms.has_value());
  CHECK(to_json_text(r) == R"({"limits":[],"problems":[],"retryAfter":null})");
  // Only one of the three: only that one is said; the window is never named.
  const RateLimits only = read_rate_limits({{"x-ratelimit-remaining-requests", "12"}}, kNow);
  REQUIRE(only.limits.size() == 1);
  CHECK(only.limits[0].text == "12 requests left");
  CHECK_FALSE(only.limits[0].limit.has_value());
  CHECK(only.limits[0].text.find("minute") == std::string::npos);
  const RateLimits reset_only = read_rate_limits({{"x-ratelimit-reset-tokens", "20ms"}}, kNow);
  REQUIRE(reset_only.limits.size() == 1);
  CHECK(reset_only.limits[0].text == "the tokens limit resets in 20 ms");
}

TEST_CASE("rate limits: Anthropic's RFC 3339 resets, with and without a clock") {
  const Headers headers = {{"anthropic-ratelimit-requests-limit", "50"},
                           {"anthropic-ratelimit-requests-remaining", "49"},
                           {"anthropic-ratelimit-requests-reset", "2026-12-05T10:00:06Z"},
                           {"anthropic-ratelimit-input-tokens-limit", "40000"},
                           {"anthropic-ratelimit-input-tokens-remaining", "39000"},
                           {"anthropic-ratelimit-input-tokens-reset", "2026-12-05T11:01:00+01:00"},
                           {"anthropic-ratelimit-output-tokens-remaining", "8000"}};
  const RateLimits r = read_rate_limits(headers, kNow);
  REQUIRE(r.limits.size() == 3);
  CHECK(r.limits[0].source == "anthropic");
  CHECK(r.limits[0].text == "49 of 50 requests left; resets in 6 s");
  CHECK(*r.limits[0].reset_at == kNow + 6000);
  CHECK(r.limits[1].kind == "input_tokens");
  CHECK(r.limits[1].text == "39,000 of 40,000 input tokens left; resets in 1 min");
  CHECK(r.limits[2].text == "8,000 output tokens left");
  CHECK(r.problems.empty());

  const RateLimits no_clock = read_rate_limits(headers, std::nullopt);
  CHECK(no_clock.limits[0].text == "49 of 50 requests left; resets at 2026-12-05 10:00:06 UTC");
  CHECK_FALSE(no_clock.limits[0].reset_ms.has_value());

  // A reset in the past is not said as "in 0 s"; the counts still are.
  const RateLimits past = read_rate_limits(
      {{"anthropic-ratelimit-tokens-remaining", "5"}, {"anthropic-ratelimit-tokens-reset", "2026-12-05T09:59:00Z"}},
      kNow);
  REQUIRE(past.limits.size() == 1);
  CHECK(past.limits[0].text == "5 tokens left");
  CHECK(problem(past, "reset_passed"));
  // Each provider's own form only: a duration in an Anthropic reset is not guessed at.
  const RateLimits wrong_form = read_rate_limits({{"anthropic-ratelimit-requests-reset", "6s"}}, kNow);
  CHECK(wrong_form.limits.empty());
  CHECK(problem(wrong_form, "bad_reset"));
  const RateLimits wrong_form2 = read_rate_limits({{"x-ratelimit-reset-requests", "2026-12-05T10:00:06Z"}}, kNow);
  CHECK(wrong_form2.limits.empty());
  CHECK(problem(wrong_form2, "bad_reset"));
}

TEST_CASE("rate limits: retry-after in seconds or as an HTTP date") {
  RateLimits r = read_rate_limits({{"retry-after", "20"}}, kNow);
  CHECK(*r.retry_after_ms == doctest::Approx(20000));
  CHECK(r.retry_text == "the provider asks to wait 20 s before retrying");
  r = read_rate_limits({{"Retry-After", "Sat, 05 Dec 2026 10:02:00 GMT"}}, kNow);
  CHECK(*r.retry_after_ms == doctest::Approx(120000));
  CHECK(*r.retry_at == kNow + 120000);
  CHECK(r.retry_text == "the provider asks to wait 2 min before retrying");
  r = read_rate_limits({{"retry-after", "Sat, 05 Dec 2026 10:02:00 GMT"}}, std::nullopt);
  CHECK(r.retry_text == "the provider asks to retry after 2026-12-05 10:02:00 UTC");
  for (const char* bad : {"-1", "1.5", "soon", "Saturday, 05-Dec-26 10:02:00 GMT", "Sat, 05 Dec 2026 10:02:00 UTC",
                          "Sat, 31 Feb 2026 10:02:00 GMT", "", "99999999999999999999"}) {
    CAPTURE(bad);
    r = read_rate_limits({{"retry-after", bad}}, kNow);
    CHECK_FALSE(r.retry_after_ms.has_value());
    CHECK_FALSE(r.retry_at.has_value());
    CHECK(problem(r, "bad_retry_after"));
  }
  r = read_rate_limits({{"retry-after", "Sat, 05 Dec 2026 09:02:00 GMT"}}, kNow);
  CHECK(problem(r, "reset_passed"));
  CHECK(r.retry_text.empty());
}

TEST_CASE("rate limits: inconsistent and repeated headers are not said") {
  RateLimits r =
      read_rate_limits({{"x-ratelimit-limit-requests", "10"}, {"x-ratelimit-remaining-requests", "11"}}, kNow);
  CHECK(r.limits.empty());
  CHECK(problem(r, "remaining_above_limit"));
  r = read_rate_limits({{"x-ratelimit-remaining-requests", "10"}, {"X-RateLimit-Remaining-Requests", "9"}}, kNow);
  CHECK(r.limits.empty());
  CHECK(problem(r, "conflicting"));
  r = read_rate_limits({{"x-ratelimit-remaining-requests", "10"}, {"x-ratelimit-remaining-requests", " 10 "}}, kNow);
  REQUIRE(r.limits.size() == 1);
  CHECK(r.problems.empty());
  for (const char* bad : {"1e3", "-5", "+5", "0x10", "1 000", "9.5", "", "1234567890123456"}) {
    CAPTURE(bad);
    r = read_rate_limits({{"x-ratelimit-limit-tokens", bad}}, kNow);
    CHECK(r.limits.empty());
    CHECK(problem(r, "bad_number"));
  }
}

TEST_CASE("rate limits: the parsers") {
  CHECK(*parse_go_duration("6s") == doctest::Approx(6000));
  CHECK(*parse_go_duration("1m30s") == doctest::Approx(90000));
  CHECK(*parse_go_duration("20ms") == doctest::Approx(20));
  CHECK(*parse_go_duration("2m59.56s") == doctest::Approx(179560));
  CHECK(*parse_go_duration("1h2m3.5s") == doctest::Approx(3723500));
  CHECK(*parse_go_duration("6m0s") == doctest::Approx(360000));
  CHECK(*parse_go_duration("0s") == doctest::Approx(0));
  CHECK(*parse_go_duration("1500us") == doctest::Approx(1.5));
  for (const char* bad : {"", "6", "s", "6x", "-6s", "6 s", ".5s", "6.s", "1m30", "10000h", "1d"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_go_duration(bad).has_value());
  }
  CHECK(*parse_rfc3339("2026-12-05T10:00:00Z") == kNow);
  CHECK(*parse_rfc3339("2026-12-05t10:00:00.250z") == kNow + 250);
  CHECK(*parse_rfc3339("2026-12-05T05:00:00-05:00") == kNow);
  CHECK(*parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(*parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800000);
  for (const char* bad :
       {"2026-12-05", "2026-12-05T10:00:00", "2026-13-05T10:00:00Z", "2026-02-30T10:00:00Z", "2026-12-05T24:00:00Z",
        "2026-12-05T10:00:00+5:00", "2026-12-05T10:00:00Zjunk", "1969-12-31T23:59:59Z", "2026-12-05T10:00:00."}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
  CHECK(*parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777000);
  CHECK(duration_words(20) == "20 ms");
  CHECK(duration_words(1500) == "1.5 s");
  CHECK(duration_words(6000) == "6 s");
  CHECK(duration_words(59560) == "1 min");
  CHECK(duration_words(90000) == "1 min 30 s");
  CHECK(duration_words(3723500) == "1 h 2 min");
  CHECK(duration_words(7200000) == "2 h");
}

TEST_CASE("forward_answer_headers: values redacted in place, the headroom read from the kept ones") {
  const std::string key = "sk-proj-Kq8Zt3mn456abcdefXYZ";
  const Headers sent = {{"x-request-id", "req_1"},
                        {"x-ratelimit-limit-requests", "10000"},
                        {"x-ratelimit-remaining-requests", "9999"},
                        {"x-ratelimit-reset-requests", "6s"},
                        {"x-ratelimit-limit-tokens", "tok-" + key.substr(4, 10)},  // a fragment of the key
                        {"retry-after", "20"}};
  const ForwardedHeaders out = forward_answer_headers(sent, {key}, kNow);
  REQUIRE(out.values.size() == sent.size());
  CHECK(out.values[0] == std::optional<std::string>("req_1"));
  CHECK(out.values[1] == std::optional<std::string>("10000"));
  CHECK_FALSE(out.values[4].has_value());  // dropped whole: not forwarded, and not read
  REQUIRE(out.headroom.has_value());
  REQUIRE(out.headroom->limits.size() == 1);
  CHECK(out.headroom->limits[0].text == "9,999 of 10,000 requests left; resets in 6 s");
  CHECK(out.headroom->problems.empty());  // the dropped header is not a "bad_number": it was never shown
  CHECK(out.headroom->retry_text == "the provider asks to wait 20 s before retrying");
  // The text the relay sends on: keys sorted, absent numbers null, a duration's ms as a number.
  CHECK(to_json_text(*out.headroom) ==
        R"({"limits":[{"kind":"requests","limit":10000,"remaining":9999,"resetAt":null,"resetMs":6000.0,)"
        R"("source":"openai","text":"9,999 of 10,000 requests left; resets in 6 s"}],"problems":[],)"
        R"("retryAfter":{"at":null,"ms":20000.0,"text":"the provider asks to wait 20 s before retrying"}})");
  // The same answer as read_rate_limits over what the page is shown.
  const Headers shown = {{"x-request-id", "req_1"},
                         {"x-ratelimit-limit-requests", "10000"},
                         {"x-ratelimit-remaining-requests", "9999"},
                         {"x-ratelimit-reset-requests", "6s"},
                         {"retry-after", "20"}};
  CHECK(to_json_text(*out.headroom) == to_json_text(read_rate_limits(shown, kNow)));
}

TEST_CASE("forward_answer_headers_in: over views, with a list made once, the same answer as over owned strings") {
  const std::string key = "sk-proj-Kq8Zt3mn456abcdefXYZ";
  const Headers sent = {{"x-request-id", "req_" + key.substr(6, 9)},
                        {"x-ratelimit-limit-requests", "10000"},
                        {"x-ratelimit-remaining-requests", "9999"},
                        {"retry-after", "20"}};
  const std::vector<std::pair<std::string_view, std::string_view>> views(sent.begin(), sent.end());
  for (const std::vector<std::string>& secrets : {std::vector<std::string>{}, std::vector<std::string>{key}}) {
    const ForwardedHeaders owned = forward_answer_headers(sent, secrets, kNow);
    const SecretsList list(secrets);
    for (int call = 0; call < 2; ++call) {  // the list's rule serves call after call
      const ForwardedHeaders viewed = forward_answer_headers_in(views, list.header_values(), kNow);
      CHECK(viewed.values == owned.values);
      REQUIRE(viewed.headroom.has_value() == owned.headroom.has_value());
      if (owned.headroom) CHECK(to_json_text(*viewed.headroom) == to_json_text(*owned.headroom));
    }
  }
  const SecretsList list({key});
  CHECK_FALSE(
      forward_answer_headers_in(views, list.header_values(), kNow).values[0].has_value());  // 9 bytes of the key
}

TEST_CASE("forward_answer_headers: no headroom when the headers say nothing of the key's limits") {
  CHECK_FALSE(forward_answer_headers({{"x-request-id", "req_1"}, {"openai-processing-ms", "181"}}, {}, kNow).headroom);
  CHECK_FALSE(forward_answer_headers({}, {}, kNow).headroom);
  // A malformed one is something to say: a problem, as the page showed it before.
  const auto bad = forward_answer_headers({{"x-ratelimit-remaining-tokens", "lots"}}, {}, kNow);
  REQUIRE(bad.headroom);
  REQUIRE(bad.headroom->problems.size() == 1);
  CHECK(bad.headroom->problems[0].code == "bad_number");
}
