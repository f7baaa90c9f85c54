// A JSON writer for nlohmann/json values, byte-for-byte the output of nlohmann's
// dump(indent, ' ', false, error_handler_t::replace), but fast in WebAssembly: strings are
// copied in runs found eight bytes at a time instead of one call per byte, which is where
// every answer's text spends its time on the way to the page. Invalid UTF-8 in a string
// becomes U+FFFD (one per maximal ill-formed subpart), never an error.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace pg {

// Appends `value` to `out`. indent < 0: compact; otherwise pretty-printed with that many
// spaces per level, as nlohmann does.
void write_json(const nlohmann::json& value, std::string& out, int indent = -1);

// Appends `text` as a quoted JSON string.
void write_json_string(std::string_view text, std::string& out);

// How many bytes write_json_string(text) appends, without writing them (for size limits
// checked before a body is serialised).
std::size_t json_string_size(std::string_view text);

}  // namespace pg
