// The Emscripten binding: converts values at the boundary and holds no logic.
//
// Protocol (web/core.js is its only caller): JS writes the input (UTF-8 JSON, or raw
// bytes for streams) into memory it got from pg_alloc, calls a function, and reads the
// reply from pg_result_ptr()/pg_result_len() before the next call. Replies are JSON,
// except the redactor's, which are raw bytes. Nothing here throws: the core never does,
// and malformed input from the wrapper becomes {"error":{...}}.
#include <emscripten/emscripten.h>

#include "core/errors.h"
#include "core/json_util.h"
#include "core/redact.h"
#include "core/request.h"
#include "core/response.h"
#include "core/sse.h"

#include <cstdlib>
#include <string>

namespace {

std::string g_result;

std::size_t reply(std::string text) {
  g_result = std::move(text);
  return g_result.size();
}

std::size_t reply(const pg::json& value) { return reply(pg::dump_json(value)); }

std::size_t reply_error(const std::string& code, const std::string& message) {
  return reply(pg::json{{"error", {{"code", code}, {"message", message}}}});
}

// Parses the wrapper's JSON argument; on failure replies with an error and returns false.
bool read_input(const char* ptr, std::size_t len, pg::json& out) {
  auto parsed = pg::parse_json(std::string_view(ptr, len));
  if (!parsed.value) {
    reply_error("bad_input", "the core was given invalid JSON: " + parsed.error);
    return false;
  }
  out = std::move(*parsed.value);
  return true;
}

std::vector<std::string> string_list(const pg::json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& v : value)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

pg::SseLimits limits_from(std::size_t max_line_bytes) {
  pg::SseLimits limits;
  if (max_line_bytes > 0) limits.max_line_bytes = max_line_bytes;
  return limits;
}

pg::json events_to_json(const std::vector<pg::SseEvent>& events) {
  pg::json out = pg::json::array();
  for (const auto& e : events) {
    out.push_back({{"event", e.event},
                   {"data", e.data},
                   {"id", e.id ? pg::json(*e.id) : pg::json(nullptr)},
                   {"retry", e.retry ? pg::json(*e.retry) : pg::json(nullptr)}});
  }
  return out;
}

struct SseHandle {
  pg::SseDecoder decoder;
  std::vector<pg::SseEvent> events;
  explicit SseHandle(pg::SseLimits l) : decoder(l) {}
};

std::size_t reply_events(SseHandle& h) {
  pg::json out = {{"events", events_to_json(h.events)}};
  if (h.decoder.failed()) out["error"] = {{"code", "sse_limit"}, {"message", h.decoder.error()}};
  h.events.clear();
  return reply(out);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void* pg_alloc(std::size_t n) { return std::malloc(n ? n : 1); }
EMSCRIPTEN_KEEPALIVE void pg_free(void* p) { std::free(p); }
EMSCRIPTEN_KEEPALIVE const char* pg_result_ptr() { return g_result.data(); }
EMSCRIPTEN_KEEPALIVE std::size_t pg_result_len() { return g_result.size(); }
EMSCRIPTEN_KEEPALIVE const char* pg_version() { return PG_VERSION; }

EMSCRIPTEN_KEEPALIVE std::size_t pg_build_request(const char* in, std::size_t len) {
  pg::json form;
  if (!read_input(in, len, form)) return g_result.size();
  return reply(pg::to_json(pg::build_request(form)));
}

EMSCRIPTEN_KEEPALIVE std::size_t pg_validate_completion(const char* in, std::size_t len) {
  return reply(pg::to_json(pg::validate_completion(std::string_view(in, len))));
}

// in: {"status":n,"contentType":"…","body":"…"}
EMSCRIPTEN_KEEPALIVE std::size_t pg_parse_error(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto status = pg::number_member(args, "status");
  const auto* type = pg::string_member(args, "contentType");
  const auto* body = pg::string_member(args, "body");
  return reply(pg::to_json(pg::parse_error(status ? static_cast<int>(*status) : 0,
                                           type ? *type : std::string(),
                                           body ? *body : std::string())));
}

// in: {"text":"…","secrets":["…"]}
EMSCRIPTEN_KEEPALIVE std::size_t pg_redact(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto* text = pg::string_member(args, "text");
  const pg::json* secrets = pg::member(args, "secrets");
  return reply(pg::json{{"text", pg::redact(text ? *text : std::string(),
                                            secrets ? string_list(*secrets) : std::vector<std::string>{})}});
}

// --- SSE decoder objects -------------------------------------------------------------
EMSCRIPTEN_KEEPALIVE SseHandle* pg_sse_new(std::size_t max_line_bytes) {
  return new SseHandle(limits_from(max_line_bytes));
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_sse_push(SseHandle* h, const char* bytes, std::size_t len) {
  h->decoder.push(std::string_view(bytes, len), h->events);
  return reply_events(*h);
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_sse_end(SseHandle* h) {
  h->decoder.end(h->events);
  return reply_events(*h);
}
EMSCRIPTEN_KEEPALIVE void pg_sse_free(SseHandle* h) { delete h; }

// --- Chat streams (openStream) -------------------------------------------------------
EMSCRIPTEN_KEEPALIVE pg::ChatStream* pg_stream_new(std::size_t max_line_bytes) {
  return new pg::ChatStream(limits_from(max_line_bytes));
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_stream_push(pg::ChatStream* s, const char* bytes, std::size_t len) {
  pg::json deltas = pg::json::array();
  s->push(std::string_view(bytes, len), deltas);
  return reply(deltas);
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_stream_end(pg::ChatStream* s) { return reply(pg::to_json(s->end())); }
EMSCRIPTEN_KEEPALIVE void pg_stream_free(pg::ChatStream* s) { delete s; }

// --- Stream redaction (the relay's hot path): raw bytes in, raw bytes out -------------
// in: ["secret", …]
EMSCRIPTEN_KEEPALIVE pg::StreamRedactor* pg_redactor_new(const char* in, std::size_t len) {
  auto parsed = pg::parse_json(std::string_view(in, len));
  return new pg::StreamRedactor(parsed.value ? string_list(*parsed.value) : std::vector<std::string>{});
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_redactor_push(pg::StreamRedactor* r, const char* bytes, std::size_t len) {
  return reply(r->push(std::string_view(bytes, len)));
}
EMSCRIPTEN_KEEPALIVE std::size_t pg_redactor_finish(pg::StreamRedactor* r) { return reply(r->finish()); }
EMSCRIPTEN_KEEPALIVE void pg_redactor_free(pg::StreamRedactor* r) { delete r; }

}  // extern "C"
