// What a provider error means, as one table: the first row whose every column matches
// decides. A new provider quirk is a new row. Rows are ordered from the most specific
// meaning to the most generic, because the same status means different things: a 429 is a
// rate limit unless the provider says the account is out of credit; a 404 is a missing
// model when the provider says so, and a wrong base URL otherwise; a 403 with the
// provider's JSON is the key's permissions, a 403 web page is not an API at all.
#include "core/diagnose/detail/rules.h"

#include "core/provider/provider_error.h"

#include <array>

namespace pg::diag {

namespace {

// Status classes in the status column: 3, 4 and 5 stand for any 3xx, 4xx and 5xx.
constexpr int k3xx = 3;
constexpr int k4xx = 4;
constexpr int k5xx = 5;

enum class Shape { Any, Envelope, Html, NotHtml };

struct Rule {
  Kind kind;
  std::array<int, 4> statuses;  // the status is one of these (0 = unused; none = any status)
  Shape shape;                  // how the body looked
  const char* words;            // '|'-separated: the error's type or code is one of these ("" = any)
  const char* phrases;          // '|'-separated: the message contains one of these ('*' = any text between)
};

// clang-format off
const Rule kProviderRules[] = {
  // kind                      statuses              shape            type or code                                              message
  {Kind::RateLimit,            {429},                Shape::Any,      "",                                                       "try again in|retry in|retry after|per min|per day"},
  {Kind::Quota,                {402},                Shape::Any,      "",                                                       ""},
  {Kind::Quota,                {},                   Shape::Any,      "insufficient_quota|billing_error|insufficient_balance",  ""},
  {Kind::Quota,                {},                   Shape::Any,      "",                                                       "credit balance is too low|insufficient balance|insufficient credits|exceeded your current quota|billing details|out of credits"},
  {Kind::RateLimit,            {429},                Shape::Any,      "",                                                       ""},
  {Kind::RateLimit,            {},                   Shape::Any,      "rate_limit_error|rate_limit_exceeded|resource_exhausted", ""},
  {Kind::Overloaded,           {529},                Shape::Any,      "",                                                       ""},
  {Kind::Overloaded,           {},                   Shape::Any,      "overloaded_error",                                       ""},
  {Kind::Overloaded,           {k5xx},               Shape::Any,      "",                                                       "overloaded"},
  {Kind::ContextLength,        {},                   Shape::Any,      "context_length_exceeded|exceed_context_size_error",      ""},
  {Kind::ContextLength,        {400, 413, 422, k5xx},Shape::Any,      "",                                                       "maximum context length|context length|context window|context size|prompt is too long|exceeds the available context"},
  {Kind::UnsupportedParameter, {},                   Shape::Any,      "unsupported_parameter|unsupported_value|extra_forbidden", ""},
  {Kind::UnsupportedParameter, {400, 422},           Shape::Any,      "",                                                       "unsupported parameter|unsupported value|extra inputs are not permitted|is not supported with this model|is unsupported"},
  {Kind::ContentFilter,        {},                   Shape::Any,      "content_filter|responsibleaipolicyviolation|content_policy_violation", ""},
  {Kind::ContentFilter,        {400, 403},           Shape::Any,      "",                                                       "content management policy|content policy|requires moderation|was flagged|input was flagged"},
  {Kind::RegionBlocked,        {},                   Shape::Any,      "unsupported_country_region_territory",                   ""},
  {Kind::RegionBlocked,        {403},                Shape::Any,      "",                                                       "region, or territory not supported|not available in your country|location is not supported"},
  {Kind::KeyOrEndpoint,        {401},                Shape::Any,      "",                                                       "wrong api endpoint"},
  {Kind::KeyRejected,          {401},                Shape::Any,      "",                                                       ""},
  {Kind::KeyRejected,          {},                   Shape::Any,      "authentication_error|invalid_api_key|unauthenticated|api_key_invalid|invalid_key", ""},
  {Kind::KeyRejected,          {},                   Shape::Any,      "",                                                       "incorrect api key|invalid api key|api key not valid|api key is invalid|invalid x-api-key|x-api-key header is required|no auth credentials|invalid authentication|authentication fails|missing bearer"},
  {Kind::KeyPermission,        {403},                Shape::NotHtml,  "",                                                       ""},
  {Kind::KeyPermission,        {},                   Shape::Any,      "permission_error|permission_denied",                     ""},
  {Kind::DeploymentNotFound,   {},                   Shape::Any,      "deploymentnotfound",                                     ""},
  {Kind::ModelNotFound,        {},                   Shape::Any,      "model_not_found|model_not_available",                    ""},
  {Kind::ModelNotFound,        {404},                Shape::Envelope, "not_found_error|not_found|notfounderror",                "model"},
  {Kind::ModelNotFound,        {400, 404, 422},      Shape::Any,      "",                                                       "model*does not exist|model*not exist|model*not found|invalid model|unknown model|not a valid model|no such model|no endpoints found|is not found for api version"},
  {Kind::EndpointRedirect,     {k3xx},               Shape::Any,      "",                                                       ""},
  {Kind::EndpointPath,         {404, 405},           Shape::Any,      "",                                                       ""},
  {Kind::EndpointWebPage,      {k4xx},               Shape::Html,     "",                                                       ""},
  {Kind::RequestTooLarge,      {413},                Shape::Any,      "",                                                       ""},
  {Kind::ProviderTimeout,      {408},                Shape::Any,      "",                                                       ""},
  {Kind::Outage,               {k5xx},               Shape::Any,      "",                                                       ""},
  {Kind::PromptRejected,       {400, 422},           Shape::Any,      "",                                                       ""},
};
// clang-format on

bool status_matches(const std::array<int, 4>& statuses, int status) {
  bool any_listed = false;
  for (int s : statuses) {
    if (s == 0) continue;
    any_listed = true;
    if (s == status) return true;
    if (s >= k3xx && s <= k5xx && status / 100 == s) return true;
  }
  return !any_listed;
}

bool shape_matches(Shape shape, BodyShape body) {
  switch (shape) {
    case Shape::Any: return true;
    case Shape::Envelope: return body == BodyShape::Envelope;
    case Shape::Html: return body == BodyShape::Html;
    case Shape::NotHtml: return body != BodyShape::Html;
  }
  return false;
}

// Calls `each` with every '|'-separated alternative of `list`.
template <typename F>
bool any_alternative(std::string_view list, F each) {
  while (!list.empty()) {
    const std::size_t bar = list.find('|');
    const std::string_view one = list.substr(0, bar);
    if (!one.empty() && each(one)) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

// `pattern` (lower case, '*' = any text) occurs in `lower_text`.
bool pattern_in(std::string_view lower_text, std::string_view pattern) {
  std::size_t at = 0;
  while (!pattern.empty()) {
    const std::size_t star = pattern.find('*');
    const std::string_view piece = pattern.substr(0, star);
    if (!piece.empty()) {
      const std::size_t found = lower_text.find(piece, at);
      if (found == std::string_view::npos) return false;
      at = found + piece.size();
    }
    if (star == std::string_view::npos) break;
    pattern.remove_prefix(star + 1);
  }
  return true;
}

bool words_match(const char* words, const std::string& lower_type, const std::string& lower_code) {
  if (!*words) return true;
  return any_alternative(words, [&](std::string_view w) { return w == lower_type || w == lower_code; });
}

bool phrases_match(const char* phrases, const std::string& lower_message) {
  if (!*phrases) return true;
  return any_alternative(phrases, [&](std::string_view p) { return pattern_in(lower_message, p); });
}

BodyShape shape_of(const std::string& parse_error_type) {
  if (parse_error_type == "html") return BodyShape::Html;
  if (parse_error_type == "text") return BodyShape::Text;
  if (parse_error_type == "empty") return BodyShape::Empty;
  if (parse_error_type == "json") return BodyShape::Json;
  return BodyShape::Envelope;
}

}  // namespace

const char* step_name(int step) {
  static const char* const kNames[kStepCount] = {"reach", "endpoint", "key", "model", "answer"};
  return step >= 0 && step < kStepCount ? kNames[step] : "";
}

Kind classify(const ProviderFacts& facts) {
  const std::string type = lower_ascii(facts.type);
  const std::string code = lower_ascii(facts.code);
  const std::string message = lower_ascii(facts.message);
  for (const Rule& rule : kProviderRules) {
    // A row that names statuses never applies to an error without one (mid-stream).
    if (!status_matches(rule.statuses, facts.status)) continue;
    if (!shape_matches(rule.shape, facts.shape)) continue;
    if (!words_match(rule.words, type, code)) continue;
    if (!phrases_match(rule.phrases, message)) continue;
    return rule.kind;
  }
  return Kind::Other;
}

const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::RateLimit: return "rate_limit";
    case Kind::Quota: return "quota";
    case Kind::Overloaded: return "overloaded";
    case Kind::Outage: return "outage";
    case Kind::ProviderTimeout: return "timeout";
    case Kind::RegionBlocked: return "region";
    case Kind::ContextLength: return "context_length";
    case Kind::UnsupportedParameter: return "unsupported_parameter";
    case Kind::ContentFilter: return "content_filter";
    case Kind::RequestTooLarge: return "request_too_large";
    case Kind::PromptRejected: return "invalid_request";
    case Kind::KeyRejected: return "key_rejected";
    case Kind::KeyOrEndpoint: return "key_or_endpoint";
    case Kind::KeyPermission: return "key_permission";
    case Kind::ModelNotFound: return "model_not_found";
    case Kind::DeploymentNotFound: return "deployment_not_found";
    case Kind::EndpointPath: return "endpoint_path";
    case Kind::EndpointWebPage: return "endpoint_web_page";
    case Kind::EndpointRedirect: return "endpoint_redirect";
    case Kind::Other: return "other";
  }
  return "other";
}

ProviderFacts facts_from_response(const Outcome& o, int status) {
  ProviderFacts f;
  f.http_status = status;
  f.status = status;
  const std::string body = o.body ? *o.body : std::string();
  const ProviderError e = parse_error(status, o.content_type, body);
  f.shape = shape_of(e.type);
  if (f.shape == BodyShape::Envelope && e.type != "error") f.type = e.type;
  if (e.code) f.code = *e.code;
  if (e.param) f.param = *e.param;
  f.message = e.message;
  // A 2xx that carries an error (some llama.cpp and LM Studio builds): the error's own
  // numeric code is the status that means something.
  if (status / 100 == 2) {
    if (const int meant = status_in_code(f.code)) f.status = meant;
  }
  return f;
}

int status_in_code(std::string_view code) {
  if (code.size() != 3 || code[0] < '1' || code[0] > '5' || !all_digits(code)) return 0;
  return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

}  // namespace pg::diag
