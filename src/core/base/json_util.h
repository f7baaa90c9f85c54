// Shared JSON helpers for the core: a bounded, non-throwing parse and a dump that never
// fails on invalid UTF-8. Every piece of the core goes through these, so no input can
// make nlohmann/json throw (the core is built with JSON_NOEXCEPTION: a throw would abort).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pg {

using json = nlohmann::json;

// Deeper documents are refused before nlohmann sees them: its parser is iterative, but
// destroying and dumping a value recurses, and no chat payload nests this deep.
inline constexpr std::size_t kMaxJsonDepth = 128;

struct ParseOutcome {
  std::optional<json> value;  // set on success
  std::string error;          // a sentence for people when value is empty
};

// Parses `text` as one JSON value. Never throws; refuses nesting deeper than max_depth.
ParseOutcome parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// Serialises compactly; invalid UTF-8 inside strings is replaced (U+FFFD), never fatal.
std::string dump_json(const json& value);
// Appends `text` as one quoted JSON string, as dump_json writes strings (for replies written
// straight to text, without a JSON tree).
void append_json_string(std::string& out, std::string_view text);

// An object built in place from its members: what json{{"k1", v1}, {"k2", v2}} makes, without
// the temporary arrays and copies of nlohmann's initializer lists (several allocations per
// member), for objects built on every call (a message, a part, stream_options).
json object_of(std::string_view k1, json v1);
json object_of(std::string_view k1, json v1, std::string_view k2, json v2);

// Typed, non-throwing accessors. nlohmann's get<>() and at() throw on a type mismatch;
// these return nullptr / nullopt instead so callers can report a finding.
const json* member(const json& object, std::string_view key);
const std::string* string_member(const json& object, std::string_view key);
std::optional<double> number_member(const json& object, std::string_view key);
// A string member's text; "" when it is missing, not a string, or `object` is not an object.
std::string string_or_empty(const json& object, std::string_view key);

// "text/html; charset=utf-8" -> "text/html" (lower-cased, parameters dropped).
std::string media_type(std::string_view content_type);

// A short, single-line excerpt of arbitrary text for evidence and messages.
std::string excerpt(std::string_view text, std::size_t max_chars = 200);

}  // namespace pg
