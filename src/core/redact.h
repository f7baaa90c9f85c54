// Removes secrets (provider keys) from text, including the masked forms providers echo
// back in error messages ("sk-pro****AbCd", "sk-proj-…AbCd").
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// What counts as a masked echo of a secret (see redact.cpp for the reasoning):
// a prefix of the secret of at least kMinEchoedPrefix bytes, then at most
// kMaxEchoGapBytes further key characters (A-Z a-z 0-9 - _), then a run of mask
// characters ('*', '.', '…') worth at least 3 ('…' alone is enough) and at most
// kMaxMaskRunBytes bytes long, then the secret's last 4 characters. Only secrets of at
// least kMinMaskedSecretChars characters are matched in masked form.
inline constexpr std::size_t kMinEchoedPrefix = 3;
inline constexpr std::size_t kMaxEchoGapBytes = 16;
inline constexpr std::size_t kMaxMaskRunBytes = 256;
inline constexpr std::size_t kMinMaskedSecretChars = 8;

// Every occurrence of a secret, its JSON-escaped form, and its masked echoes is replaced
// by kRedacted. Empty secrets are ignored. Occurrences that overlap become one kRedacted
// (so a secret inside a longer one, or two overlapping secrets, leave nothing behind);
// occurrences that merely touch each get their own.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// The same over a byte stream split anywhere: it holds back just enough of the tail to
// catch a secret (or a masked echo) that straddles two chunks, and emits the rest at once.
// For any split of the input, the concatenated output equals redact() of the whole.
class StreamRedactor {
 public:
  explicit StreamRedactor(std::vector<std::string> secrets);
  // Returns the bytes that are now safe to forward.
  std::string push(std::string_view bytes);
  // The end of the stream: everything still held back, redacted.
  std::string finish();
  std::size_t held_back() const { return pending_.size(); }
  // The most held_back() can ever be after push() returns: the longest text one match
  // (of any secret, in any of its forms) can span. A few hundred bytes for real keys.
  std::size_t window() const { return window_; }

 private:
  std::vector<std::string> secrets_;  // non-empty, deduplicated
  std::vector<std::size_t> tails_;    // where each secret's last 4 characters start (npos: no echoes)
  std::array<bool, 256> starts_{};    // bytes at which a match can start
  std::size_t window_ = 0;            // the longest match any secret or mask can produce
  std::string pending_;               // undecided tail of the input
  std::size_t covered_ = 0;           // bytes of pending_ already inside an emitted kRedacted
};

}  // namespace pg
