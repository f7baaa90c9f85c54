// Reads an Outcome from whatever JSON the page hands over. Nothing here trusts a type:
// each field is read through the non-throwing accessors, and a field of the wrong type
// counts as absent. Texts that may carry a key are redacted here, before any of them is
// cut short (a cut secret would no longer be recognised by redact).
#include "core/diagnose/detail/input.h"

#include "core/upstream/detail/upstream_url.h"

#include "core/diagnose/closest_models.h"
#include "core/secrets/redact.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace pg::diag {

namespace {

constexpr std::size_t kMaxSecrets = 64;
constexpr std::size_t kMaxHeaders = 200;
constexpr std::size_t kMaxFindingsRead = 1000;  // findings looked at
constexpr std::size_t kMaxFindingsKept = 20;    // of each severity
constexpr std::size_t kMaxCodeBytes = 60;       // a finding code longer than any in finding.h is none
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxFormatKeys = 256;      // schema keys read, required and properties each
constexpr std::size_t kMaxFormatKeyBytes = 200;  // a longer key name is not read (nor checked)

std::string text_of(const json* value) {
  if (!value || value->is_null()) return {};
  if (value->is_string()) return value->get<std::string>();
  return dump_json(*value);
}

std::optional<int> status_of(const json* value) {
  if (!value) return std::nullopt;
  double d = 0;
  if (value->is_number()) {
    d = value->get<double>();
  } else if (value->is_string()) {
    const auto& s = value->get_ref<const std::string&>();
    if (s.empty() || s.size() > 3) return std::nullopt;
    for (char c : s) {
      if (!is_digit(c)) return std::nullopt;
      d = d * 10 + (c - '0');
    }
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < 100 || d > 999) return std::nullopt;
  return static_cast<int>(d);
}

std::vector<std::string> read_secrets(const json& outcome) {
  std::vector<std::string> out;
  const json* secrets = member(outcome, "secrets");
  if (!secrets) return out;
  if (secrets->is_string()) {
    if (!secrets->get_ref<const std::string&>().empty()) out.push_back(secrets->get<std::string>());
    return out;
  }
  if (!secrets->is_array()) return out;
  for (const json& s : *secrets) {
    if (out.size() >= kMaxSecrets) break;
    if (s.is_string() && !s.get_ref<const std::string&>().empty()) out.push_back(s.get<std::string>());
  }
  return out;
}

// {error:{source:"relay", kind, message, category?, status?, location?, phase?, reason?,
// detail?}} or the inner object itself.
RelayFailure read_relay(const json& value, const std::vector<std::string>& secrets) {
  RelayFailure r;
  if (value.is_string()) {
    r.kind = excerpt(value.get_ref<const std::string&>(), 40);
    return r;
  }
  const json* inner = &value;
  if (const json* e = member(value, "error"); e && e->is_object()) inner = e;
  if (const auto* kind = string_member(*inner, "kind")) r.kind = excerpt(*kind, 40);
  r.message = excerpt(redact(text_of(member(*inner, "message")), secrets), 500);
  if (const auto* c = string_member(*inner, "category")) r.category = excerpt(*c, 40);
  if (const auto* l = string_member(*inner, "location")) r.location = excerpt(redact(*l, secrets), 300);
  if (const auto* p = string_member(*inner, "phase")) r.phase = excerpt(*p, 40);
  if (const auto* why = string_member(*inner, "reason")) r.reason = excerpt(*why, 80);
  if (const auto* d = string_member(*inner, "detail")) r.detail = excerpt(redact(*d, secrets), 300);
  if (const auto* limit = string_member(*inner, "limit")) r.limit = excerpt(*limit, 40);
  if (const auto ms = number_member(*inner, "limitMs"); ms && *ms > 0 && *ms < 1e12) r.limit_ms = *ms;
  if (auto s = status_of(member(*inner, "status"))) r.status = *s;
  return r;
}

// A relay error that arrived as the body ({"error":{"source":"relay",…}}). Only for a
// response the relay wrote itself (Outcome::from_relay): an upstream can send that body too.
std::optional<RelayFailure> relay_in_body(const std::string& body, const std::vector<std::string>& secrets) {
  if (body.size() > 64 * 1024 || body.find("\"relay\"") == std::string::npos) return std::nullopt;
  auto parsed = parse_json(body);
  if (!parsed.value) return std::nullopt;
  const json* error = member(*parsed.value, "error");
  if (!error) return std::nullopt;
  const auto* source = string_member(*error, "source");
  if (!source || *source != "relay") return std::nullopt;
  return read_relay(*error, secrets);
}

constexpr std::string_view kRelayNonceHeader = "x-playground-relay-nonce";
constexpr std::size_t kMaxNonceBytes = 64;

// `nonce`: the x-playground-relay-nonce header as received. The redacted, cut copy in `out`
// is for evidence; a comparison needs the value itself (it is random, never a secret).
void read_headers(const json& outcome, const std::vector<std::string>& secrets, std::map<std::string, std::string>& out,
                  std::string& nonce) {
  const json* headers = member(outcome, "headers");
  if (!headers) return;
  auto add = [&](const std::string& name, const json& value) {
    // Read before the limit on how many headers are kept: it decides, the others inform.
    if (value.is_string() && name.size() == kRelayNonceHeader.size() && lower_ascii(name) == kRelayNonceHeader) {
      const auto& v = value.get_ref<const std::string&>();
      nonce = v.size() <= kMaxNonceBytes ? v : std::string();
    }
    if (out.size() >= kMaxHeaders || name.empty() || name.size() > 200) return;
    std::string text;
    if (value.is_array()) {
      for (const json& v : value) {
        if (text.size() > 1000) break;
        if (!text.empty()) text += ", ";
        text += text_of(&v);
      }
    } else {
      text = text_of(&value);
    }
    out[lower_ascii(name)] = excerpt(redact(text, secrets), 300);
  };
  if (headers->is_object()) {
    for (auto it = headers->begin(); it != headers->end(); ++it) add(it.key(), it.value());
  } else if (headers->is_array()) {
    // [[name, value], …] (the Fetch API's Headers iterated)
    for (const json& pair : *headers) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string()) add(pair[0].get<std::string>(), pair[1]);
    }
  }
}

