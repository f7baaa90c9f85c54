// The answer's shape: the Result every reading of an answer gives (whole or streamed), and
// the check of a whole non-streaming body. Streams are read by ChatStream (core/answer/chat_stream.h).
// Deviations are findings, never exceptions.
#pragma once

#include "core/base/finding.h"
#include "core/base/json_util.h"
#include "core/provider/provider_error.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

// The relay's own last event in a stream it cut short (`event: relay_error`). The stream
// cannot tell the relay's from an upstream's imitation: `nonce` is what proves it, compared
// by diagnose() with the response's x-playground-relay-nonce header, which the upstream
// never sees. Every field is bounded; "" when the event did not carry it.
struct RelayEvent {
  std::string kind;     // the relay's error kind ("timeout", "too_large", …)
  std::string message;  // one line
  std::string phase;    // timeout: "idle" | "total" | …
  std::string reason;   // the relay's machine-readable cause
  std::string nonce;    // "" when absent or too long to be the relay's
};

// The first error the provider sent where the answer should have been: a 2xx body that is
// an error envelope, or an error event in a stream. What the diagnosis classifies.
struct AnswerError {
  ProviderError error;
  bool mid_stream = false;  // an error event inside a stream (not a whole body)
};

struct Result {
  std::string content;
  std::string reasoning;            // reasoning_content (DeepSeek) or reasoning (OpenRouter)
  json tool_calls = json::array();  // [{id, type, function: {name, arguments}}], by index
  // The legacy function_call ({name, arguments}), the form before tool_calls: an answer too.
  std::optional<json> function_call;
  std::optional<std::string> finish_reason;
  std::optional<json> usage;  // {prompt_tokens, completion_tokens, total_tokens, ...}
  std::optional<std::string> model;
  bool done = false;                      // a stream ended with data: [DONE]
  std::optional<RelayEvent> relay_event;  // the last relay_error event of a stream (before [DONE])
  std::optional<AnswerError> provider_error;
  Findings findings;
  bool ok() const { return !has_error(findings); }
};

json to_json(const Result& result);  // the Result shape (docs/contracts.md)

// A whole non-streaming response body (expected: object "chat.completion").
Result validate_completion(std::string_view body);

}  // namespace pg
