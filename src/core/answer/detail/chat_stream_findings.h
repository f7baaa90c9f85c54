// What ChatStream's three source files share to file a finding about a chunk: the bound on
// repeats kept one by one, the paths they point at, and the two severities. One copy here:
// the per-chunk path (chat_stream.cpp), a chunk read whole (chat_stream_chunk.cpp) and the
// rare paths (chat_stream_extras.cpp) name the same chunk the same way.
#pragma once

#include "core/base/finding.h"
#include "core/base/json_path.h"
#include "core/base/json_util.h"
#include "core/provider/provider_error.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace pg::answer_detail {

// Chunk-level problems kept individually before being summarised.
constexpr std::size_t kKeepEach = 20;

// Paths are built only when a finding needs one: most chunks produce none.
inline std::string chunk_path(std::size_t number) { return index_path("chunks", number); }
inline std::string choice_path(std::size_t number, std::size_t choice, const char* rest = "") {
  return index_path(chunk_path(number) + ".choices", choice) + rest;
}

inline Finding err(FindingCode code, std::string path, std::string message) {
  return error_finding(code, std::move(path), std::move(message));
}
inline Finding warn(FindingCode code, std::string path, std::string message) {
  return warning_finding(code, std::move(path), std::move(message));
}

// An `event: error` whose data is not an error envelope: its text is the message.
inline ProviderError unreadable_error(std::string_view data) {
  ProviderError e;
  e.type = "text";
  e.message = excerpt(data, 300);
  return e;
}

}  // namespace pg::answer_detail