// A declared size (contentLength, reasoningLength), or what was seen when none is declared
// or the declaration is smaller than the text itself.
std::size_t declared_bytes(const json& result, const char* name, std::size_t seen) {
  const json* n = member(result, name);
  // Whole non-negative numbers only (JSON text gives unsigned, C++ callers may give signed).
  if (!n || !n->is_number_integer()) return seen;
  if (n->is_number_integer() && !n->is_number_unsigned() && n->get<std::int64_t>() < 0) return seen;
  const std::uint64_t declared = n->get<std::uint64_t>();
  const std::uint64_t cap = std::numeric_limits<std::size_t>::max();
  return declared > seen ? static_cast<std::size_t>(std::min(declared, cap)) : seen;
}

// request.response_format: {type:"json_object"} or {type:"json_schema", json_schema:{name,
// schema:{type, properties, required, additionalProperties}}}. Anything else (text, none, a
// wrong shape) asks nothing of the answer's form.
std::optional<AskedFormat> read_asked_format(const json& request) {
  const json* format = member(request, "response_format");
  const auto* type = format ? string_member(*format, "type") : nullptr;
  if (!type || (*type != "json_object" && *type != "json_schema")) return std::nullopt;
  AskedFormat f;
  f.type = *type;
  if (f.type != "json_schema") return f;
  const json* spec = member(*format, "json_schema");
  if (!spec || !spec->is_object()) return f;
  if (const auto* name = string_member(*spec, "name")) f.name = excerpt(*name, 80);
  const json* schema = member(*spec, "schema");
  if (!schema || !schema->is_object()) return f;
  const auto* schema_type = string_member(*schema, "type");
  const json* properties = member(*schema, "properties");
  f.object_schema = (schema_type && *schema_type == "object") || (properties && properties->is_object());
  if (!f.object_schema) return f;
  if (const json* required = member(*schema, "required"); required && required->is_array()) {
    for (const json& key : *required) {
      if (f.required.size() >= kMaxFormatKeys) break;
      if (key.is_string() && key.get_ref<const std::string&>().size() <= kMaxFormatKeyBytes)
        f.required.push_back(key.get<std::string>());
    }
  }
  const json* additional = member(*schema, "additionalProperties");
  f.closed = additional && additional->is_boolean() && !additional->get<bool>();
  if (f.closed) {
    const std::size_t count = properties && properties->is_object() ? properties->size() : 0;
    if (count > kMaxFormatKeys) {
      f.closed = false;
    } else if (count) {
      for (auto it = properties->begin(); it != properties->end(); ++it) f.properties.push_back(it.key());
      std::sort(f.properties.begin(), f.properties.end());
    }
  }
  return f;
}

}  // namespace

