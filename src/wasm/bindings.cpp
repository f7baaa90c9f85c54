// The Emscripten binding: converts values at the boundary and holds no logic.
//
// Protocol (web/core.js is its only caller): JS writes the input (UTF-8 JSON, or raw
// bytes for streams) into memory it got from pg_alloc, calls a function, and reads the
// reply from pg_result_ptr() (its length is what the call returned) before the next call.
// Replies are JSON, except the redactor's and a stream push's, which are raw bytes. Nothing
// here throws: the core never does, and malformed input from the wrapper becomes
// {"error":{...}}.
//
// Which functions a module exports is not decided here but by the link's export list
// (cmake/wasm.cmake): src/wasm/exports-page.txt for the page's build, plus
// src/wasm/exports-relay.txt for the relay's. A function in neither list is dropped by the
// linker with everything only it needs; tests/wasm/wasm-exports.test.mjs checks both
// modules against the lists and the lists against web/core.js.

#include "core/answer/chat_stream.h"
#include "core/answer/cost.h"
#include "core/answer/sse.h"
#include "core/base/json_util.h"
#include "core/diagnose/closest_models.h"  // model list
#include "core/diagnose/diagnose.h"
#include "core/provider/answer_headers.h"
#include "core/provider/model_list.h"  // model list
#include "core/provider/provider_error.h"
#include "core/request/probe.h"
#include "core/request/request.h"
#include "core/resources/resources.h"
#include "core/secrets/redact.h"
#include "core/upstream/address.h"
#include "core/upstream/curl.h"
#include "core/upstream/gateway_shaping.h"
#include "core/upstream/upstream.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

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

// A secrets list as the callers send it: the strings of a JSON array; anything else, or
// nothing (null), is the empty list.
std::vector<std::string> string_list(const pg::json* value) {
  std::vector<std::string> out;
  if (!value || !value->is_array()) return out;
  for (const auto& v : *value)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}
// The same from a list's own JSON text (the compiled lists' input).
std::vector<std::string> string_list(std::string_view text) {
  const auto parsed = pg::parse_json(text);
  return string_list(parsed.value ? &*parsed.value : nullptr);
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

pg::UpstreamPlan plan_from(const pg::json& args) {
  const auto str = [&](const char* k) { return pg::string_or_empty(args, k); };
  return pg::plan_chat_call(str("provider"), str("adapter"), str("api_base"), str("model_name"));
}

// The relay's call plan as "Copy as curl" takes it: {url, auth: {header, scheme}, headers: [{name, value}]}.
pg::CurlCall curl_call_from(const pg::json& call) {
  pg::CurlCall out;
  out.url = pg::string_or_empty(call, "url");
  if (const pg::json* auth = pg::member(call, "auth")) {
    out.key_header = pg::string_or_empty(*auth, "header");
    out.key_scheme = pg::string_or_empty(*auth, "scheme");
  }
  if (const pg::json* headers = pg::member(call, "headers"); headers && headers->is_array())
    for (const auto& h : *headers) {
      const auto* name = pg::string_member(h, "name");
      const auto* value = pg::string_member(h, "value");
      if (name && value) out.headers.emplace_back(*name, *value);
    }
  return out;
}

pg::Env env_from(const pg::json* env) {
  pg::Env out;
  if (env && env->is_object())
    for (auto it = env->begin(); it != env->end(); ++it)
      if (it.value().is_string()) out.emplace(it.key(), it.value().get<std::string>());
  return out;
}
}  // namespace

