// A JSON reader that builds nlohmann/json values directly.
//
// Why not nlohmann's own parser: in WebAssembly its lexer costs tens of nanoseconds per
// byte (a virtual-ish input adapter, a token buffer kept for error messages, one call per
// character), which made every body the core reads about ten times slower than native.
// This reader walks the bytes with plain pointers, copies string runs in bulk, checks
// eight bytes at a time for the common "nothing to escape" case, and reports where the
// text went wrong. It accepts exactly what nlohmann accepts (RFC 8259, strict UTF-8 in
// strings, a leading UTF-8 byte-order mark skipped, later duplicate keys win, integers as
// int64/uint64 when they fit) — tests/native/json_reader_test.cpp checks that against
// nlohmann on fixtures and on random mutations.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace pg {

struct JsonReadError {
  enum class Kind { None, Empty, TooDeep, Truncated, Malformed };
  Kind kind = Kind::None;
  std::size_t offset = 0;  // byte offset of the problem in the text
  std::string detail;      // what was wrong there, for people ("expected ':' after a key")
};

// Reads exactly one JSON value from `text` (surrounding whitespace allowed) into `out`.
// Containers nested deeper than `max_depth` are refused without recursing further.
// Returns false with `error` set on any problem; never throws, never aborts.
bool read_json(std::string_view text, std::size_t max_depth, nlohmann::json& out, JsonReadError& error);

}  // namespace pg
