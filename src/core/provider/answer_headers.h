// The provider's answer headers as the relay forwards them to the page, in one pass: each value
// redacted, or left out when a fragment of a key is still in it (redact_header_values), and the
// key's headroom read from the headers that were kept (read_rate_limits). The relay sends the
// headroom with the answer, so the page shows it without carrying the rate-limit reader in its
// download, and reads it from exactly the values it is shown.
#pragma once

#include "core/provider/rate_limits.h"
#include "core/secrets/redact.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

struct ForwardedHeaders {
  // One per input header, in place: the redacted value, or none when it is left out.
  std::vector<std::optional<std::string>> values;
  // What the kept headers say about the key's limits; none when they say nothing at all (no
  // limit, no retry-after, no problem), as for an answer without rate-limit headers.
  std::optional<RateLimits> headroom;
};

// `headers`: the (name, value) pairs the relay would forward, names lower-case; `secrets`: every
// secret the answer is redacted against; `now_ms`: the relay's clock when the headers arrived.
ForwardedHeaders forward_answer_headers(const std::vector<std::pair<std::string, std::string>>& headers,
                                        const std::vector<std::string>& secrets, std::optional<std::int64_t> now_ms);
// The same over views of the headers (the binding reads them in place from its input), with
// the list's rule made once (SecretsList::header_values, kept by the relay per list).
ForwardedHeaders forward_answer_headers_in(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                                           const HeaderValueRedactor& forwarded, std::optional<std::int64_t> now_ms);

}  // namespace pg
