// Rules shared by the whole-body validator and the stream validator: what counts as a
// provider error envelope, a native Anthropic payload, a valid usage object or finish
// reason, and when an empty answer deserves a finding. Internal to core/response*.
#pragma once

#include "core/base/finding.h"
#include "core/base/json_path.h"
#include "core/base/json_util.h"
#include "core/provider/body_sniff.h"
#include "core/provider/provider_error.h"

#include <optional>
#include <string>
#include <string_view>

namespace pg {

// A provider's error inside an answer is read by error_in_answer (core/provider/provider_error.h, the one
// reader of provider errors). These say it for a finding and for a stream Delta.

// "<message> (type x, code y)" for a finding.
std::string describe(const ProviderError& error);

// {type, code, message} as a stream Delta's `error` (type only when the provider gave one).
json error_delta(const ProviderError& error);

// Anthropic's native Messages API is recognised by core/provider/body_sniff.h (one rule for bodies and events).
using sniff::is_anthropic_message;
using sniff::is_anthropic_stream_event;
extern const char* const kAnthropicNativeAdvice;

// Validates a usage object (non-negative integers, total = prompt + completion) and
// returns it normalised: {prompt_tokens, completion_tokens, total_tokens} (null when
// absent) plus reasoning_tokens / cached_tokens when the provider reports them.
json read_usage(const json& usage, const std::string& path, Findings& findings);

// A finish_reason outside OpenAI's set is a warning; "error" (OpenRouter) is an error
// unless the provider's error was already reported; "content_filter" and "length" get a
// warning that says what they mean for the answer (has_text: there was some answer).
void check_finish_reason(const std::string& reason, const std::string& path, bool has_text, bool error_already_reported,
                         Findings& findings);

// An answer with no text and no tool calls: a warning whose wording depends on why.
void warn_empty_answer(const std::optional<std::string>& finish_reason, const std::string& path, Findings& findings);

// Final shape of assembled tool calls ([{id, type, function:{name, arguments}}]): a
// missing name is an error, a missing id or arguments that are not JSON a warning.
void check_tool_calls(const json& calls, const std::string& path, Findings& findings);

// The reasoning text beside the answer: reasoning_content (DeepSeek, vLLM) or reasoning
// (OpenRouter, Ollama), whichever is a non-empty string first; nullptr when neither.
const std::string* reasoning_text(const json& message_or_delta);

// Content given as an array of typed parts instead of a string (Mistral's Magistral, in a
// whole message and in stream deltas alike): {"type":"text","text":…} is the answer,
// {"type":"thinking","thinking":[{"type":"text","text":…}]} (or a string) the reasoning.
// Calls on_text / on_thinking with each piece, in order; returns how many parts were
// neither (not an object, another type), which are skipped.
template <class OnText, class OnThinking>
std::size_t read_content_parts(const json& parts, OnText&& on_text, OnThinking&& on_thinking) {
  std::size_t skipped = 0;
  for (const json& part : parts) {
    const auto* type = string_member(part, "type");
    if (type && *type == "text") {
      if (const auto* text = string_member(part, "text")) on_text(*text);
    } else if (type && *type == "thinking") {
      const json* thinking = member(part, "thinking");
      if (thinking && thinking->is_string()) {
        on_thinking(thinking->get_ref<const std::string&>());
      } else if (thinking && thinking->is_array()) {
        for (const json& piece : *thinking)
          if (const auto* text = string_member(piece, "text")) on_thinking(*text);
      }
    } else {
      ++skipped;
    }
  }
  return skipped;
}
extern const char* const kContentPartsNote;

// Groq's own usage, {"x_groq":{"usage":{…}}}: where its streams report token counts when
// the request did not ask for the standard usage chunk (stream_options.include_usage).
// nullptr when the value carries no such object.
const json* x_groq_usage(const json& chunk_or_body);
extern const char* const kXGroqUsageNote;

// The legacy answer to `functions` (before tool_calls): message.function_call /
// delta.function_call, {name, arguments}. OpenAI still returns it; its SDK reads it.
// Checks one: the legacy-form warning, an error without a name (no client can call it), a
// warning when the arguments are not JSON.
void check_function_call(const json& call, const std::string& path, Findings& findings);

// Appends "<path>.<key>" / "<path>[i]" without surprises when path is empty.

}  // namespace pg
