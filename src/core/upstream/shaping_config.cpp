// The shaping's four readings and writings (core/upstream/gateway_shaping.h): from a model and
// its provider key as loaded, to JSON (public or the relay's) and back, and the secrets it holds.
#include "core/upstream/gateway_shaping.h"

#include "core/base/text.h"
#include "core/secrets/redact.h"
#include "core/upstream/detail/shaping_names.h"

#include <cstdint>
#include <optional>

namespace pg {

namespace shaping_detail {

// A header or body field whose name says it carries a credential: its value is never shown
// to the browser, and answers are redacted against it like against the key itself.
bool credential_like(std::string_view name) {
  const std::string n = lower_ascii(name);
  for (const char* word :
       {"key", "token", "secret", "auth", "passw", "credential", "signature", "session", "cookie", "bearer"})
    if (n.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace shaping_detail

namespace {

using shaping_detail::credential_like;

std::optional<std::uint64_t> uint_member(const json& doc, const char* field) {
  const json* v = member(doc, field);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v->get<std::int64_t>());
  return std::nullopt;
}
}  // namespace

CallShaping read_shaping(const Model& model, const ProviderKey& key) {
  CallShaping s;
  s.protocol = wire_protocol(key.provider, key.adapter);
  s.model_id = model.id;
  s.model_name = model.display_name;
  s.key_id = key.id;
  s.key_name = key.display_name;
  const json& k = key.canonical;
  if (const json* request = member(k, "request"); request && request->is_object()) {
    if (const json* renames = member(*request, "param_renames"); renames && renames->is_object())
      for (auto it = renames->begin(); it != renames->end(); ++it)
        if (it.value().is_string()) s.param_renames.emplace_back(it.key(), it.value().get<std::string>());
    if (const json* c = member(*request, "param_constraints"); c && c->is_object()) {
      s.temperature_min = number_member(*c, "temperature_min");
      s.temperature_max = number_member(*c, "temperature_max");
    }
    if (const json* headers = member(*request, "default_headers"); headers && headers->is_object())
      for (auto it = headers->begin(); it != headers->end(); ++it)
        if (it.value().is_string()) s.default_headers.emplace_back(it.key(), it.value().get<std::string>());
    if (const json* forward = member(*request, "forward_client_headers"); forward && forward->is_array())
      for (const auto& p : *forward)
        if (p.is_string()) s.forward_client_headers.push_back(p.get<std::string>());
    if (const json* fields = member(*request, "default_body_fields"); fields && fields->is_object())
      s.default_body_fields = *fields;
    s.forward_jwt_header = string_or_empty(*request, "forward_jwt_header");
  }
  if (const json* response = member(k, "response"); response && response->is_object()) {
    const json* flag = member(*response, "content_list_to_string");
    s.content_list_to_string = flag && flag->is_boolean() && flag->get<bool>();
    s.reasoning_field = string_or_empty(*response, "reasoning_field");
    s.stream_done_marker = string_or_empty(*response, "stream_done_marker");
  }
  if (const json* tls = member(k, "tls"); tls && tls->is_object()) {
    s.has_tls = true;
    s.ca_cert = string_or_empty(*tls, "ca_cert");
    const json* verify = member(*tls, "verify");
    s.tls_verify = !(verify && verify->is_boolean() && !verify->get<bool>());
  }
  const json& m = model.canonical;
  s.timeout_ms = uint_member(m, "timeout");
  s.stream_timeout_ms = uint_member(m, "stream_timeout");
  if (const json* effort = member(m, "effort_mapping"); effort && effort->is_object()) s.effort_mapping = *effort;
  return s;
}

json shaping_to_json(const CallShaping& s, bool public_view, const std::string& secret) {
  const std::vector<std::string> secrets =
      secret.empty() ? std::vector<std::string>{} : std::vector<std::string>{secret};
  auto shown = [&](const std::string& name, const std::string& value) {
    if (!public_view) return value;
    if (credential_like(name)) return std::string("***");
    return secrets.empty() ? value : redact(value, secrets);
  };
  json renames = json::object();
  for (const auto& [from, to] : s.param_renames) renames[from] = to;
  json headers = json::object();
  for (const auto& [name, value] : s.default_headers) headers[name] = shown(name, value);
  json fields = json::object();
  if (s.default_body_fields.is_object())
    for (auto it = s.default_body_fields.begin(); it != s.default_body_fields.end(); ++it) {
      if (!public_view)
        fields[it.key()] = it.value();
      else if (credential_like(it.key()))
        fields[it.key()] = "***";
      else if (secrets.empty())
        fields[it.key()] = it.value();
      else {
        auto parsed = parse_json(redact(dump_json(it.value()), secrets));
        fields[it.key()] = parsed.value ? *parsed.value : json("***");
      }
    }
  json out = {{"protocol", std::string(to_string(s.protocol))},
              {"paramRenames", std::move(renames)},
              {"temperatureMin", s.temperature_min ? json(*s.temperature_min) : json(nullptr)},
              {"temperatureMax", s.temperature_max ? json(*s.temperature_max) : json(nullptr)},
              {"defaultBodyFields", std::move(fields)},
              {"defaultHeaders", std::move(headers)},
              {"forwardClientHeaders", s.forward_client_headers},
              {"contentListToString", s.content_list_to_string},
              {"reasoningField", s.reasoning_field.empty() ? json(nullptr) : json(s.reasoning_field)},
              {"streamDoneMarker", s.stream_done_marker.empty() ? json(nullptr) : json(s.stream_done_marker)},
              {"effortMapping", s.effort_mapping.is_object() ? s.effort_mapping : json(nullptr)},
              {"timeoutMs", s.timeout_ms ? json(*s.timeout_ms) : json(nullptr)},
              {"streamTimeoutMs", s.stream_timeout_ms ? json(*s.stream_timeout_ms) : json(nullptr)},
              {"tls", nullptr},
              {"modelId", s.model_id},
              {"modelName", s.model_name},
              {"keyId", s.key_id},
              {"keyName", s.key_name}};
  if (s.has_tls) {
    const bool ca = !trim(s.ca_cert).empty();
    // A CA certificate is public, but a PEM is long: the page only needs to know one is set.
    out["tls"] = {{"caCert", public_view ? json(ca) : json(s.ca_cert)}, {"verify", s.tls_verify}};
  }
  return out;
}

CallShaping shaping_from_json(const json& v) {
  CallShaping s;
  if (!v.is_object()) return s;
  const std::string protocol = string_or_empty(v, "protocol");
  s.protocol = protocol == "openai"         ? WireProtocol::OpenAI
               : protocol == "anthropic"    ? WireProtocol::Anthropic
               : protocol == "azure-openai" ? WireProtocol::AzureOpenAI
                                            : WireProtocol::Unsupported;
  if (const json* r = member(v, "paramRenames"); r && r->is_object())
    for (auto it = r->begin(); it != r->end(); ++it)
      if (it.value().is_string()) s.param_renames.emplace_back(it.key(), it.value().get<std::string>());
  s.temperature_min = number_member(v, "temperatureMin");
  s.temperature_max = number_member(v, "temperatureMax");
  if (const json* f = member(v, "defaultBodyFields"); f && f->is_object()) s.default_body_fields = *f;
  if (const json* h = member(v, "defaultHeaders"); h && h->is_object())
    for (auto it = h->begin(); it != h->end(); ++it)
      if (it.value().is_string()) s.default_headers.emplace_back(it.key(), it.value().get<std::string>());
  if (const json* f = member(v, "forwardClientHeaders"); f && f->is_array())
    for (const auto& p : *f)
      if (p.is_string()) s.forward_client_headers.push_back(p.get<std::string>());
  const json* flatten = member(v, "contentListToString");
  s.content_list_to_string = flatten && flatten->is_boolean() && flatten->get<bool>();
  s.reasoning_field = string_or_empty(v, "reasoningField");
  s.stream_done_marker = string_or_empty(v, "streamDoneMarker");
  if (const json* e = member(v, "effortMapping"); e && e->is_object()) s.effort_mapping = *e;
  s.timeout_ms = uint_member(v, "timeoutMs");
  s.stream_timeout_ms = uint_member(v, "streamTimeoutMs");
  if (const json* tls = member(v, "tls"); tls && tls->is_object()) {
    s.has_tls = true;
    s.ca_cert = string_or_empty(*tls, "caCert");
    if (const json* ca = member(*tls, "caCert"); ca && ca->is_boolean() && ca->get<bool>()) s.ca_cert = "(set)";
    const json* verify = member(*tls, "verify");
    s.tls_verify = !(verify && verify->is_boolean() && !verify->get<bool>());
  }
  s.model_id = string_or_empty(v, "modelId");
  s.model_name = string_or_empty(v, "modelName");
  s.key_id = string_or_empty(v, "keyId");
  s.key_name = string_or_empty(v, "keyName");
  return s;
}

std::vector<std::string> shaping_secrets(const CallShaping& s) {
  std::vector<std::string> out;
  for (const auto& [name, value] : s.default_headers)
    if (credential_like(name) && value.find("${") == std::string::npos && trim(value).size() >= 8) out.push_back(value);
  if (s.default_body_fields.is_object())
    for (auto it = s.default_body_fields.begin(); it != s.default_body_fields.end(); ++it)
      if (credential_like(it.key()) && it.value().is_string() &&
          trim(it.value().get_ref<const std::string&>()).size() >= 8)
        out.push_back(it.value().get<std::string>());
  return out;
}
}  // namespace pg
