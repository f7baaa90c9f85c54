// What kind of body a provider (or something in front of it) sent, whatever its
// Content-Type says: the one rule for each question, shared by the error parser, the
// response validator and the diagnosis.
//
// Every rule reads the body from its content start (after a UTF-8 byte order mark and
// ASCII white space), compares markers case-insensitively, and looks at most a bounded
// stretch of the body beyond that, so a 10 MB body costs one forward pass over its leading
// white space at worst. A content type, when the caller has one, is considered first: a
// server that labels its body says what it is.
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <string_view>

namespace pg::sniff {

// How far past the content start a rule looks for a marker that need not come first
// (the <html> after an XML prologue or a comment; an Anthropic stream's message_start).
inline constexpr std::size_t kLookAheadBytes = 2048;
// JSON bodies larger than this are not parsed to be recognised (no answer is this large
// with the shape a rule looks for, and parsing a hostile body costs memory).
inline constexpr std::size_t kMaxParsedBytes = 1024 * 1024;

// The body from its first meaningful byte: a UTF-8 BOM and is_space() bytes skipped.
std::string_view content_start(std::string_view body);

// An HTML page: the media type is text/html or application/xhtml+xml; or the body starts
// with "<!doctype html", "<html", "<head", "<body", "<title" or "<h1"; or it starts with an
// XML prologue ("<?xml") or a comment ("<!--") and "<html" follows within kLookAheadBytes.
bool is_html(std::string_view body, std::string_view content_type = {});

// A server-sent event stream: the media type is text/event-stream; or the body starts with
// an event-stream field ("data:", "event:", "id:", "retry:") or a comment line (":").
bool is_event_stream(std::string_view body, std::string_view content_type = {});

// Anthropic's native Messages API answer: {"type":"message","content":[…]} without the
// "choices" an OpenAI chat completion has.
bool is_anthropic_message(const json& value);
// One event of Anthropic's native stream: a "type" of message_start, message_delta,
// message_stop, content_block_start, content_block_delta, content_block_stop or ping, and
// no "choices".
bool is_anthropic_stream_event(const json& value);
// A body in Anthropic's native format: a JSON body (up to kMaxParsedBytes) that is
// is_anthropic_message(); or an event stream with, within kLookAheadBytes, the line
// "event: message_start" (the first event Anthropic sends) or a data line whose JSON has
// "type":"message_start" and no "choices".
bool is_anthropic_native(std::string_view body);

}  // namespace pg::sniff
