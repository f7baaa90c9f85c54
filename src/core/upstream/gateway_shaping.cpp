// The call as the gateway shapes it (gateway_shaping.h). Rules read off the gateway's
// sources; docs/gateway-parity.md ("Shaping: the rules implemented") names file and commit:
// - body: the OpenAI bridge's prepare_outbound_body (renames → constraints → default body
//   fields, then content_list_to_string) and the overrides' primitives; effort_mapping from
//   the proxy's effort_mapping.rs, applied before the bridge;
// - headers: upstream_headers.rs (bridge-owned headers first, never overwritten; reserved
//   credential/transport names dropped; templates rendered, an unresolvable one dropped) and
//   the header_template vocabulary;
// - deadlines: the proxy's effective_timeouts and Model::request_timeout_level /
//   stream_read_timeout; the bridge bounds a stream's send and stream_timeout.rs each chunk;
// - TLS: upstream_tls.rs (ca_cert added to the default roots, a bad one ignored; verify:false
//   accepts any certificate).
#include "core/upstream/gateway_shaping.h"

#include "core/base/text.h"
#include "core/secrets/redact.h"
#include "core/upstream/detail/shaping_names.h"

#include <algorithm>
#include <cmath>

namespace pg {

namespace {

using shaping_detail::credential_like;

std::string code_span(std::string_view s, std::size_t max = 60) { return "`" + excerpt(s, max) + "`"; }

// The header names an operator's default_headers may never set, and the gateway never
// forwards: the credential slots of every bridge and the routing ones (upstream_headers.rs).
constexpr std::string_view kReservedHeaders[] = {
    "authorization",        "x-api-key",           "x-goog-api-key", "api-key", "x-amz-security-token", "x-amz-date",
    "x-amz-content-sha256", "proxy-authorization", "cookie",         "host"};

// Transport headers the relay owns: the gateway's HTTP client would send an operator's value
// (reqwest lets a request header win), the relay never does (it frames and decodes the body
// itself, and a stray Content-Length or Connection would break the exchange).
constexpr std::string_view kRelayOwnedHeaders[] = {
    "content-length", "transfer-encoding", "connection",       "keep-alive",      "te", "trailer", "upgrade",
    "expect",         "accept-encoding",   "content-encoding", "proxy-connection"};

template <std::size_t N>
bool listed(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// A header value the HTTP library accepts: visible bytes, space and tab, no other control.
bool header_value(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::string number_text(double d) {
  const json v = d;
  return dump_json(v);
}

std::string seconds_text(std::uint64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

// --- the template vocabulary ------------------------------------------------------------------

// The value of one `${name}` for this call; nullopt when unknown, absent or empty (the gateway
// then drops the header). `caller` is set when the name is one of the caller's key.
std::optional<std::string> template_var(const CallShaping& s, std::string_view name, std::string_view request_id,
                                        bool& caller) {
  auto present = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  if (name == "request.id") return request_id.empty() ? std::nullopt : std::optional<std::string>(request_id);
  if (name == "model.id") return present(s.model_id);
  if (name == "model.name") return present(s.model_name);
  if (name == "provider_key.id") return present(s.key_id);
  if (name == "provider_key.name") return present(s.key_name);
  if (name == "request.api_key.id" || name == "request.api_key.name" || name == "request.api_key.team_id" ||
      name == "request.api_key.user_id")
    caller = true;
  return std::nullopt;
}

// Renders a default_headers value as the gateway does; nullopt when it does not fully resolve
// (an unknown or empty variable, an unterminated `${`) or the result carries CR, LF or NUL.
std::optional<std::string> render(const CallShaping& s, std::string_view value, std::string_view request_id,
                                  bool& caller, std::string& unresolved) {
  if (value.find("${") == std::string_view::npos) return std::string(value);
  std::string out;
  std::string_view rest = value;
  for (std::size_t start = rest.find("${"); start != std::string_view::npos; start = rest.find("${")) {
    out.append(rest.substr(0, start));
    const std::string_view after = rest.substr(start + 2);
    const std::size_t end = after.find('}');
    if (end == std::string_view::npos) {
      unresolved = "an unterminated ${";
      return std::nullopt;
    }
    const std::string_view name = trim(after.substr(0, end));
    const auto resolved = template_var(s, name, request_id, caller);
    if (!resolved) {
      unresolved = "${" + std::string(name) + "}";
      return std::nullopt;
    }
    out += *resolved;
    rest = after.substr(end + 1);
  }
  out.append(rest);
  if (out.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    unresolved = "a line break in a value it names";
    return std::nullopt;
  }
  return out;
}

// --- body steps ---------------------------------------------------------------------------------

void apply_effort_mapping(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  if (!s.effort_mapping.is_object() || !body.is_object()) return;
  const json* carrier = member(body, "reasoning_effort");
  // Absent, null or "" is "no effort set"; another non-string is left as it is.
  const bool not_set =
      !carrier || carrier->is_null() || (carrier->is_string() && carrier->get_ref<const std::string&>().empty());
  if (!not_set && !carrier->is_string()) return;
  const std::string requested = not_set ? std::string() : carrier->get<std::string>();
  const json* rule = member(s.effort_mapping, requested);  // "" is the no-effort entry
  if (!rule && !not_set) rule = member(s.effort_mapping, "*");
  if (!rule) return;
  const std::string from = not_set ? "no reasoning_effort" : "reasoning_effort " + code_span(requested);
  if (rule->is_null()) {
    body.erase("reasoning_effort");
    changes.push_back(
        {"effort_mapped", from + " removed by the model's effort_mapping (the provider's default applies)"});
  } else if (rule->is_string() && rule->get_ref<const std::string&>() != requested) {
    body["reasoning_effort"] = *rule;
    changes.push_back(
        {"effort_mapped", from + " sent as " + code_span(rule->get<std::string>()) + " by the model's effort_mapping"});
  }
}

void apply_renames(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  if (!body.is_object()) return;
  for (const auto& [from, to] : s.param_renames) {
    if (from == to || !body.contains(from)) continue;
    json value = body[from];
    body.erase(from);
    const bool replaced = body.contains(to);
    body[to] = std::move(value);  // the source wins over a value already under the target name
    changes.push_back({"param_renamed", code_span(from) + " renamed to " + code_span(to) + " by the key's settings" +
                                            (replaced ? " (replacing the " + code_span(to) + " the body had)" : "")});
  }
}

void apply_constraints(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  if (!body.is_object() || (!s.temperature_min && !s.temperature_max)) return;
  const json* t = member(body, "temperature");
  if (!t || !t->is_number()) return;
  const double current = t->get<double>();
  double next = current;
  if (s.temperature_max && next > *s.temperature_max) next = *s.temperature_max;
  if (s.temperature_min && next < *s.temperature_min) next = *s.temperature_min;
  if (next == current || !std::isfinite(next)) return;
  body["temperature"] = next;
  changes.push_back({"temperature_clamped", "`temperature` " + number_text(current) + " sent as " + number_text(next) +
                                                " by the key's param_constraints"});
}

void apply_default_fields(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  if (!body.is_object() || !s.default_body_fields.is_object()) return;
  for (auto it = s.default_body_fields.begin(); it != s.default_body_fields.end(); ++it) {
    if (body.contains(it.key())) continue;  // the caller's value wins
    body[it.key()] = it.value();
    changes.push_back({"body_field_added", code_span(it.key()) + " added by the key's default_body_fields"});
  }
}

void apply_content_list_to_string(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  if (!s.content_list_to_string || !body.is_object()) return;
  json* messages = body.contains("messages") ? &body["messages"] : nullptr;
  if (!messages || !messages->is_array()) return;
  std::size_t flattened = 0, dropped = 0;
  for (auto& message : *messages) {
    if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) continue;
    std::string text;
    bool saw_text = false;
    std::size_t others = 0;
    for (const auto& part : message["content"]) {
      const std::string* type = part.is_object() ? string_member(part, "type") : nullptr;
      const std::string* t = type && *type == "text" ? string_member(part, "text") : nullptr;
      if (t) {
        text += *t;
        saw_text = true;
      } else {
        ++others;
      }
    }
    if (!saw_text) continue;  // an image-only message is left as it is
    message["content"] = std::move(text);
    ++flattened;
    dropped += others;
  }
  if (!flattened) return;
  std::string note = "the content parts of " + std::to_string(flattened) + " message" + (flattened == 1 ? "" : "s") +
                     " joined into one string by the key's response.content_list_to_string";
  if (dropped)
    note += "; " + std::to_string(dropped) + " non-text part" + (dropped == 1 ? " was" : "s were") +
            " dropped, as the gateway drops them";
  changes.push_back({"content_flattened", note});
}

}  // namespace

// --- shaping one call ---------------------------------------------------------------------------

void shape_body(json& body, const CallShaping& s, std::vector<ShapingNote>& changes) {
  apply_effort_mapping(body, s, changes);
  // The key's request block, in the OpenAI bridge's order, then the response block's request
  // transform.
  for (const auto& [from, to] : s.param_renames)
    for (const auto& [from2, to2] : s.param_renames)
      if (to == from2 && from != to && from2 != to2 && body.is_object() && body.contains(from))
        changes.push_back({"rename_chain", "the key renames " + code_span(from) + " to " + code_span(to) + " and " +
                                               code_span(from2) + " to " + code_span(to2) +
                                               ": the gateway applies its renames in no fixed order, so it may send "
                                               "either name; the playground applied them in the order listed"});
  apply_renames(body, s, changes);
  apply_constraints(body, s, changes);
  apply_default_fields(body, s, changes);
  apply_content_list_to_string(body, s, changes);
}

namespace {

ShapingNote client_headers_note() {
  return {"client_headers_not_forwarded",
          "the key forwards the caller's headers matching forward_client_headers; a playground call has no caller, "
          "so none are forwarded"};
}

}  // namespace

std::vector<OutboundHeader> shape_headers(const CallShaping& s, std::string_view request_id, bool stream,
                                          std::string_view auth_header, std::vector<ShapingNote>& changes) {
  std::vector<OutboundHeader> out;
  if (s.default_headers.empty()) {  // nearly every key: nothing to add, nothing to say of it
    if (!s.forward_client_headers.empty()) changes.push_back(client_headers_note());
    return out;
  }
  std::vector<std::string> seen = {lower_ascii(auth_header), "content-type", "x-aisix-request-id"};
  if (stream) seen.push_back("accept");
  std::vector<std::string> taken;  // names already added from default_headers
  for (const auto& [raw_name, value] : s.default_headers) {
    const std::string name = lower_ascii(raw_name);
    if (!is_http_token(name)) {
      changes.push_back({"header_skipped", "default header " + code_span(raw_name) +
                                               " not sent: not a valid header name (the gateway skips it too)"});
      continue;
    }
    if (listed(kReservedHeaders, name)) {
      changes.push_back({"header_skipped", "default header " + code_span(name) +
                                               " not sent: a credential or routing header, which the gateway never "
                                               "lets default_headers set"});
      continue;
    }
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) continue;  // the first of a name wins
    taken.push_back(name);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      changes.push_back({"header_skipped", "default header " + code_span(name) +
                                               " not sent: the gateway sets it itself and keeps its own value"});
      continue;
    }
    bool caller = false;
    std::string unresolved;
    const auto rendered = render(s, value, request_id, caller, unresolved);
    if (!rendered) {
      changes.push_back({caller ? "caller_header_dropped" : "header_dropped",
                         "default header " + code_span(name) + " not sent: its template names " + unresolved +
                             (caller ? ", the caller's API key, which a playground call has none of (the gateway sends "
                                       "it with the caller's value)"
                                     : ", which does not resolve, so the gateway drops it too")});
      continue;
    }
    if (!header_value(*rendered)) {
      changes.push_back({"header_skipped", "default header " + code_span(name) +
                                               " not sent: its value holds a control character (the gateway skips it "
                                               "too)"});
      continue;
    }
    if (listed(kRelayOwnedHeaders, name)) {
      changes.push_back(
          {"header_not_sent", "default header " + code_span(name) +
                                  " not sent by the playground: the relay owns the transport headers (the "
                                  "gateway would send it)"});
      continue;
    }
    const bool hidden = credential_like(name);
    changes.push_back({"header_added", "header " + code_span(name) + (hidden ? "" : ": " + excerpt(*rendered, 60)) +
                                           " added by the key's default_headers"});
    out.push_back({name, *rendered});
  }
  if (!s.forward_client_headers.empty()) changes.push_back(client_headers_note());
  return out;
}

ShapedCall shape_call(json& body, const CallShaping& s, std::string_view request_id) {
  ShapedCall call;
  const json* stream = body.is_object() ? member(body, "stream") : nullptr;
  call.stream = stream && stream->is_boolean() && stream->get<bool>();
  shape_body(body, s, call.changes);
  const std::string_view auth = s.protocol == WireProtocol::AzureOpenAI ? "api-key" : "authorization";
  call.headers = shape_headers(s, request_id, call.stream, auth, call.changes);
  return call;
}

json to_json(const ShapedCall& call) {
  json headers = json::array();
  for (const auto& h : call.headers) headers.push_back({{"name", h.name}, {"value", h.value}});
  json changes = json::array();
  for (const auto& c : call.changes) changes.push_back(to_json(c));
  return json{{"stream", call.stream}, {"headers", std::move(headers)}, {"changes", std::move(changes)}};
}

Deadlines model_deadlines(const CallShaping& s) {
  Deadlines d;
  if (!s.timeout_ms)
    d.request = {std::nullopt, "deployment"};
  else if (*s.timeout_ms == 0)
    d.request = {std::nullopt, "none"};
  else
    d.request = {s.timeout_ms, "model.timeout"};
  if (s.stream_timeout_ms && *s.stream_timeout_ms > 0)
    d.stream = {s.stream_timeout_ms, "model.stream_timeout"};
  else
    d.stream = d.request;
  return d;
}

namespace {

json deadline_json(const Deadline& d) { return {{"ms", d.ms ? json(*d.ms) : json(nullptr)}, {"from", d.from}}; }

std::string deadline_note(const Deadline& d, const char* what) {
  if (d.from == "deployment")
    return std::string("for ") + what +
           " the gateway uses its deployment-wide upstream timeout, which the playground "
           "does not know: the relay's own limits apply";
  if (d.from == "none")
    return std::string("for ") + what +
           " the model sets `timeout: 0`: the gateway waits without a deadline; the "
           "relay's own limits still apply";
  const std::string field = d.from == "model.stream_timeout" ? "`stream_timeout`" : "`timeout`";
  return std::string("for ") + what + " the gateway gives up after " + seconds_text(*d.ms) + " (the model's " + field +
         (std::string(what) == "a stream" ? ", for the response headers and for each chunk" : ", for the whole call") +
         "); the relay applies the same limit";
}

}  // namespace

json gateway_plan_json(const CallShaping& s, const UpstreamPlan& plan) {
  std::vector<ShapingNote> notes;
  for (const auto& [from, to] : s.param_renames)
    if (from != to) notes.push_back({"param_renames", "the key renames " + code_span(from) + " to " + code_span(to)});
  if (s.temperature_min || s.temperature_max)
    notes.push_back(
        {"param_constraints", "the key clamps `temperature` to " +
                                  (s.temperature_min ? number_text(*s.temperature_min) : std::string("-∞")) + " … " +
                                  (s.temperature_max ? number_text(*s.temperature_max) : std::string("∞")) +
                                  " (values outside are sent as the bound, never refused)"});
  if (s.default_body_fields.is_object() && !s.default_body_fields.empty()) {
    std::string names;
    for (auto it = s.default_body_fields.begin(); it != s.default_body_fields.end(); ++it)
      names += (names.empty() ? "" : ", ") + code_span(it.key());
    notes.push_back({"default_body_fields", "the key adds " + names + " to the body when it has none"});
  }
  for (const auto& [name, value] : s.default_headers)
    notes.push_back(
        {"default_headers", "the key adds the header " + code_span(lower_ascii(name)) +
                                (value.find("${") != std::string::npos ? " (a template, rendered per call)" : "")});
  if (!s.forward_client_headers.empty())
    notes.push_back({"forward_client_headers",
                     "the key forwards caller headers matching forward_client_headers; the "
                     "playground has no caller, so it forwards none"});
  if (s.content_list_to_string)
    notes.push_back({"content_list_to_string",
                     "the key sends each message's text parts joined into one string "
                     "(response.content_list_to_string); other parts are dropped"});
  if (s.effort_mapping.is_object())
    notes.push_back({"effort_mapping", "the model maps `reasoning_effort` through its effort_mapping"});
  if (!s.reasoning_field.empty())
    notes.push_back({"reasoning_field", "the gateway reads a stream's reasoning from " + code_span(s.reasoning_field) +
                                            " (response.reasoning_field)"});
  if (!s.stream_done_marker.empty())
    notes.push_back({"stream_done_marker", "the gateway expects a stream's `data: [DONE]` to be " +
                                               s.stream_done_marker +
                                               " (response.stream_done_marker); a stream that differs is only logged"});
  const bool https = plan.url.rfind("https://", 0) == 0;
  json tls = nullptr;
  if (s.has_tls) {
    const bool ca = !trim(s.ca_cert).empty();
    if (ca) {
      // "(set)": the public view, which says only that one is set.
      const bool pem = s.ca_cert == "(set)" || s.ca_cert.find("-----BEGIN CERTIFICATE-----") != std::string::npos;
      notes.push_back(
          {"tls_ca_cert", pem ? "the key trusts its own CA (tls.ca_cert) for this upstream, besides the usual "
                                "roots; the relay does too, for this call only"
                              : "the key's tls.ca_cert holds no CERTIFICATE block: the gateway ignores it "
                                "and uses the usual roots, and so does the relay"});
    }
    if (!s.tls_verify && https)
      notes.push_back({"tls_verify_off",
                       "the key turns certificate checks off (tls.verify: false): the gateway accepts "
                       "any certificate from this upstream, and the relay does the same for this call"});
    tls = {{"caCert", s.ca_cert == "(set)" ? json(true) : json(s.ca_cert)}, {"verify", s.tls_verify}};
  }
  const Deadlines d = model_deadlines(s);
  if (d.request.from != "deployment") notes.push_back({"deadline", deadline_note(d.request, "a whole answer")});
  if (d.stream.from != "deployment") notes.push_back({"deadline", deadline_note(d.stream, "a stream")});
  json out = {{"answerReading",
               {{"reasoningField", s.reasoning_field.empty() ? json(nullptr) : json(s.reasoning_field)},
                {"streamDoneMarker", s.stream_done_marker.empty() ? json(nullptr) : json(s.stream_done_marker)},
                {"contentListToString", s.content_list_to_string}}},
              {"deadlines", {{"request", deadline_json(d.request)}, {"stream", deadline_json(d.stream)}}},
              {"tls", std::move(tls)},
              {"shaping", json::array()}};
  for (const auto& n : notes) out["shaping"].push_back(to_json(n));
  return out;
}

json to_json(const ShapingNote& note) { return json{{"code", note.code}, {"text", note.text}}; }
json to_json(const Difference& d) { return json{{"code", d.code}, {"text", d.text}}; }

}  // namespace pg
