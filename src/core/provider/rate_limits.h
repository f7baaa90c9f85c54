// A key's headroom, read from the rate-limit headers a provider sent with its answer:
// OpenAI's (and Groq's, Azure's, DeepSeek's, …) x-ratelimit-{limit,remaining,reset}-{requests,
// tokens}, with resets as Go-style durations ("6s", "1m30s", "20ms"); Anthropic's
// anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset},
// with resets as RFC 3339 times; and retry-after (delay-seconds or an HTTP date). Only what the
// headers say: a missing header gives nothing, a malformed one a problem code and nothing,
// never a guessed number. The window of a limit is not in these headers and is never named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

// Why a rate-limit header was not read: a closed list (web/core.d.ts's RateLimitProblem).
//   bad_number             a limit or remaining count that is not a whole number (digits only)
//   bad_reset              a reset that is not a duration (OpenAI's form) or an RFC 3339 time (Anthropic's)
//   bad_retry_after        retry-after neither delay-seconds nor an HTTP date
//   remaining_above_limit  more left than the limit: both numbers are dropped
//   reset_passed           an absolute reset or retry time before `now`: not said
//   conflicting            the same header twice with different values
inline constexpr std::string_view kRateLimitProblems[] = {
    "bad_number", "bad_reset", "bad_retry_after", "remaining_above_limit", "reset_passed", "conflicting",
};

// Bounds: a count has at most 15 digits; a header value past kMaxRateLimitValueBytes is malformed;
// a reset or retry further than kMaxResetMs ahead is malformed.
inline constexpr std::size_t kMaxRateLimitValueBytes = 64;
inline constexpr double kMaxResetMs = 400.0 * 24 * 3600 * 1000;

// One limit the key is under, as far as the headers tell.
struct Headroom {
  std::string kind;    // "requests" | "tokens" | "input_tokens" | "output_tokens"
  std::string source;  // "openai" (x-ratelimit-*) | "anthropic" (anthropic-ratelimit-*)
  std::optional<std::uint64_t> limit;
  std::optional<std::uint64_t> remaining;
  std::optional<double> reset_ms;        // from now (a duration, or an absolute time minus now)
  std::optional<std::int64_t> reset_at;  // ms since the epoch, when the provider sent a time
  std::string text;                      // "9,998 of 10,000 requests left; resets in 6 s"
};

struct RateLimitProblem {
  std::string code;    // a kRateLimitProblems entry
  std::string header;  // the header's name (lower-case)
  std::string message;
};

struct RateLimits {
  std::vector<Headroom> limits;  // requests, tokens, input tokens, output tokens; OpenAI's then Anthropic's
  std::optional<double> retry_after_ms;
  std::optional<std::int64_t> retry_at;  // ms since the epoch, when retry-after was a date
  std::string retry_text;                // "the provider asks to wait 20 s before retrying"
  std::vector<RateLimitProblem> problems;
};

// `headers`: the response's headers (names in any case). `now_ms`: the caller's clock, ms since
// the epoch, to turn absolute times into "in …"; without it an absolute time is said as a time.
RateLimits read_rate_limits(const std::vector<std::pair<std::string, std::string>>& headers,
                            std::optional<std::int64_t> now_ms);
// The same over views of the headers (the relay's pass reads the values it keeps in place).
RateLimits read_rate_limits_in(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                               std::optional<std::int64_t> now_ms);

// Parsers, exposed for the tests. A Go-style duration ("1m30s", "20ms", "0.5s", "1h2m3.5s") in ms;
// an RFC 3339 date-time ("2026-12-05T10:00:06Z", "…T10:00:06.5+01:00") and an IMF-fixdate HTTP
// date ("Sat, 05 Dec 2026 10:00:06 GMT") in ms since the epoch; a count (digits only).
std::optional<double> parse_go_duration(std::string_view text);
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
std::optional<std::int64_t> parse_http_date(std::string_view text);
std::optional<std::uint64_t> parse_count(std::string_view text);
// "20 ms", "6 s", "1.5 s", "1 min 30 s", "2 h 5 min"
std::string duration_words(double ms);

// {limits:[{kind,source,limit,remaining,resetMs,resetAt,text}], retryAfter:{ms,at,text}|null,
//  problems:[{code,header,message}]} as JSON text (what the relay sends with a forwarded answer,
// web/contract.js HEADROOM_HEADER); absent numbers are null, resetAt ms since the epoch or null.
std::string to_json_text(const RateLimits& limits);

}  // namespace pg
