// Removes secrets (provider keys) from text, including the masked forms providers echo
// back in error messages ("sk-pro****AbCd", "sk-proj-…AbCd").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Every occurrence of a secret, its JSON-escaped form, and its masked echoes is replaced
// by kRedacted. Empty secrets are ignored.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// The same over a byte stream split anywhere: it holds back just enough of the tail to
// catch a secret (or a masked echo) that straddles two chunks, and emits the rest at once.
class StreamRedactor {
 public:
  explicit StreamRedactor(std::vector<std::string> secrets);
  // Returns the bytes that are now safe to forward.
  std::string push(std::string_view bytes);
  // The end of the stream: everything still held back, redacted.
  std::string finish();
  std::size_t held_back() const { return pending_.size(); }

 private:
  std::vector<std::string> secrets_;
  std::size_t window_ = 0;  // the longest match any secret or mask can produce
  std::string pending_;
};

}  // namespace pg
