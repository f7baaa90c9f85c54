// Where the relay sends a playground call: the base URL normalised and joined with the
// endpoint path, per the provider key's wire protocol (as the AISIX gateway dispatches).
#pragma once

#include "core/base/json_util.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

struct UrlResult {
  bool ok = false;
  std::string url;                 // when ok
  std::string error;               // when !ok: one sentence naming the problem
  std::vector<std::string> notes;  // what normalisation did ("added https://", "removed a pasted /chat/completions")
};

// core.upstreamUrl (docs/contracts.md): trims whitespace, refuses a base without a scheme (the
// gateway cannot call one), non-http(s) schemes, credentials in the URL, a query, a
// fragment, and hosts that are not valid; removes trailing slashes and one pasted endpoint
// the gateway removes too (/chat/completions, /completions, /embeddings,
// /images/generations, /audio/transcriptions, /audio/translations, /audio/speech — not
// /responses); then joins `path` ("/chat/completions") with exactly one slash.
UrlResult upstream_url(std::string_view api_base, std::string_view path);

// A base URL as it may be shown to anyone who can list models: the user info before the
// host, the query and the fragment removed (where keys get pasted: `user:key@`, Gemini's
// `?key=`). The text is otherwise as configured; it is not checked here.
std::string shown_base_url(std::string_view api_base);

// The wire protocol a provider key speaks, decided as the gateway decides it: the exact
// provider "openai" or "anthropic" first, else the key's `adapter`.
enum class WireProtocol { OpenAI, Anthropic, AzureOpenAI, Unsupported };
WireProtocol wire_protocol(std::string_view provider, std::string_view adapter);
// "openai", "anthropic", "azure-openai", "unsupported" (the adapter names of the gateway).
std::string_view to_string(WireProtocol protocol);

// What the managed gateway does with the same provider key and model (the parity vectors'
// outcomes): POSTs to the chat endpoint, POSTs to a URL that is not the chat endpoint the
// operator meant (a pasted endpoint or a query left in the base), refuses the key's upstream
// configuration before any request (400), has no bridge for the key (503), or speaks
// another protocol (bedrock, vertex).
enum class GatewayOutcome { Dispatch, Misrouted, ConfigError, NoRoute, OtherProtocol };
std::string_view to_string(GatewayOutcome outcome);  // "dispatch", "misrouted", "config_error", …

struct UpstreamPlan {
  bool ok = false;  // the playground makes this call
  std::string error;
  std::string url;                                    // full URL including any query (Azure's api-version)
  std::string auth_header;                            // "authorization" or "api-key"
  std::string auth_scheme;                            // "Bearer " or "" (the value is scheme + key)
  WireProtocol protocol = WireProtocol::Unsupported;  // set even when !ok
  std::vector<std::string> notes;
  GatewayOutcome gateway_outcome = GatewayOutcome::NoRoute;  // set even when !ok
  std::string gateway_url;                                   // Dispatch and Misrouted: the URL the gateway POSTs to
};

inline constexpr std::string_view kAzureApiVersion = "2024-10-21";

// The chat-completions call for one model, and the gateway's own call for it. The base is
// read as the gateway reads it (docs/gateway-parity.md, "URLs: the rules implemented"): OpenAI's
// default only for provider openai (compared trimmed and lower-cased) or none, /v1 added only
// to exactly https://api.openai.com or http://api.openai.com, Cohere's compatibility path,
// Anthropic's /v1 and /v1/messages removed, Azure's deployment URL (a deployment name of
// [A-Za-z0-9_-] only; an *.openai.azure.com base reduced to its resource). An Anthropic key is
// called on the same base at its OpenAI-compatible /v1/chat/completions (the gateway uses
// /v1/messages there: gateway_url says so).
UpstreamPlan plan_chat_call(std::string_view provider, std::string_view adapter, std::string_view api_base,
                            std::string_view model_name);

json to_json(const UrlResult& r);
// {ok:true,url,authHeader,authScheme,protocol,notes,gatewayOutcome,gatewayUrl?}
// | {ok:false,error,protocol,gatewayOutcome,gatewayUrl?}
json to_json(const UpstreamPlan& p);

}  // namespace pg
