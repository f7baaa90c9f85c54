// The relay's pass over a provider's answer headers (answer_headers.h).
#include "core/provider/answer_headers.h"

namespace pg {

ForwardedHeaders forward_answer_headers_in(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                                           const HeaderValueRedactor& forwarded, std::optional<std::int64_t> now_ms) {
  ForwardedHeaders out;
  out.values.reserve(headers.size());
  for (const auto& header : headers) out.values.push_back(forwarded(header.second));

  // The headroom is read from what the page is shown: redacted values, none that was left out
  // (views into out.values, which is complete and does not move again).
  std::vector<std::pair<std::string_view, std::string_view>> kept;
  kept.reserve(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i)
    if (out.values[i]) kept.emplace_back(headers[i].first, *out.values[i]);
  RateLimits limits = read_rate_limits_in(kept, now_ms);
  if (!limits.limits.empty() || limits.retry_after_ms || limits.retry_at || !limits.problems.empty())
    out.headroom = std::move(limits);
  return out;
}

ForwardedHeaders forward_answer_headers(const std::vector<std::pair<std::string, std::string>>& headers,
                                        const std::vector<std::string>& secrets, std::optional<std::int64_t> now_ms) {
  const std::vector<std::pair<std::string_view, std::string_view>> views(headers.begin(), headers.end());
  // The secrets' forms and fragments are worked out once for the whole block, not per value.
  return forward_answer_headers_in(views, HeaderValueRedactor(secrets), now_ms);
}

}  // namespace pg
