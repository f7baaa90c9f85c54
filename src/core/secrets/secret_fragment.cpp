// contains_secret_fragment() (core/secrets/redact.h): whether a text holds a run of raw
// bytes of a secret, for upstream header values; forwarded_header_value() and
// redact_header_values(), the relay's rule for those values with it.
#include "core/secrets/redact.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pg {

namespace {

std::size_t fragment_length(std::size_t secret_bytes) {
  return std::max<std::size_t>(6, std::min<std::size_t>(8, (secret_bytes + 1) / 2));
}

// n <= 8 bytes as one number: equal numbers, equal bytes (for a fixed n).
std::uint64_t pack(const char* bytes, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

bool contains_secret_fragment(std::string_view text, const std::vector<std::string>& secrets) {
  // Per fragment length (6, 7 or 8): every window of the text, sorted, then each of the
  // secrets' windows looked up. Header values are short, so the text's side is the small one.
  for (std::size_t len = 6; len <= 8; ++len) {
    if (text.size() < len) break;
    std::vector<std::uint64_t> windows;
    for (const std::string& s : secrets) {
      if (s.size() < kMinFragmentSecretBytes || fragment_length(s.size()) != len) continue;
      if (windows.empty()) {
        windows.reserve(text.size() - len + 1);
        for (std::size_t i = 0; i + len <= text.size(); ++i) windows.push_back(pack(text.data() + i, len));
        std::sort(windows.begin(), windows.end());
      }
      for (std::size_t i = 0; i + len <= s.size(); ++i)
        if (std::binary_search(windows.begin(), windows.end(), pack(s.data() + i, len))) return true;
    }
  }
  return false;
}

std::optional<std::string> forwarded_header_value(std::string_view value, const TextRedactor& redact,
                                                  const std::vector<std::string>& secrets) {
  std::string clean = redact(value);
  if (contains_secret_fragment(clean, secrets)) return std::nullopt;
  return clean;
}

std::vector<std::optional<std::string>> redact_header_values(const std::vector<std::string>& values,
                                                             const std::vector<std::string>& secrets) {
  const TextRedactor redact(secrets);
  std::vector<std::optional<std::string>> out;
  out.reserve(values.size());
  for (const std::string& value : values) out.push_back(forwarded_header_value(value, redact, secrets));
  return out;
}

}  // namespace pg
