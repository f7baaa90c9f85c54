// The diagnosis's vocabulary (what one provider error means, and where a run stopped) and
// the tables that map evidence to it. Internal to core/diagnose*.
#pragma once

#include "core/diagnose/detail/input.h"
#include "core/diagnose/diagnose.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace pg::diag {

enum StepIndex : int { kReach = 0, kEndpoint, kKey, kModel, kAnswer, kStepCount };
const char* step_name(int step);

// How a provider's error body looked (parse_error's type, folded).
enum class BodyShape { Envelope, Html, Text, Empty, Json };

// One provider error: from an HTTP error response, a 2xx body that carries an error
// (some llama.cpp builds), or an error event inside a stream.
struct ProviderFacts {
  int status = 0;       // the HTTP status the rules see (a 2xx body's numeric error code; 0 mid-stream)
  int http_status = 0;  // the status as received (0 mid-stream)
  BodyShape shape = BodyShape::Empty;
  std::string type;     // provider error type or Gemini status ("" when none)
  std::string code;     // provider error code as text ("" when none)
  std::string message;  // redacted, single line
  std::string param;    // OpenAI's param ("" when none)
  bool mid_stream = false;
};

// What a provider error means. The order of kProviderRules, not of this enum, decides.
enum class Kind {
  RateLimit,
  Quota,
  Overloaded,
  Outage,
  ProviderTimeout,
  RegionBlocked,  // provider side
  ContextLength,
  UnsupportedParameter,
  ContentFilter,
  RequestTooLarge,
  PromptRejected,  // prompt side
  KeyRejected,
  KeyOrEndpoint,
  KeyPermission,  // the key
  ModelNotFound,
  DeploymentNotFound,  // the model name
  EndpointPath,
  EndpointWebPage,
  EndpointRedirect,  // the base URL
  Other,
};

Kind classify(const ProviderFacts& facts);
const char* to_string(Kind kind);

// Where a run stopped and why: the steps up to `passed` pass, `failed` fails, the rest
// were not reached.
struct Cause {
  int passed = -1;
  int failed = -1;
  std::string code;      // the failed step's code (diagnose.h's StepCode)
  std::string evidence;  // the failed step's evidence
  std::string advice;    // the failed step's advice
  std::vector<Condition> conditions;
  std::string summary;                                // one sentence
  std::string stop_reason;                            // why later steps were not checked
  std::array<std::string, kStepCount> pass_evidence;  // overrides the default wording
  bool posing_relay_noted = false;                    // note_posing_relay() was applied
};

// Says in the cause that the provider sent an event posing as the relay's (once).
void note_posing_relay(Cause& c, const RelayEventView& event);

// A provider error's code that is an HTTP status (OpenRouter's and vLLM's numeric codes):
// that status, or 0.
int status_in_code(std::string_view code);

// The HTTP error path: the facts of an error response, and what they mean.
ProviderFacts facts_from_response(const Outcome& o, int status);
Cause explain_provider_error(const ProviderFacts& facts, const Outcome& o);

// The relay's own failures (before the provider answered, or cutting a stream short).
Cause explain_relay_failure(const RelayFailure& relay, const Outcome& o, bool mid_stream);

// A 2xx answer (or a stream): HTML, a native Anthropic body, findings, truncation.
Cause explain_answer(const Outcome& o);

// An answer that is not the JSON the request's response_format asked for (format.cpp);
// nullopt when nothing was asked or the answer keeps to it.
std::optional<Cause> explain_format(const Outcome& o, const ResultView& r);

// --- wording shared by the explainers (words.cpp) ---------------------------
std::string http_evidence(const ProviderFacts& facts);  // "HTTP 401 invalid_request_error/invalid_api_key: …"
std::string endpoint_advice(const Outcome& o, bool web_page);
std::string quoted_model(const Outcome& o, const std::string& message);  // "`gpt-4o`" or "the model"
// A model step's advice: `refused` (what the provider said) and `fix`, with what the
// outcome's modelSuggestions add — the closest names ("did you mean …?"), that none is close,
// or why the provider's list could not be had. Without modelSuggestions, "refused: fix".
std::string model_advice(const Outcome& o, std::string refused, const std::string& fix);
std::string host_port(const Outcome& o);         // "api.openai.com:443" or "the provider's host"
std::string host_or_provider(const Outcome& o);  // "api.openai.com" or "the provider"
bool is_azure(const Outcome& o);
std::string first_upper(std::string s);

}  // namespace pg::diag
