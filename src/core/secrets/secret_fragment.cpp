// contains_secret_fragment() and SecretFragments (core/secrets/redact.h): whether a text holds
// a run of raw bytes of a secret, for upstream header values; HeaderValueRedactor and
// redact_header_values(), the relay's rule for those values with it; and SecretsList, which
// works a list's forms out once for that rule and for the answer's stream redactor.
#include "core/secrets/redact.h"

#include "core/secrets/detail/matcher.h"

#include <algorithm>
#include <cstdint>
#include <utility>
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

SecretFragments::SecretFragments(const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.size() < kMinFragmentSecretBytes) continue;
    const std::size_t len = fragment_length(s.size());
    auto& windows = windows_[len - 6];
    windows.reserve(windows.size() + s.size() - len + 1);
    for (std::size_t i = 0; i + len <= s.size(); ++i) windows.push_back(pack(s.data() + i, len));
  }
  for (auto& windows : windows_) {
    std::sort(windows.begin(), windows.end());
    windows.erase(std::unique(windows.begin(), windows.end()), windows.end());
  }
}

bool SecretFragments::found_in(std::string_view text) const {
  // Each of the text's windows looked up among the secrets': a header value is short, and
  // the secrets' side, sorted once, serves every value of the block.
  for (std::size_t len = 6; len <= 8; ++len) {
    const auto& windows = windows_[len - 6];
    if (windows.empty() || text.size() < len) continue;
    for (std::size_t i = 0; i + len <= text.size(); ++i)
      if (std::binary_search(windows.begin(), windows.end(), pack(text.data() + i, len))) return true;
  }
  return false;
}

bool contains_secret_fragment(std::string_view text, const std::vector<std::string>& secrets) {
  return SecretFragments(secrets).found_in(text);
}

// (In the page's build TextRedactor reads only any_: a text with secrets is withheld whole.)
TextRedactor::TextRedactor(detail::SharedForms, std::shared_ptr<const detail::Matcher> matcher)
    : matcher_(std::move(matcher)), any_(matcher_ != nullptr) {}

SecretsList::SecretsList(const std::vector<std::string>& secrets)
    : SecretsList(secrets, detail::matcher_for(secrets)) {}

std::optional<std::string> HeaderValueRedactor::operator()(std::string_view value) const {
  std::string clean = redact_(value);
  if (fragments_.found_in(clean)) return std::nullopt;
  return clean;
}

std::vector<std::optional<std::string>> redact_header_values(const std::vector<std::string>& values,
                                                             const std::vector<std::string>& secrets) {
  const HeaderValueRedactor forwarded(secrets);
  std::vector<std::optional<std::string>> out;
  out.reserve(values.size());
  for (const std::string& value : values) out.push_back(forwarded(value));
  return out;
}

}  // namespace pg
