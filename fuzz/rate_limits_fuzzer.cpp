// read_rate_limits() on arbitrary response headers, with and without a clock. Invariants: the
// reply is valid UTF-8 JSON; every problem code is listed; nothing is guessed — each number
// said is exactly the one its header carries (parse_count of that header's value), a limit is
// said only when one of its headers came, remaining never exceeds the limit, a reset is
// within [0, kMaxResetMs]; and the order of the headers does not change the answer. And the
// relay's pass (forward_answer_headers): values in place, redacted or left out, and the
// headroom exactly the reading of the values kept.
//
// Input: [flags byte: bit 0 = a clock][6 bytes: now, ms, little-endian][headers: "name:value" lines].
#include "core/provider/answer_headers.h"
#include "core/provider/rate_limits.h"
#include "core/secrets/redact.h"
#include "fuzz_util.h"

#include <algorithm>

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string header_base(const pg::Headroom& h, const char* part) {
  if (h.source == "openai") return std::string("x-ratelimit-") + part + "-" + h.kind;
  std::string kind = h.kind;
  std::replace(kind.begin(), kind.end(), '_', '-');
  return "anthropic-ratelimit-" + kind + "-" + part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const bool has_clock = in.byte() & 1u;
  std::int64_t now = 0;
  for (int i = 0; i < 6; ++i) now |= static_cast<std::int64_t>(in.byte()) << (8 * i);
  std::vector<std::pair<std::string, std::string>> headers;
  while (!in.done()) {
    const std::string_view line = in.until('\n');
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  const std::optional<std::int64_t> clock = has_clock ? std::optional<std::int64_t>(now) : std::nullopt;
  const pg::RateLimits r = pg::read_rate_limits(headers, clock);
  const std::string text = pg::to_json_text(r);
  // What the relay sends: valid UTF-8 JSON, and the same text a JSON tree of it would give.
  PGFUZZ_CHECK(pgfuzz::valid_utf8(text));
  const auto parsed = pg::parse_json(text);
  PGFUZZ_CHECK(parsed.value.has_value() && pg::dump_json(*parsed.value) == text);

  for (const pg::RateLimitProblem& p : r.problems) {
    PGFUZZ_CHECK(std::find(std::begin(pg::kRateLimitProblems), std::end(pg::kRateLimitProblems), p.code) !=
                 std::end(pg::kRateLimitProblems));
  }
  const auto sent = [&](const std::string& name) -> const std::string* {
    const std::string* found = nullptr;
    for (const auto& [n, v] : headers)
      if (lower(n) == name) found = &v;
    return found;
  };
  for (const pg::Headroom& h : r.limits) {
    PGFUZZ_CHECK(h.limit || h.remaining || h.reset_ms || h.reset_at);
    PGFUZZ_CHECK(!h.text.empty() && pgfuzz::valid_utf8(h.text));
    if (h.limit) {
      const std::string* v = sent(header_base(h, "limit"));
      PGFUZZ_CHECK(v && pg::parse_count(*v) == h.limit);
    }
    if (h.remaining) {
      const std::string* v = sent(header_base(h, "remaining"));
      PGFUZZ_CHECK(v && pg::parse_count(*v) == h.remaining);
    }
    if (h.limit && h.remaining) PGFUZZ_CHECK(*h.remaining <= *h.limit);
    if (h.reset_ms || h.reset_at) PGFUZZ_CHECK(sent(header_base(h, "reset")) != nullptr);
    if (h.reset_ms) PGFUZZ_CHECK(*h.reset_ms >= 0 && *h.reset_ms <= pg::kMaxResetMs);
    if (h.reset_at) PGFUZZ_CHECK(h.source == "anthropic");
  }
  if (r.retry_after_ms || r.retry_at) {
    PGFUZZ_CHECK(sent("retry-after") != nullptr);
    PGFUZZ_CHECK(!r.retry_text.empty());
  }
  if (r.retry_after_ms) PGFUZZ_CHECK(*r.retry_after_ms >= 0 && *r.retry_after_ms <= pg::kMaxResetMs);

  // The headers' order does not matter.
  std::vector<std::pair<std::string, std::string>> reversed(headers.rbegin(), headers.rend());
  PGFUZZ_CHECK(pg::to_json_text(pg::read_rate_limits(reversed, clock)) == text);

  // The relay's pass (forward_answer_headers): with no secret every value is kept as it came,
  // and the headroom is exactly this reading, or none when the reading says nothing.
  const pg::ForwardedHeaders forwarded = pg::forward_answer_headers(headers, {}, clock);
  PGFUZZ_CHECK(forwarded.values.size() == headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) PGFUZZ_CHECK(forwarded.values[i] == headers[i].second);
  const bool says = !r.limits.empty() || r.retry_after_ms || r.retry_at || !r.problems.empty();
  PGFUZZ_CHECK(forwarded.headroom.has_value() == says);
  if (forwarded.headroom) PGFUZZ_CHECK(pg::to_json_text(*forwarded.headroom) == text);
  // With a secret taken from the input, the headroom is read from the kept (redacted) values
  // only: exactly read_rate_limits over what the page is shown.
  if (!headers.empty() && headers[0].second.size() >= 12) {
    const std::vector<std::string> secrets = {headers[0].second};
    const pg::ForwardedHeaders hidden = pg::forward_answer_headers(headers, secrets, clock);
    PGFUZZ_CHECK(hidden.values.size() == headers.size());
    // The relay's form: views of the headers, the list worked out once; the same answer.
    const pg::SecretsList list(secrets);
    const std::vector<std::pair<std::string_view, std::string_view>> views(headers.begin(), headers.end());
    const pg::ForwardedHeaders kept = pg::forward_answer_headers_in(views, list.header_values(), clock);
    PGFUZZ_CHECK(kept.values == hidden.values);
    PGFUZZ_CHECK(kept.headroom.has_value() == hidden.headroom.has_value());
    if (kept.headroom) PGFUZZ_CHECK(pg::to_json_text(*kept.headroom) == pg::to_json_text(*hidden.headroom));
    std::vector<std::pair<std::string, std::string>> shown;
    for (std::size_t i = 0; i < headers.size(); ++i) {
      if (!hidden.values[i]) continue;
      PGFUZZ_CHECK(*hidden.values[i] == pg::redact(headers[i].second, secrets));
      shown.emplace_back(headers[i].first, *hidden.values[i]);
    }
    const pg::RateLimits expected = pg::read_rate_limits(shown, clock);
    if (hidden.headroom)
      PGFUZZ_CHECK(pg::to_json_text(*hidden.headroom) == pg::to_json_text(expected));
    else
      PGFUZZ_CHECK(expected.limits.empty() && !expected.retry_after_ms && !expected.retry_at &&
                   expected.problems.empty());
  }
  return 0;
}
