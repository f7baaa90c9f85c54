// Provider error bodies → one shape.
//
// The order of questions: is the body empty; is it JSON (whatever the Content-Type says,
// servers mislabel); is it an event stream carrying an error event; is it HTML (by
// Content-Type, or by sniffing: a page is a page whatever the header says); otherwise
// plain text. Every scan is a single forward pass (or a bounded number of them), so a
// 10 MB hostile body costs milliseconds, and nested JSON is only walked a fixed number
// of levels deep (parse_json already refuses absurd nesting).
#include "core/provider/provider_error.h"

#include "core/base/json_path.h"
#include "core/base/text.h"
#include "core/base/utf8.h"
#include "core/provider/body_sniff.h"
#include "core/provider/detail/html_page.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace pg {

namespace {

using provider_detail::element_text;
using provider_detail::html_text;
using provider_detail::kMaxElementSearchBytes;

constexpr std::size_t kMaxMessageBytes = 500;  // the whole message, "..." included
constexpr std::size_t kMaxTokenBytes = 100;    // type, code, param: identifiers, not prose
constexpr std::size_t kJsonExcerptBytes = 200;
// How deep render_message follows messages that are themselves JSON (Mistral's
// JSON-encoded `message`, OpenRouter's `metadata.raw`).
constexpr int kMaxMessageNesting = 3;
// No provider sends an error envelope this large; bigger bodies are shown as text rather
// than parsed into a 10 MB document.
constexpr std::size_t kMaxJsonBodyBytes = 1024 * 1024;
constexpr std::size_t kMaxPageTextBytes = 1024;

// excerpt(text, n) can return n + 4 bytes: "..." after a collapsed space that landed on
// the limit. Hence the 4.
std::string bounded_message(std::string_view text) { return excerpt(text, kMaxMessageBytes - 4); }

std::string bounded_token(std::string_view text) { return excerpt(text, kMaxTokenBytes - 4); }

// Drops a leading UTF-8 byte order mark and surrounding whitespace.
std::string_view trim_body(std::string_view s) { return trim(skip_bom(s)); }

// ---------------------------------------------------------------------------------------
// JSON envelopes

std::optional<std::string> code_string(const json* code) {
  if (!code) return std::nullopt;
  if (code->is_string()) {
    std::string token = bounded_token(code->get_ref<const std::string&>());
    if (token.empty()) return std::nullopt;  // "" or nothing printable: no code
    return token;
  }
  // Unsigned first: nlohmann's is_number_integer() is also true for unsigned values.
  if (code->is_number_unsigned()) return std::to_string(code->get<std::uint64_t>());
  if (code->is_number_integer()) return std::to_string(code->get<std::int64_t>());
  if (code->is_number_float()) {
    const double d = code->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
      return std::to_string(static_cast<std::int64_t>(d));
    return bounded_token(dump_json(*code));
  }
  return std::nullopt;  // null, bool, object, array: not a code
}

const std::string* non_empty_string(const json& object, std::string_view key) {
  const std::string* s = string_member(object, key);
  return (s && !s->empty()) ? s : nullptr;
}

// A short identifier (type, status, param) from object[key], bounded; empty when there is
// none or nothing printable is left of it (" ", "\u0000"), so callers fall back to the next.
std::string token_member(const json& object, std::string_view key) {
  const std::string* s = non_empty_string(object, key);
  return s ? bounded_token(*s) : std::string();
}

// A compact, bounded rendering of a JSON value we have no better words for.
std::string json_excerpt(const json& value) { return excerpt(dump_json(value), kJsonExcerptBytes); }

// pydantic's loc, e.g. ["body","messages",0,"user","name"] → "messages[0].user.name".
std::string render_location(const json& loc) {
  std::string out;
  if (!loc.is_array()) return out;
  bool first = true;
  for (const json& part : loc) {
    if (part.is_number_unsigned() || (part.is_number_integer() && part.get<std::int64_t>() >= 0)) {
      out = index_path(out, part.get<std::uint64_t>());
    } else if (part.is_number_integer()) {
      out += "[" + dump_json(part) + "]";  // a negative index: never sent, shown as given
    } else if (part.is_string()) {
      const auto& s = part.get_ref<const std::string&>();
      if (first && s == "body") {  // where FastAPI looked, not a field name
        first = false;
        continue;
      }
      out = join_path(out, s);
    }
    first = false;
    if (out.size() > kMaxMessageBytes) break;
  }
  return out;
}

std::string render_message(const json* value, int nesting);

// One validation detail {type, loc, msg, input} as a sentence.
std::string render_detail(const json& detail) {
  const std::string* msg = non_empty_string(detail, "msg");
  if (!msg) return json_excerpt(detail);
  const json* loc = member(detail, "loc");
  const std::string where = loc ? render_location(*loc) : std::string();
  return where.empty() ? *msg : *msg + " at " + where;
}

std::string render_array(const json& list, int nesting) {
  if (list.empty()) return {};
  const json& first = list[0];
  std::string head =
      first.is_object() && member(first, "msg") ? render_detail(first) : render_message(&first, nesting + 1);
  if (list.size() > 1) head += " (and " + std::to_string(list.size() - 1) + " more)";
  return head;
}

std::string render_object(const json& object, int nesting) {
  if (const json* error = member(object, "error")) {
    if (error->is_object()) return render_message(member(*error, "message"), nesting + 1);
    if (error->is_string()) return error->get<std::string>();
  }
  for (const char* key : {"detail", "message", "msg", "error_description", "title"}) {
    if (const json* m = member(object, key)) {
      std::string s = render_message(m, nesting + 1);
      if (!s.empty()) return s;
    }
  }
  return json_excerpt(object);
}

// A provider message as text. Messages are usually strings, but Mistral sends an object
// (a pydantic detail list) or that object JSON-encoded inside the string.
std::string render_message(const json* value, int nesting) {
  if (!value || value->is_null()) return {};
  if (nesting > kMaxMessageNesting) return json_excerpt(*value);
  if (value->is_string()) {
    const auto& s = value->get_ref<const std::string&>();
    const std::string_view t = trim_body(s);
    if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
      if (auto parsed = parse_json(t); parsed.value && (parsed.value->is_object() || parsed.value->is_array())) {
        std::string inner = render_message(&*parsed.value, nesting + 1);
        if (!inner.empty()) return inner;
      }
    }
    return s;
  }
  if (value->is_object()) return render_object(*value, nesting);
  if (value->is_array()) return render_array(*value, nesting);
  return dump_json(*value);
}