ResultView read_result(const json& result, const std::vector<std::string>& secrets) {
  ResultView r;
  if (const auto* content = string_member(result, "content")) r.content = *content;
  if (const auto* reasoning = string_member(result, "reasoning")) r.reasoning = *reasoning;
  r.content_bytes = declared_bytes(result, "contentLength", r.content.size());
  r.reasoning_bytes = declared_bytes(result, "reasoningLength", r.reasoning.size());
  if (const json* calls = member(result, "toolCalls"); calls && calls->is_array()) r.tool_calls = calls->size();
  if (const json* call = member(result, "functionCall"); call && call->is_object()) r.function_call = true;
  if (const auto* reason = string_member(result, "finishReason")) r.finish_reason = excerpt(*reason, 40);
  if (const auto* model = string_member(result, "model")) r.model = excerpt(*model, kMaxNameBytes);
  if (const json* done = member(result, "done"); done && done->is_boolean()) r.done = done->get<bool>();
  bool any_error = false;
  if (const json* findings = member(result, "findings"); findings && findings->is_array()) {
    std::size_t seen = 0;
    for (const json& f : *findings) {
      if (++seen > kMaxFindingsRead) break;
      if (!f.is_object()) continue;
      const auto* severity = string_member(f, "severity");
      const std::string message = excerpt(redact(text_of(member(f, "message")), secrets), 600);
      const std::string path = excerpt(text_of(member(f, "path")), 80);
      const auto* code = string_member(f, "code");
      const std::string code_text = code && code->size() <= kMaxCodeBytes ? *code : std::string();
      const std::string line = path.empty() ? message : path + ": " + message;
      if (severity && *severity == "error") {
        any_error = true;
        if (r.errors.size() < kMaxFindingsKept) {
          r.errors.push_back(line);
          r.error_codes.push_back(code_text);
        }
      } else if (r.warnings.size() < kMaxFindingsKept) {
        r.warnings.push_back(line);
        r.warning_codes.push_back(code_text);
      }
    }
  }
  if (const json* e = member(result, "relayEvent"); e && e->is_object()) {
    auto text = [&](const char* name, std::size_t max_chars) {
      const auto* value = string_member(*e, name);
      return value ? excerpt(*value, max_chars) : std::string();
    };
    RelayEventView v;
    v.kind = text("kind", 40);
    v.message = excerpt(redact(text_of(member(*e, "message")), secrets), 500);
    v.phase = text("phase", 40);
    v.reason = text("reason", 80);
    // Kept whole or not at all: a cut nonce must never match.
    if (const auto* nonce = string_member(*e, "nonce"); nonce && nonce->size() <= kMaxNonceBytes) v.nonce = *nonce;
    r.relay_event = std::move(v);
  }
  if (const json* e = member(result, "providerError"); e && e->is_object()) {
    auto token = [&](const char* name) {
      const json* value = member(*e, name);
      if (value && value->is_number()) return excerpt(dump_json(*value), 40);
      const auto* text = value ? string_member(*e, name) : nullptr;
      return text ? excerpt(redact(*text, secrets), 100) : std::string();
    };
    AnswerErrorView v;
    v.type = token("type");
    v.code = token("code");
    v.param = token("param");
    v.message = excerpt(redact(text_of(member(*e, "message")), secrets), 600);
    const json* mid = member(*e, "midStream");
    v.mid_stream = mid && mid->is_boolean() && mid->get<bool>();
    r.provider_error = std::move(v);
  }
  const json* ok = member(result, "ok");
  r.ok = (ok && ok->is_boolean()) ? ok->get<bool>() : !any_error;
  if (any_error) r.ok = false;  // docs/contracts.md: ok is false when any finding is an error
  return r;
}

namespace {

std::string string_field(const json& object, std::string_view a, std::string_view b) {
  if (const auto* s = string_member(object, a)) return *s;
  if (const auto* s = string_member(object, b)) return *s;
  return {};
}

}  // namespace

