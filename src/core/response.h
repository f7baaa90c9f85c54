// Validates chat-completion responses (whole or streamed) against the OpenAI shape and
// accumulates a stream into the final message. Deviations are findings, never exceptions.
#pragma once

#include "core/finding.h"
#include "core/json_util.h"
#include "core/sse.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

struct Result {
  std::string content;
  std::string reasoning;                 // reasoning_content (DeepSeek) or reasoning (OpenRouter)
  json tool_calls = json::array();       // [{id, type, function: {name, arguments}}], by index
  std::optional<std::string> finish_reason;
  std::optional<json> usage;             // {prompt_tokens, completion_tokens, total_tokens, ...}
  std::optional<std::string> model;
  bool done = false;                     // a stream ended with data: [DONE]
  Findings findings;
  bool ok() const { return !has_error(findings); }
};

json to_json(const Result& result);  // design.md's Result shape

// A whole non-streaming response body (expected: object "chat.completion").
Result validate_completion(std::string_view body);

// openStream(): SSE decoding + chunk validation + accumulation, fed raw bytes.
class ChatStream {
 public:
  explicit ChatStream(SseLimits limits = {});

  // Feeds raw bytes; appends to `deltas` (a JSON array) what these bytes added, in order:
  // {content}, {reasoning}, {toolCalls}, {finishReason}, {usage}, {error}. Adjacent
  // additions of the same kind are merged into one delta.
  void push(std::string_view bytes, json& deltas);

  // The end of the stream: the final message and every finding (missing [DONE], a cut
  // event, …). Call once.
  Result end();

 private:
  void on_event(const SseEvent& event, json& deltas);

  SseDecoder decoder_;
  std::vector<SseEvent> events_;  // reused between pushes
  Result result_;
  std::size_t chunk_count_ = 0;
  bool saw_data_after_done_ = false;
  bool ended_ = false;
  std::vector<std::string> seen_ids_;  // small: ids of chunks, to flag an id that changes
};

}  // namespace pg