// The part of an OpenRouter error that says what the upstream provider answered.
std::string openrouter_upstream(const json& error) {
  const json* metadata = member(error, "metadata");
  if (!metadata || !metadata->is_object()) return {};
  std::string upstream;
  if (const json* raw = member(*metadata, "raw")) upstream = render_message(raw, 1);
  if (const json* reasons = member(*metadata, "reasons"); reasons && reasons->is_array() && !reasons->empty()) {
    std::string list;
    for (const json& r : *reasons)
      if (r.is_string()) list += (list.empty() ? "" : ", ") + r.get<std::string>();
    if (!list.empty()) upstream += (upstream.empty() ? "" : "; ") + list;
  }
  if (upstream.empty()) return {};
  if (const std::string* name = non_empty_string(*metadata, "provider_name")) return *name + ": " + upstream;
  return upstream;
}

// {"error": {...}}: OpenAI, Anthropic (inside {"type":"error"}), Azure, OpenRouter,
// Gemini, llama.cpp, newer vLLM. Returns false when the object holds nothing usable.
bool from_error_object(const json& error, ProviderError& out) {
  const json* inner = member(error, "innererror");
  if (inner && !inner->is_object()) inner = nullptr;

  // type: the provider's own, Gemini's status ("INVALID_ARGUMENT"), Azure's inner code
  // ("ResponsibleAIPolicyViolation"), or "error" when the envelope has none.
  out.type = token_member(error, "type");
  if (out.type.empty()) out.type = token_member(error, "status");
  if (out.type.empty() && inner) out.type = token_member(*inner, "code");
  if (out.type.empty()) out.type = "error";

  out.code = code_string(member(error, "code"));
  if (std::string param = token_member(error, "param"); !param.empty()) out.param = std::move(param);

  std::string message = render_message(member(error, "message"), 0);
  if (message.empty() && inner) message = render_message(member(*inner, "message"), 0);
  if (message.empty()) message = render_message(member(error, "detail"), 0);
  const std::string upstream = openrouter_upstream(error);
  if (!upstream.empty()) message += (message.empty() ? "" : " (") + upstream + (message.empty() ? "" : ")");
  out.message = bounded_message(message);
  if (out.message.empty() && !out.code && out.type == "error") return false;  // {"error":{}}: no envelope
  // A code or type without words ({"error":{"code":"DeploymentNotFound"}}): show the object.
  if (out.message.empty()) out.message = json_excerpt(error);
  return true;
}

