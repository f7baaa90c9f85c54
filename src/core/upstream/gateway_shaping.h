// The call as the gateway shapes it, and what a playground pass does not prove.
//
// A provider key's `request` block (param_renames, param_constraints, default_body_fields,
// default_headers, forward_client_headers), its `response` block (content_list_to_string,
// reasoning_field, stream_done_marker), its `tls` block and a model's `timeout`,
// `stream_timeout` and `effort_mapping` change what the gateway sends, how it reads the
// answer, which servers it trusts and when it gives up. The rules are read off the gateway's
// bridges (docs/gateway-parity.md names every file and commit). Here is the logic: the body
// and headers as the gateway sends them, the deadlines as it resolves them, the answer-reading
// settings as data for the stream reader; the relay does the I/O (TLS trust, timers).
#pragma once

#include "core/base/json_util.h"
#include "core/resources/resources.h"
#include "core/upstream/upstream.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg {

// One thing the gateway does to this call that a plain call would not, or a note about one:
// `code` from a closed list (gateway_shaping.cpp, kShapingCodes), `text` one sentence.
struct ShapingNote {
  std::string code;
  std::string text;
};

// What a key and model make the gateway do to a chat call, read once per configuration.
struct CallShaping {
  WireProtocol protocol = WireProtocol::Unsupported;
  // request block, in the key's order (the gateway iterates a hash map: see the docs)
  std::vector<std::pair<std::string, std::string>> param_renames;
  std::optional<double> temperature_min, temperature_max;
  json default_body_fields = json::object();
  std::vector<std::pair<std::string, std::string>> default_headers;  // name as written, value template
  std::vector<std::string> forward_client_headers;
  std::string forward_jwt_header;  // the header a caller's verified JWT is relayed in ("" when none)
  // response block
  bool content_list_to_string = false;
  std::string reasoning_field;     // "" when none
  std::string stream_done_marker;  // "" | "required" | "optional" | "none"
  // the model's effort_mapping: null, or an object of requested effort -> string | null
  json effort_mapping;
  // tls block
  bool has_tls = false;
  std::string ca_cert;  // PEM ("" when none; the public view says only whether one is set)
  bool tls_verify = true;
  // the model's deadlines, in milliseconds (absent: the gateway's deployment defaults)
  std::optional<std::uint64_t> timeout_ms, stream_timeout_ms;
  // the values a default header template may name (the gateway's closed vocabulary)
  std::string model_id, model_name, key_id, key_name;
};

// Reads the key's and model's canonical documents (resources.h).
CallShaping read_shaping(const Model& model, const ProviderKey& key);

// The shaping as JSON. `public_view`: what anyone signed in may see — a default header or
// body field whose name looks like a credential shows "***", the CA only as `true`, and
// `secret` (the key's own) is redacted from every value. Otherwise (the relay's): everything.
json shaping_to_json(const CallShaping& shaping, bool public_view, const std::string& secret = "");
CallShaping shaping_from_json(const json& value);

// The values of default headers and body fields whose names look like credentials: the relay
// redacts answers against them as against the key itself.
std::vector<std::string> shaping_secrets(const CallShaping& shaping);

// The body as the gateway sends it, in its order: the model's effort_mapping (the proxy, on
// `reasoning_effort`), then the key's param_renames (the source's value wins), the temperature
// clamps (max, then min; a number only), default_body_fields (only where the body has none),
// and content_list_to_string (text parts joined, when a message has any). `changes` says
// each thing done, for the inspect view.
void shape_body(json& body, const CallShaping& shaping, std::vector<ShapingNote>& changes);

