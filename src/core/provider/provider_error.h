// Parses provider error bodies into one shape, whatever the provider's envelope.
#pragma once

#include "core/base/json_util.h"

#include <optional>
#include <string>
#include <string_view>

namespace pg {

struct ProviderError {
  // The provider's error type when it gives one ("invalid_request_error",
  // "authentication_error", "not_found_error", …). Otherwise what the body was:
  // "html" (a web page; message = its <title>), "text" (plain text), "empty" (no body),
  // "json" (JSON without a known envelope), or "error" (an envelope without a type, Azure).
  std::string type;
  std::optional<std::string>
      code;             // string or number code, as a string ("invalid_api_key", "401", "DeploymentNotFound")
  std::string message;  // the provider's message, single line, bounded length
  std::optional<std::string> param;  // OpenAI's `param` when present
};

// The one reader of provider errors. parse_error reads an error response (any status,
// any body: JSON envelopes, event streams, web pages, text); error_in_answer reads a value
// that should have been an answer (a 2xx body or a stream chunk), where only an explicit
// envelope counts: {"error":{…}}, {"error":"text"}, {"object":"error",…} (vLLM),
// {"type":"error","error":{…}} (Anthropic), or a one-element array of one (Google). Both
// fill the same fields by the same rules (type from Gemini's status or Azure's inner code
// when there is no type, OpenRouter's upstream in the message, the same bounds).
ProviderError parse_error(int status, std::string_view content_type, std::string_view body);
std::optional<ProviderError> error_in_answer(const json& value);

// Whether `type` is the provider's own error type rather than a word for the body's form
// ("html", "text", "empty", "json") or an envelope without one ("error").
bool has_provider_type(const ProviderError& error);

json to_json(const ProviderError& error);  // {type, code, message, param?}

}  // namespace pg