bool has_code(const std::vector<std::string>& codes, std::string_view code) {
  for (const auto& c : codes)
    if (c == code) return true;
  return false;
}

namespace {

// {names:[…], listed?} or {unavailable: code, status?}; anything else is not read.
std::optional<ModelSuggestions> read_suggestions(const json& value, const std::vector<std::string>& secrets) {
  if (!value.is_object()) return std::nullopt;
  ModelSuggestions s;
  if (const auto* why = string_member(value, "unavailable"); why && !why->empty()) {
    s.unavailable = excerpt(*why, 40);
    if (auto status = status_of(member(value, "status"))) s.status = *status;
    return s;
  }
  const json* names = member(value, "names");
  if (!names || !names->is_array()) return std::nullopt;
  for (const json& n : *names) {
    if (s.names.size() >= kMaxSuggestions) break;
    if (!n.is_string() || n.get_ref<const std::string&>().empty()) continue;
    // Bounded so that every name fits the advice's one line; redacted like all evidence.
    s.names.push_back(excerpt(redact(n.get_ref<const std::string&>(), secrets), 64));
  }
  if (const auto listed = number_member(value, "listed"); listed && *listed >= 0 && *listed < 1e9)
    s.listed = static_cast<std::size_t>(*listed);
  return s;
}

}  // namespace

BaseUrl read_base_url(std::string_view api_base) {
  // The one base-URL reader (upstream_url.h), in its mode that never refuses: advice names
  // the host and port even of a base the relay would not call.
  const upstream_detail::LenientBase l = upstream_detail::parse_base_lenient(api_base);
  BaseUrl b;
  b.present = l.present;
  b.text = l.text;
  b.scheme = l.scheme;
  b.host = l.host;
  b.port = l.port;
  b.path = l.path;
  return b;
}

bool is_relays(const Outcome& o, const RelayEventView& event) {
  return !event.nonce.empty() && event.nonce == o.relay_nonce;
}

std::string header(const Outcome& o, std::string_view lower_name) {
  const auto it = o.headers.find(std::string(lower_name));
  return it == o.headers.end() ? std::string() : it->second;
}

Outcome read_outcome(const json& outcome) {
  Outcome o;
  if (!outcome.is_object()) return o;
  o.secrets = read_secrets(outcome);

  if (const json* relay = member(outcome, "relayError"); relay && (relay->is_object() || relay->is_string()))
    o.relay = read_relay(*relay, o.secrets);
  if (auto status = status_of(member(outcome, "status"))) o.status = *status;
  if (const json* aborted = member(outcome, "aborted"); aborted && aborted->is_boolean())
    o.aborted = aborted->get<bool>();
  read_headers(outcome, o.secrets, o.headers, o.relay_nonce);
  o.from_relay = header(o, "x-playground-source") == "relay";
  if (const auto* type = string_member(outcome, "contentType"))
    o.content_type = excerpt(*type, 200);
  else
    o.content_type = header(o, "content-type");

  if (const json* body = member(outcome, "body"); body && !body->is_null()) {
    o.body = redact(text_of(body), o.secrets);
    if (!o.relay && o.from_relay) o.relay = relay_in_body(*o.body, o.secrets);
  }
  if (const json* result = member(outcome, "result"); result && result->is_object())
    o.result = read_result(*result, o.secrets);

  if (const json* model = member(outcome, "model"); model && model->is_object()) {
    o.provider = lower_ascii(excerpt(string_field(*model, "provider", "provider"), 60));
    o.model_name = excerpt(string_field(*model, "model_name", "modelName"), kMaxNameBytes);
    o.base = read_base_url(redact(string_field(*model, "api_base", "apiBase"), o.secrets));
  }
  if (const json* request = member(outcome, "request"); request && request->is_object()) {
    o.asked = read_asked_format(*request);
    if (const json* stream = member(*request, "stream"); stream && stream->is_boolean())
      o.request_streamed = stream->get<bool>();
  }
  if (const json* timings = member(outcome, "timings"); timings && timings->is_object()) {
    if (auto connect = number_member(*timings, "connect"); connect && std::isfinite(*connect)) o.connect_ms = *connect;
  }
  if (const json* suggestions = member(outcome, "modelSuggestions"))
    o.suggestions = read_suggestions(*suggestions, o.secrets);
  return o;
}

}  // namespace pg::diag