// The headers the key adds, as the gateway renders them: templates `${…}` from its closed
// vocabulary (request.id, model.id, model.name, provider_key.id, provider_key.name resolve;
// request.api_key.* name the caller's key, which a playground call has none of, so that header
// is dropped, as the gateway drops any header whose variables do not all resolve); never a
// credential or transport header, never one the gateway sets itself (its auth header,
// content-type, x-aisix-request-id, and accept on a stream). Names are lower-cased, the first
// of a name wins. `auth_header` is the plan's ("authorization", "api-key").
struct OutboundHeader {
  std::string name;
  std::string value;
};
std::vector<OutboundHeader> shape_headers(const CallShaping& shaping, std::string_view request_id, bool stream,
                                          std::string_view auth_header, std::vector<ShapingNote>& changes);

// Both, for one call: the body shaped in place and the headers the key adds, with the
// auth slot of the key's protocol (api-key for Azure, authorization otherwise) and the
// body's own `stream` read before shaping (the gateway decides streaming from the request).
struct ShapedCall {
  bool stream = false;
  std::vector<OutboundHeader> headers;
  std::vector<ShapingNote> changes;
};
ShapedCall shape_call(json& body, const CallShaping& shaping, std::string_view request_id);
// {stream, headers: [{name, value}], changes: [{code, text}]}
json to_json(const ShapedCall& call);

// The gateway's deadlines for this model called directly (its effective_timeouts with no
// group): `timeout` bounds a whole non-streaming call (0 = none); a stream's budget bounds
// the wait for the response headers and for every chunk, the first included, and is
// `stream_timeout` when set above 0, else `timeout`. Absent: the gateway's deployment-wide
// upstream.timeout_ms / stream_timeout_ms, which the playground does not know.
struct Deadline {
  std::optional<std::uint64_t> ms;  // the budget; empty: none from the model
  std::string from;                 // "model.timeout", "model.stream_timeout", "none" (timeout: 0), "deployment"
};
struct Deadlines {
  Deadline request;  // non-streaming calls
  Deadline stream;   // streaming calls
};
Deadlines model_deadlines(const CallShaping& shaping);

// For the chat plan (core.planChatCall with `shaping`): {answerReading, deadlines, tls,
// shaping: [{code, text}]} — the answer-reading settings as data for the stream reader, the
// deadlines the relay applies, the TLS settings it connects with, and what the key's settings
// change, described once per configuration.
json gateway_plan_json(const CallShaping& shaping, const UpstreamPlan& plan);

// One difference between a playground pass and gateway traffic for this model.
struct Difference {
  std::string code;  // from a closed list: kDifferenceCodes
  std::string text;  // one line
};
inline constexpr const char* kDifferenceCodes[] = {
    "anthropic_messages_api", "caller_key_not_checked", "rate_limits_not_applied",
    "guardrails_not_run",     "cache_not_used",         "retries_not_exercised",
    "cooldown_not_exercised", "client_ip_not_checked",  "client_headers_not_forwarded",
    "caller_header_dropped",  "tls_verify_off",         "prompt_caching_not_applied",
};

// Only the differences that apply to this model, from its configuration, its key's and the
// other collections (caller keys, policies, guardrails, cache policies).
std::vector<Difference> differences_for(const Model& model, const ProviderKey& key, const Resources& resources);

// The same for every model of a configuration, with the other collections indexed once (an
// etcd store can hold 10,000 models and as many caller keys).
class GatewayViews {
 public:
  explicit GatewayViews(const Resources& resources);
  ~GatewayViews();
  GatewayViews(const GatewayViews&) = delete;
  GatewayViews& operator=(const GatewayViews&) = delete;
  std::vector<Difference> differences(const Model& model, const ProviderKey& key) const;
  // The public model list's `gateway` entry: {shaping (public view), differences}.
  json public_json(const Model& model, const ProviderKey& key) const;

 private:
  struct Index;
  const Resources& resources_;
  std::unique_ptr<Index> index_;
};

// For the relay only, never for a browser: {models: {<model id>: shaping (every value, the
// CA's PEM included)}} for the direct models whose key exists. (Each key's shaping_secrets
// are in to_relay_keys_json, as `header_secrets`.)
json to_relay_shaping_json(const Resources& resources);

json to_json(const ShapingNote& note);
json to_json(const Difference& difference);

}  // namespace pg
