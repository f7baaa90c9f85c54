// The one builder of JSON paths, the locations that field errors, findings and resource
// errors name: "messages[2].content", "params.temperature", "models[0].retry.max_attempts".
//
// The rule:
// - a key is appended as ".key" ("key" alone at the root), written bare: never quoted or
//   escaped, even when it is not an identifier, because the page maps field errors back to
//   its inputs by these exact strings ("params.temperature") and a caller may pass a dotted
//   tail ("function.name");
// - keys come from users and providers, so a key that would make the path unreadable
//   (longer than kMaxPathKeyChars, or holding white space or control bytes) is shown as
//   excerpt(key, kMaxPathKeyChars): one line, bounded, "..." at the cut;
// - the empty key adds nothing after its dot ("extra." for extra's "" key: the request
//   builder's tests and the page rely on it; a caller that wants it visible passes "\"\"");
// - an index is appended as "[i]" (a root index is "[i]" alone).
//
// Header-only: the stream validator builds paths per chunk.
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace pg {

inline constexpr std::size_t kMaxPathKeyChars = 64;

// "<path>.<key>", or "<key>" when path is empty.
inline std::string join_path(std::string_view path, std::string_view key) {
  bool plain = key.size() <= kMaxPathKeyChars;
  for (std::size_t i = 0; plain && i < key.size(); ++i) plain = static_cast<unsigned char>(key[i]) > 0x20;
  std::string shown = plain ? std::string(key) : excerpt(key, kMaxPathKeyChars);
  if (path.empty()) return shown;
  std::string out;
  out.reserve(path.size() + 1 + shown.size());
  out.append(path).append(1, '.').append(shown);
  return out;
}

// "<path>[<index>]".
inline std::string index_path(std::string_view path, std::size_t index) {
  std::string out(path);
  out.append(1, '[').append(std::to_string(index)).append(1, ']');
  return out;
}

}  // namespace pg
