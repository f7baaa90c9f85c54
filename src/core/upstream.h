// Where the relay sends a playground call: the base URL normalised and joined with the
// endpoint path, per the provider key's wire protocol (as the AISIX gateway dispatches).
#pragma once

#include "core/json_util.h"

#include <string>
#include <string_view>
#include <vector>

namespace pg {

struct UrlResult {
  bool ok = false;
  std::string url;                 // when ok
  std::string error;               // when !ok: one sentence naming the problem
  std::vector<std::string> notes;  // what normalisation did ("added https://", "removed a pasted /chat/completions")
};

// design.md's core.upstreamUrl: trims whitespace, adds a missing scheme (https), refuses
// non-http(s) schemes, credentials in the URL, a fragment, and hosts that are not valid;
// removes trailing slashes and a pasted endpoint suffix (/chat/completions, /completions,
// /embeddings, …); then joins `path` ("/chat/completions") with exactly one slash.
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

struct UpstreamPlan {
  bool ok = false;
  std::string error;
  std::string url;                 // full URL including any query (Azure's api-version)
  std::string auth_header;         // "authorization" or "api-key"
  std::string auth_scheme;         // "Bearer " or "" (the value is scheme + key)
  WireProtocol protocol = WireProtocol::Unsupported;  // set even when !ok
  std::vector<std::string> notes;
};

inline constexpr std::string_view kAzureApiVersion = "2024-10-21";

// The chat-completions call for one model: protocol, default base URLs (OpenAI's when the
// provider is openai and no api_base is set; Anthropic's OpenAI-compatible endpoint for
// anthropic), Azure's deployment URL and api-key header.
UpstreamPlan plan_chat_call(std::string_view provider, std::string_view adapter,
                            std::string_view api_base, std::string_view model_name);

json to_json(const UrlResult& r);
json to_json(const UpstreamPlan& p);  // {ok:true,url,authHeader,authScheme,protocol,notes} | {ok:false,error,protocol}

}  // namespace pg