extern "C" {

void* pg_alloc(std::size_t n) { return std::malloc(n ? n : 1); }
void pg_free(void* p) { std::free(p); }
const char* pg_result_ptr() { return g_result.data(); }
const char* pg_version() { return PG_VERSION; }

std::size_t pg_build_request(const char* in, std::size_t len) {
  pg::json form;
  if (!read_input(in, len, form)) return g_result.size();
  return reply(pg::to_json(pg::build_request(form)));
}

std::size_t pg_parameters() { return reply(pg::parameters_json()); }

std::size_t pg_validate_completion(const char* in, std::size_t len) {
  return reply(pg::to_json(pg::validate_completion(std::string_view(in, len))));
}

// in: {"status":n,"contentType":"…","body":"…"}
std::size_t pg_parse_error(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto status = pg::number_member(args, "status");
  const auto* type = pg::string_member(args, "contentType");
  const auto* body = pg::string_member(args, "body");
  return reply(pg::to_json(pg::parse_error(status ? static_cast<int>(*status) : 0, type ? *type : std::string(),
                                           body ? *body : std::string())));
}

// in: {"text":"…","secrets":["…"]}
std::size_t pg_redact(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto* text = pg::string_member(args, "text");
  const pg::json* secrets = pg::member(args, "secrets");
  return reply(pg::json{{"text", pg::redact(text ? *text : std::string(), string_list(secrets))}});
}

// in: {"values":["…"],"secrets":["…"]} → {"values":["…" | null]} — upstream header values:
// one call for all of an answer's forwarded headers
std::size_t pg_redact_header_values(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* values = pg::member(args, "values");
  const pg::json* secrets = pg::member(args, "secrets");
  std::vector<std::string> texts;  // one per value, in place: a value that is no string is empty
  if (values && values->is_array())
    for (const auto& v : *values) texts.push_back(v.is_string() ? v.get<std::string>() : std::string());
  pg::json out = pg::json::array();
  for (auto& value : pg::redact_header_values(texts, string_list(secrets)))
    out.push_back(value ? pg::json(std::move(*value)) : pg::json(nullptr));
  return reply(pg::json{{"values", std::move(out)}});
}

// in: {"body":{…},"shaping":{…},"requestId":"…"} — the page's preview of the shaped call
std::size_t pg_shape_chat_body(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* body = pg::member(args, "body");
  const pg::json* shaping = pg::member(args, "shaping");
  const auto* request_id = pg::string_member(args, "requestId");
  pg::json shaped = body ? *body : pg::json::object();
  pg::json out = pg::to_json(pg::shape_call(shaped, pg::shaping_from_json(shaping ? *shaping : pg::json()),
                                            request_id ? *request_id : std::string()));
  out["body"] = std::move(shaped);
  return reply(out);
}

// in: {"apiBase":"…","path":"…"}
std::size_t pg_upstream_url(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto* base = pg::string_member(args, "apiBase");
  const auto* path = pg::string_member(args, "path");
  return reply(pg::to_json(pg::upstream_url(base ? *base : std::string(), path ? *path : std::string())));
}

// in: {"provider","adapter","api_base","model_name","shaping"?}
std::size_t pg_plan_chat_call(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::UpstreamPlan plan = plan_from(args);
  pg::json out = pg::to_json(plan);
  // The model's shaping: answer reading, deadlines, TLS and what the key's settings change.
  if (const pg::json* shaping = pg::member(args, "shaping"); shaping && shaping->is_object())
    out["gateway"] = pg::gateway_plan_json(pg::shaping_from_json(*shaping), plan);
  return reply(out);
}

// in: {"call":{url, auth: {header, scheme}, headers},"body":{…}}
std::size_t pg_curl_command(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* call = pg::member(args, "call");
  const pg::json* body = pg::member(args, "body");
  return reply(pg::json{
      {"command", pg::curl_command(curl_call_from(call ? *call : pg::json()), body ? *body : pg::json::object())}});
}

// in: the address as a JSON string
std::size_t pg_classify_address(const char* in, std::size_t len) {
  pg::json ip;
  if (!read_input(in, len, ip)) return g_result.size();
  return reply(pg::to_json(pg::classify_address(ip.is_string() ? ip.get<std::string>() : std::string())));
}

// in: {"usage":{…},"prices":{…}}
std::size_t pg_cost(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* usage = pg::member(args, "usage");
  const pg::json* prices = pg::member(args, "prices");
  return reply(pg::to_json(pg::compute_cost(usage ? *usage : pg::json(), prices ? *prices : pg::json())));
}

// in: {"body":{…},"prices":{…}} — a built body's worst-case cost, before it is sent
std::size_t pg_worst_case_cost(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* body = pg::member(args, "body");
  const pg::json* prices = pg::member(args, "prices");
  return reply(pg::to_json(pg::worst_case_cost(body ? *body : pg::json(), prices ? *prices : pg::json())));
}

// in: {"model_name":"…","provider":"…"} → the "Test connection" PlaygroundForm
std::size_t pg_probe_form(const char* in, std::size_t len) {
  pg::json model;
  if (!read_input(in, len, model)) return g_result.size();
  const std::string* name = pg::string_member(model, "model_name");
  const std::string* provider = pg::string_member(model, "provider");
  return reply(pg::probe_form(name ? *name : std::string(), provider ? *provider : std::string()));
}

// in: {"model_name":"…"} → the reasoning_effort values the model takes
std::size_t pg_reasoning_effort(const char* in, std::size_t len) {
  pg::json model;
  if (!read_input(in, len, model)) return g_result.size();
  const std::string* name = pg::string_member(model, "model_name");
  return reply(pg::to_json(pg::reasoning_effort_for(name ? *name : std::string())));
}

// in: an Outcome (docs/contracts.md, Outcome)
std::size_t pg_diagnose(const char* in, std::size_t len) {
  pg::json outcome;
  if (!read_input(in, len, outcome)) return g_result.size();
  return reply(pg::to_json(pg::diagnose(outcome)));
}

// --- AISIX resources ------------------------------------------------------------------

// in: {"document":…, "env":{NAME:value}, "allowUnsetVars":bool}
std::size_t pg_load_resources(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* doc = pg::member(args, "document");
  pg::LoadOptions options;
  const pg::json* allow = pg::member(args, "allowUnsetVars");
  options.allow_unset_vars = allow && allow->is_boolean() && allow->get<bool>();
  pg::Resources r = pg::load_resources_file(doc ? *doc : pg::json(), env_from(pg::member(args, "env")), options);
  pg::json out = pg::to_loaded_json(r);
  out["rows"] = r.ok() ? pg::to_canonical_rows(r) : pg::json::array();
  return reply(out);
}

// in: {"rows":[{"kind":"models","id":"…","value":"<json text>"}]} — an etcd snapshot
std::size_t pg_load_rows(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const pg::json* rows = pg::member(args, "rows");
  return reply(pg::to_loaded_json(pg::load_rows(rows ? *rows : pg::json())));
}

// --- SSE decoder objects -------------------------------------------------------------
SseHandle* pg_sse_new(std::size_t max_line_bytes) { return new SseHandle(limits_from(max_line_bytes)); }
std::size_t pg_sse_push(SseHandle* h, const char* bytes, std::size_t len) {
  h->decoder.push(std::string_view(bytes, len), h->events);
  return reply_events(*h);
}
std::size_t pg_sse_end(SseHandle* h) {
  h->decoder.end(h->events);
  return reply_events(*h);
}
void pg_sse_free(SseHandle* h) { delete h; }

// --- Chat streams (openStream) -------------------------------------------------------
pg::ChatStream* pg_stream_new(std::size_t max_line_bytes) { return new pg::ChatStream(limits_from(max_line_bytes)); }
// A stream read as the gateway reads the key's answers: `shaping` is the model's public
// shaping JSON (PublicModel.gateway.shaping); only its response block is used.
pg::ChatStream* pg_stream_new_shaped(std::size_t max_line_bytes, const char* shaping, std::size_t len) {
  auto parsed = pg::parse_json(std::string_view(shaping, len));  // not JSON: read as no shaping
  const pg::CallShaping s = pg::shaping_from_json(parsed.value ? *parsed.value : pg::json());
  return new pg::ChatStream(limits_from(max_line_bytes), pg::AnswerReading{s.reasoning_field, s.stream_done_marker});
}
// The reply is the push's deltas as DeltaBuilder's records (core/answer/delta_builder.h), not
// JSON: written straight into the reply buffer, text and all, and read in JS with one
// UTF-8 decode per text delta.
std::size_t pg_stream_push(pg::ChatStream* s, const char* bytes, std::size_t len) {
  g_result.clear();  // keeps its capacity: a stream pushes thousands of times
  s->push(std::string_view(bytes, len), g_result);
  return g_result.size();
}
// end() for a caller that kept the text of every delta (web/core.js): content and reasoning
// hold only what no push handed out (ChatStream::end_rest).
std::size_t pg_stream_end_rest(pg::ChatStream* s) { return reply(pg::to_json(s->end_rest())); }
void pg_stream_free(pg::ChatStream* s) { delete s; }

// --- Stream redaction (the relay's hot path): raw bytes in, raw bytes out -------------
// in: ["secret", …]
pg::StreamRedactor* pg_redactor_new(const char* in, std::size_t len) {
  return new pg::StreamRedactor(string_list(std::string_view(in, len)));
}
// One secrets list worked out once (core/secrets/redact.h SecretsList): the relay keeps one per
// list and makes each call's stream redactor from it (pg_secrets_stream) and reads each
// answer's headers with it (pg_forward_answer_headers). in: ["secret", …]
pg::SecretsList* pg_secrets_new(const char* in, std::size_t len) {
  return new pg::SecretsList(string_list(std::string_view(in, len)));
}
pg::StreamRedactor* pg_secrets_stream(const pg::SecretsList* list) { return new pg::StreamRedactor(list->stream()); }
void pg_secrets_free(pg::SecretsList* list) { delete list; }
std::size_t pg_redactor_push(pg::StreamRedactor* r, const char* bytes, std::size_t len) {
  return reply(r->push(std::string_view(bytes, len)));
}
std::size_t pg_redactor_finish(pg::StreamRedactor* r) { return reply(r->finish()); }
void pg_redactor_free(pg::StreamRedactor* r) { delete r; }

// --- A provider's model list ("did you mean …?"; relay only) ----- begin: model list ---
// in: {"provider","adapter","api_base","model_name"} → ModelListCall's JSON
std::size_t pg_model_list_call(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto field = [&](const char* name) { return pg::string_or_empty(args, name); };
  return reply(
      pg::to_json(pg::plan_model_list(field("provider"), field("adapter"), field("api_base"), field("model_name"))));
}
// in: {"body":"<the answer's text>","wanted":"<model name>"} → ModelList's JSON, plus
// `closest` (closest_models) when the list was read and a name is wanted
std::size_t pg_read_model_list(const char* in, std::size_t len) {
  pg::json args;
  if (!read_input(in, len, args)) return g_result.size();
  const auto* body = pg::string_member(args, "body");
  const auto* wanted = pg::string_member(args, "wanted");
  const pg::ModelList list = pg::read_model_list(body ? *body : std::string());
  pg::json out = pg::to_json(list);
  if (list.ok && wanted) out["closest"] = pg::closest_models(*wanted, list.ids);
  return reply(out);
}
// --- end: model list ------------------------------------------------------------------

// --- A provider's answer headers as the relay forwards them (relay only) -------------------
// `list`: the secrets the answer is redacted against, worked out once (pg_secrets_new).
// in: the relay's clock in ms since the epoch (decimal digits, or nothing), a newline, then
// each header's name and its value, each followed by a NUL byte. HTTP allows no NUL inside a
// field (Node refuses such an answer, and the wrapper such a header), so the headers need no
// escaping and no JSON reader: this call runs for every answer the relay forwards.
// out: the values as a JSON array (each a string or null), then the headroom's RateLimits JSON
// text (nothing when there is none), then the array's byte length (4 bytes, little-endian):
// the relay sends the headroom on as a header's value, so it is neither escaped into another
// JSON text here nor parsed there. Bytes out, as a checked request's reply.
std::size_t pg_forward_answer_headers(const pg::SecretsList* list, const char* in, std::size_t len) {
  const std::string_view input(in, len);
  const std::size_t clock_end = input.find('\n');
  if (clock_end == std::string_view::npos) return reply_error("bad_input", "the headers' input has no clock line");
  std::optional<std::int64_t> now;
  if (const std::string_view clock = input.substr(0, clock_end); !clock.empty()) {
    if (clock.size() > 15 || clock.find_first_not_of("0123456789") != std::string_view::npos)
      return reply_error("bad_input", "the headers' clock is not a whole number of milliseconds");
    std::int64_t ms = 0;
    for (const char c : clock) ms = ms * 10 + (c - '0');
    now = ms;
  }
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (std::size_t at = clock_end + 1; at < input.size();) {
    const std::size_t name_end = input.find('\0', at);
    const std::size_t value_end = name_end == std::string_view::npos ? name_end : input.find('\0', name_end + 1);
    if (value_end == std::string_view::npos) return reply_error("bad_input", "a header's name or value is not ended");
    headers.emplace_back(input.substr(at, name_end - at), input.substr(name_end + 1, value_end - name_end - 1));
    at = value_end + 1;
  }
  const pg::ForwardedHeaders forwarded = pg::forward_answer_headers_in(headers, list->header_values(), now);
  g_result = "[";
  for (std::size_t i = 0; i < forwarded.values.size(); ++i) {
    if (i) g_result += ',';
    if (forwarded.values[i])
      pg::append_json_string(g_result, *forwarded.values[i]);
    else
      g_result += "null";
  }
  g_result += ']';
  const std::size_t values_len = g_result.size();
  if (forwarded.headroom) g_result += pg::to_json_text(*forwarded.headroom);
  for (int i = 0; i < 4; ++i) g_result.push_back(static_cast<char>((values_len >> (8 * i)) & 0xFF));
  return g_result.size();
}

}  // extern "C"

