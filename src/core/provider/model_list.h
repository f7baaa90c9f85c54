// A provider's model list: where the relay asks for it (GET <base URL>/models, with the key,
// as the chat call's plan says) and what its answer holds. The relay fetches it only when a
// run's model step failed with the key accepted, to suggest the names the key can use
// (diagnose/closest_models.h ranks them, the diagnosis words the advice).
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

// Bounds of the reader: a body past kMaxModelListBytes is not parsed, at most kMaxModelIds
// names are kept (the rest counted as left out), and an id longer than kMaxModelIdBytes, empty,
// or holding a control character is skipped.
inline constexpr std::size_t kMaxModelListBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxModelIds = 2000;
inline constexpr std::size_t kMaxModelIdBytes = 256;

// Why a model list could not be had: a closed list (web/core.d.ts's ModelListProblem), the
// `unavailable` of the diagnosis's modelSuggestions input.
//   not_listed  the provider keeps no list the key can read (Azure: deployments are in the portal)
//   bad_base_url the model's base URL cannot be called (the chat plan refuses it too)
//   http_error  the provider answered GET /models with a status other than 2xx
//   not_a_list  the answer is not a model list (not JSON, or JSON of another shape)
//   too_large   the answer passed kMaxModelListBytes
//   empty       a list without a single usable name
//   unreachable the relay could not get an answer (DNS, refused, timeout, blocked address, …)
inline constexpr std::string_view kModelListProblems[] = {
    "not_listed", "bad_base_url", "http_error", "not_a_list", "too_large", "empty", "unreachable",
};

// How to ask for the list: the chat call's plan with its endpoint's last path replaced by
// /models (the query kept), and the key sent as the chat call sends it — except an Anthropic
// key, whose list (api.anthropic.com/v1/models) takes x-api-key and anthropic-version.
struct ModelListCall {
  bool ok = false;
  std::string problem;  // when !ok: "not_listed" or "bad_base_url"
  std::string error;    // when !ok: one sentence for people
  std::string url;
  std::string auth_header;                                   // "authorization", "x-api-key", …
  std::string auth_scheme;                                   // "Bearer " or ""
  std::vector<std::pair<std::string, std::string>> headers;  // sent besides the key (never a secret)
};

ModelListCall plan_model_list(std::string_view provider, std::string_view adapter, std::string_view api_base,
                              std::string_view model_name);

// What a GET /models answer holds: OpenAI's {"object":"list","data":[{"id":…}]} (Anthropic's,
// DeepSeek's, Gemini's and Ollama's OpenAI-compatible lists have that shape; Gemini's ids
// lose their "models/" prefix, which its chat endpoint does not want), a bare array of such
// objects or of names, or {"models":[{"name"|"model"|"id":…}]} (Gemini's and Ollama's own
// lists). Ids are kept in the provider's order, without repeats.
struct ModelList {
  bool ok = false;
  std::string problem;  // when !ok: "not_a_list", "too_large" or "empty"
  std::string error;    // when !ok: one sentence for people
  std::vector<std::string> ids;
  std::size_t left_out = 0;  // names past kMaxModelIds, or skipped as unusable
};

ModelList read_model_list(std::string_view body);

// {ok:true,url,authHeader,authScheme,headers:[{name,value}]} | {ok:false,problem,error}
json to_json(const ModelListCall& call);
// {ok:true,ids,leftOut} | {ok:false,problem,error}
json to_json(const ModelList& list);

}  // namespace pg
