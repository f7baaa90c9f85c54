// Removes secrets (provider keys) from text, including the encoded forms an answer can
// carry them in (JSON escapes, URL percent-encoding, base64) and the masked forms
// providers echo back in error messages ("sk-pro****AbCd", "sk-proj-…AbCd").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// What counts as a masked echo of a secret (see redact.cpp for the reasoning):
// a prefix of the secret of at least kMinEchoedPrefix bytes, then at most
// kMaxEchoGapBytes further key characters (A-Z a-z 0-9 - _), then a run of mask
// characters ('*', '.', '…') worth at least 3 ('…' alone is enough) and at most
// kMaxMaskRunBytes bytes long (counted after decoding escapes), then the secret's last
// kMinEchoTail to kMaxEchoTail characters. Only secrets of at least kMinMaskedSecretChars
// characters are matched in masked form.
inline constexpr std::size_t kMinEchoedPrefix = 3;
inline constexpr std::size_t kMaxEchoGapBytes = 16;
inline constexpr std::size_t kMaxMaskRunBytes = 256;
inline constexpr std::size_t kMinMaskedSecretChars = 8;
inline constexpr std::size_t kMinEchoTail = 3;
inline constexpr std::size_t kMaxEchoTail = 8;
// Secrets of at least this many characters are also matched base64-encoded (the part of
// the encoding their bytes alone determine), and count for contains_secret_fragment().
inline constexpr std::size_t kMinBase64SecretChars = 12;
inline constexpr std::size_t kMinFragmentSecretBytes = 12;

// Every occurrence of a secret is replaced by kRedacted: raw; with any of its bytes written
// as a JSON escape (\" \\ \/ \b \f \n \r \t \uXXXX) or URL-encoded (%XX), in any mix; as the
// stable middle of its base64 encoding (standard or URL-safe alphabet, any alignment); and
// as a masked echo. Empty secrets are ignored. Occurrences that overlap become one
// kRedacted (so a secret inside a longer one, or two overlapping secrets, leave nothing
// behind); occurrences that merely touch each get their own. (The page's build, compiled
// with PG_REDACT_WHOLE_TEXT, has no matcher: any non-empty text with a non-empty secret in
// the list becomes kRedacted whole. The page never passes secrets.)
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

namespace detail {
struct Matcher;       // the secrets' forms, worked out once (core/secrets/detail/matcher.h)
struct SharedForms {  // tags the constructors that take forms already worked out (SecretsList's)
};
}  // namespace detail

// redact() for many texts against one list: the list's forms are looked up (or worked out)
// once, not once per text. For a header block, a list of values, a value per line.
class TextRedactor {
 public:
  explicit TextRedactor(const std::vector<std::string>& secrets);
  std::string operator()(std::string_view text) const;

 private:
  // Over a list's forms already worked out (null: no secrets): SecretsList's, shared.
  friend class HeaderValueRedactor;
  TextRedactor(detail::SharedForms, std::shared_ptr<const detail::Matcher> matcher);

  std::shared_ptr<const detail::Matcher> matcher_;  // null: no secrets (and in the page's build)
  bool any_ = false;                                // some secret in the list is non-empty
};

// Whether `text` holds a run of consecutive raw bytes of any secret of at least
// kMinFragmentSecretBytes bytes: at least min(8, ceil(len / 2)) bytes (never fewer than 6).
// For upstream header values: a key split across two headers survives redaction of each
// value, so a value carrying a fragment is dropped whole.
bool contains_secret_fragment(std::string_view text, const std::vector<std::string>& secrets);

// The fragments contains_secret_fragment() looks for, worked out once from a list: for many
// texts against one list (every header value of an answer).
class SecretFragments {
 public:
  explicit SecretFragments(const std::vector<std::string>& secrets);
  bool found_in(std::string_view text) const;

 private:
  // Per fragment length (6, 7, 8 bytes): every window of that length of the secrets that
  // use it, packed as a number, sorted and without repeats.
  std::array<std::vector<std::uint64_t>, 3> windows_;
};

// One list's rule for upstream header values, as the relay forwards them: a value redacted,
// or none (nullopt) when what redaction leaves still holds a fragment of a secret. Made from
// the list once, so its redaction and its fragment check cannot disagree on the list.
class HeaderValueRedactor {
 public:
  explicit HeaderValueRedactor(const std::vector<std::string>& secrets) : redact_(secrets), fragments_(secrets) {}
  std::optional<std::string> operator()(std::string_view value) const;

 private:
  // With the list's forms already worked out: SecretsList's, shared with its stream redactor.
  friend class SecretsList;
  HeaderValueRedactor(const std::vector<std::string>& secrets, std::shared_ptr<const detail::Matcher> matcher)
      : redact_(detail::SharedForms{}, std::move(matcher)), fragments_(secrets) {}

  TextRedactor redact_;
  SecretFragments fragments_;
};

// Upstream header values as the relay forwards them, in one pass: HeaderValueRedactor's rule
// for each.
std::vector<std::optional<std::string>> redact_header_values(const std::vector<std::string>& values,
                                                             const std::vector<std::string>& secrets);

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
  // (of any secret, in any of its forms) can span. A few kilobytes for real keys: a byte
  // can be written as up to 18 bytes (a \u00XX escape with its characters %-encoded).
  std::size_t window() const;

 private:
  // Over a list's forms already worked out (null: no secrets): SecretsList's, shared.
  friend class SecretsList;
  StreamRedactor(detail::SharedForms, std::shared_ptr<const detail::Matcher> matcher) : matcher_(std::move(matcher)) {}

  std::shared_ptr<const detail::Matcher> matcher_;  // null: no secrets
  std::string pending_;                             // undecided tail of the input
  std::size_t covered_ = 0;                         // bytes of pending_ already inside an emitted kRedacted
};

// One list of secrets worked out once, for what the relay does with it on every call: a
// stream redactor for the answer's body (a copy of the prototype, sharing its matcher) and
// the rule for the answer's header values (its fragments packed and sorted once). The relay
// keeps one per list, and its lists are one per configuration snapshot and host, so a call
// neither hands the core the secrets again nor works out their forms. The forms are worked out
// once for both (a list too large for the matchers' cache would otherwise be compiled twice).
class SecretsList {
 public:
  explicit SecretsList(const std::vector<std::string>& secrets);
  StreamRedactor stream() const { return stream_; }  // nothing pushed: a fresh redactor
  const HeaderValueRedactor& header_values() const { return header_values_; }

 private:
  SecretsList(const std::vector<std::string>& secrets, std::shared_ptr<const detail::Matcher> matcher)
      : stream_(detail::SharedForms{}, matcher), header_values_(secrets, std::move(matcher)) {}

  StreamRedactor stream_;  // never pushed into
  HeaderValueRedactor header_values_;
};

}  // namespace pg
