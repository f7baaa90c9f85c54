// What JavaScript's JSON.parse (after a TextDecoder) would make of a chat request's bytes,
// for the rare request the core's own reader refuses (chat_request.cpp).
//
// The relay used to read a request with `JSON.parse(new TextDecoder().decode(bytes))` and
// only then hand the body to the core, so a request JSON.parse accepts but the core's strict
// reader does not was not "invalid JSON" but a body the core refused later, after the model
// was looked up. Those requests are: invalid UTF-8 inside a string (the decoder replaced it
// by U+FFFD), a \u escape of a lone surrogate, a number too large for a double (JSON.parse
// made it Infinity, which JSON.stringify wrote as null), and nesting past kMaxJsonDepth.
// This reader accepts exactly those on top of RFC 8259, without building anything and
// without recursing (any depth, bounded by the input's size), so the relay's answers stay
// what they were. Never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pg::request_detail {

struct JsEnvelope {
  bool valid = false;   // JSON.parse would accept the whole text
  bool object = false;  // its top-level value is an object
  std::optional<std::string>
      model;              // the last "model" member when it is a string (UTF-8; U+FFFD for what JS could not carry)
  bool has_body = false;  // a "body" member (the last one counts)
  std::size_t body_begin = 0;  // its value's bytes in the text
  std::size_t body_end = 0;
};

// Reads {"model": …, "body": …} as JSON.parse would; the body is only delimited.
JsEnvelope read_js_envelope(std::string_view text);

// The bytes of one JSON value (valid as read_js_envelope found it) as the relay's old path
// handed them on: invalid UTF-8 inside strings replaced by U+FFFD, numbers a double cannot
// hold written as null. Lone surrogate escapes and depth are left for the core's reader to
// refuse.
std::string normalise_js_value(std::string_view value);

}  // namespace pg::request_detail