// {"object":"error","message":…,"type":…,"code":…}: vLLM (older), Mistral, and other
// flat envelopes with a top-level message.
void from_flat_object(const json& object, ProviderError& out) {
  out.type = token_member(object, "type");
  if (out.type.empty()) out.type = "error";
  out.code = code_string(member(object, "code"));
  if (std::string param = token_member(object, "param"); !param.empty()) out.param = std::move(param);
  out.message = bounded_message(render_message(member(object, "message"), 0));
}

// Recognises an envelope in a parsed JSON value; false when there is none.
bool from_json_value(const json& value, int nesting, ProviderError& out) {
  if (nesting > kMaxMessageNesting) return false;
  if (value.is_array()) {
    // Some Google surfaces wrap the error object in a one-element array.
    return !value.empty() && value[0].is_object() && from_json_value(value[0], nesting + 1, out);
  }
  if (value.is_string()) {
    // A JSON string body: either the message itself, or JSON encoded twice.
    const auto& s = value.get_ref<const std::string&>();
    const std::string_view t = trim_body(s);
    if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
      if (auto parsed = parse_json(t); parsed.value && from_json_value(*parsed.value, nesting + 1, out)) return true;
    }
    out = ProviderError{};
    out.type = "text";
    out.message = bounded_message(s);
    return !out.message.empty();
  }
  if (!value.is_object()) return false;

  if (const json* error = member(value, "error")) {
    if (error->is_object()) return from_error_object(*error, out);
    if (error->is_string() && !error->get_ref<const std::string&>().empty()) {
      // {"error":"model \"x\" not found"} (Ollama), {"error":"Not Found","message":…} (Spring).
      out.type = token_member(value, "type");
      if (out.type.empty()) out.type = "error";
      out.code = code_string(member(value, "code"));
      std::string message = error->get<std::string>();
      const std::string detail = render_message(member(value, "message"), 0);
      if (!detail.empty() && detail != message) message += ": " + detail;
      out.message = bounded_message(message);
      return true;
    }
  }
  const std::string* object_kind = string_member(value, "object");
  if ((object_kind && *object_kind == "error") || member(value, "message")) {
    from_flat_object(value, out);
    if (!out.message.empty()) return true;
  }
  if (const json* detail = member(value, "detail")) {
    // FastAPI-style servers: {"detail":"Not Found"} or a validation detail list.
    out = ProviderError{};
    out.type = "error";
    out.message = bounded_message(render_message(detail, 0));
    if (!out.message.empty()) return true;
  }
  out = ProviderError{};
  return false;
}

std::optional<ProviderError> from_json_body(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed.value) return std::nullopt;
  ProviderError out;
  if (from_json_value(*parsed.value, 0, out)) return out;
  out = ProviderError{};
  out.type = "json";
  out.message = excerpt(body, kJsonExcerptBytes);
  return out;
}

// ---------------------------------------------------------------------------------------
// Event streams (sniff::is_event_stream): an error sent as `data: {...}` (possibly after
// `event: error`)