// ==== Chat requests, bytes in and bytes out (the relay's body check) ==================
// The relay's request check (relay/chat-request.js through web/core.js openChatRequest):
// the request's bytes go in once, the body stays parsed in the handle between open (the
// model id the relay looks up) and check (the model's configuration), and the checked body
// comes out as the bytes the relay forwards. The logic is core/request/chat_request.h.
#include "core/request/chat_request.h"

extern "C" {

// in: the request's bytes as the browser sent them ({"model": "<id>", "body": {…}})
pg::ChatRequest* pg_request_open(const char* bytes, std::size_t len) {
  return new pg::ChatRequest(std::string_view(bytes, len));
}
// → {"model":"…"} | {"error":{"code":"not_json"|"no_model","message":"…"}}
std::size_t pg_request_model(pg::ChatRequest* r) { return reply(r->open_json()); }
// in: {"model_name","provider","shaping"?} → a target kept for many checks (web/core.js keeps
// one per model and shaping object, i.e. per configuration snapshot, so a call's check does
// not read the shaping again); null when the text is not JSON (g_result holds the error).
pg::ChatTarget* pg_chat_target_new(const char* text, std::size_t len) {
  pg::json args;
  if (!read_input(text, len, args)) return nullptr;
  return new pg::ChatTarget(pg::chat_target_from_json(args));
}
void pg_chat_target_free(pg::ChatTarget* t) { delete t; }
// in: a target and this call's request id (UTF-8). The reply is the body as sent upstream,
// then the meta JSON ({ok, stream, headers, changes} | {ok, errors, badInput?}), then the
// body's length (4 bytes, little-endian): the body is written once, where the core's dump
// put it, and copied out of the module once.
std::size_t pg_request_check(pg::ChatRequest* r, const pg::ChatTarget* target, const char* request_id,
                             std::size_t len) {
  pg::CheckedRequest checked = r->check(*target, std::string_view(request_id, len));
  g_result = std::move(checked.body);
  const std::size_t body_len = g_result.size();
  g_result += pg::meta_text(checked);
  for (int i = 0; i < 4; ++i) g_result.push_back(static_cast<char>((body_len >> (8 * i)) & 0xFF));
  return g_result.size();
}
void pg_request_free(pg::ChatRequest* r) { delete r; }

}  // extern "C"
// ==== end of the chat request block ===================================================