std::optional<ProviderError> from_event_stream(std::string_view body) {
  // Only lines that mention "error" can carry one: jump from mention to mention, so a
  // long healthy stream costs one substring search.
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t hit = body.find("error", at);
    if (hit == std::string_view::npos) break;
    std::size_t begin = body.find_last_of("\r\n", hit);
    begin = (begin == std::string_view::npos || begin < at) ? at : begin + 1;
    std::size_t end = body.find_first_of("\r\n", hit);
    if (end == std::string_view::npos) end = body.size();
    at = end + 1;
    const std::string_view line = body.substr(begin, end - begin);
    if (line.compare(0, 5, "data:") != 0) continue;
    const std::string_view data = trim_body(line.substr(5));
    if (data.empty() || data.front() != '{') continue;
    auto parsed = parse_json(data);
    if (!parsed.value || !parsed.value->is_object()) continue;
    const json& v = *parsed.value;
    const std::string* kind = string_member(v, "object");
    const std::string* type = string_member(v, "type");
    if (!member(v, "error") && !(kind && *kind == "error") && !(type && *type == "error")) continue;
    ProviderError out;
    if (from_json_value(v, 0, out)) return out;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// HTML (sniff::is_html)

ProviderError from_html(std::string_view body, int status) {
  ProviderError out;
  out.type = "html";
  for (std::string_view tag : {"title", "h1"}) {
    if (auto text = element_text(body, tag)) {
      out.message = bounded_message(*text);
      if (!out.message.empty()) return out;
    }
  }
  out.message =
      bounded_message(html_text(body.substr(0, std::min(body.size(), kMaxElementSearchBytes)), kMaxPageTextBytes));
  if (out.message.empty())
    out.message = status > 0 ? "an HTML page with no readable text (HTTP " + std::to_string(status) + ")"
                             : "an HTML page with no readable text";
  return out;
}

}  // namespace

ProviderError parse_error(int status, std::string_view content_type, std::string_view body) {
  const std::string_view t = trim_body(body);
  if (t.empty()) {
    ProviderError out;
    out.type = "empty";
    out.message = status > 0 ? "empty response body (HTTP " + std::to_string(status) + ")" : "empty response body";
    return out;
  }
  if ((t.front() == '{' || t.front() == '[' || t.front() == '"') && t.size() <= kMaxJsonBodyBytes) {
    if (auto parsed = from_json_body(t)) return *parsed;
  }
  if (sniff::is_event_stream(t, content_type)) {
    if (auto event = from_event_stream(t)) return *event;
  }
  if (sniff::is_html(t, content_type)) return from_html(t, status);
  ProviderError out;
  out.type = "text";
  out.message = bounded_message(t);
  return out;
}

std::optional<ProviderError> error_in_answer(const json& value) {
  const json* v = &value;
  if (v->is_array()) {
    if (v->size() != 1 || !v->front().is_object()) return std::nullopt;
    v = &v->front();
  }
  if (!v->is_object()) return std::nullopt;
  ProviderError out;
  if (const json* error = member(*v, "error")) {
    if (error->is_object()) {
      // {"error":{}} in place of an answer is still an error, if a wordless one.
      if (!from_error_object(*error, out)) {
        out = ProviderError{};
        out.type = "error";
        out.message = json_excerpt(*error);
      }
      return out;
    }
    if (error->is_string()) {
      out.type = token_member(*v, "type");
      if (out.type.empty()) out.type = "error";
      out.code = code_string(member(*v, "code"));
      out.message = bounded_message(error->get_ref<const std::string&>());
      return out;
    }
  }
  const std::string* object_kind = string_member(*v, "object");
  const std::string* type = string_member(*v, "type");
  if ((object_kind && *object_kind == "error") || (type && *type == "error")) {
    from_flat_object(*v, out);
    if (out.message.empty()) out.message = json_excerpt(*v);
    return out;
  }
  return std::nullopt;
}

bool has_provider_type(const ProviderError& error) {
  return !error.type.empty() && error.type != "error" && error.type != "html" && error.type != "text" &&
         error.type != "empty" && error.type != "json";
}

json to_json(const ProviderError& error) {
  json out = {
      {"type", error.type}, {"code", error.code ? json(*error.code) : json(nullptr)}, {"message", error.message}};
  if (error.param) out["param"] = *error.param;
  return out;
}

}  // namespace pg
