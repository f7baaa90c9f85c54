// openStream(): a streamed chat answer read as it arrives — SSE decoding, every chunk checked
// against the OpenAI shape, the deltas handed out and the final message accumulated into a
// Result (core/answer/response.h). Deviations are findings, never exceptions.
#pragma once

#include "core/answer/delta_builder.h"
#include "core/answer/detail/chunk_scanner.h"
#include "core/answer/detail/issue_log.h"
#include "core/answer/detail/tool_call_assembler.h"
#include "core/answer/response.h"
#include "core/answer/sse.h"
#include "core/base/json_util.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

// How the gateway reads a key's streamed answers (the key's `response` block; see
// core/upstream/gateway_shaping.h): the playground reads them the same way.
struct AnswerReading {
  // Where a delta carries its reasoning when not in reasoning_content / reasoning:
  // "delta.<key>[.<key>…]" (the gateway copies a non-empty string there to
  // reasoning_content). "" for none.
  std::string reasoning_field;
  // "required" | "optional" | "none" | "" (as "optional"): whether streams end with
  // data: [DONE]. The gateway only logs a stream that differs; so do we, as a warning.
  std::string done_marker;
};

// openStream(): SSE decoding + chunk validation + accumulation, fed raw bytes.
// It is the SSE decoder's sink: chunks are read as their events are dispatched, from the
// decoder's reused event, with no per-event copy.
class ChatStream final : private SseSink {
 public:
  explicit ChatStream(SseLimits limits = {}, AnswerReading reading = {});

  // Feeds raw bytes; appends to `deltas` (a JSON array) what these bytes added, in order:
  // {content}, {reasoning}, {toolCalls}, {finishReason}, {usage}, {error}. Adjacent
  // additions of the same kind are merged into one delta.
  void push(std::string_view bytes, json& deltas);
  // The same, with the deltas appended to `encoded` as DeltaBuilder's records (the
  // WebAssembly binding's form: text is not dumped as JSON only to be parsed again).
  void push(std::string_view bytes, std::string& encoded);

  // The end of the stream: the final message and every finding (missing [DONE], a cut
  // event, …). Call once; later calls return the same result.
  const Result& end();
  // end() for a caller that kept the text of every push's deltas: the Result with content
  // and reasoning holding only what no push handed out (end() itself dispatches nothing
  // today, so they are empty), appended to that text they make the final answer. Saves
  // a long answer being copied out of the core a second time.
  Result end_rest();

 private:
  void push_to_builder(std::string_view bytes);
  void on_event(SseEvent& event) override;
  void on_fast_chunk(const FastChunk& chunk, std::size_t number);    // the common chunk, scanned
  void on_chunk(json& chunk, std::size_t number, bool error_event);  // any other, parsed
  void note_id(std::string_view id, std::size_t number);
  // number: the chunk's position in the stream, choice: its position in `choices`; both
  // only for the paths of findings.
  void on_choice(json& choice, std::size_t number, std::size_t choice_at);
  void on_delta(json& delta, std::size_t number, std::size_t choice_at);
  void on_tool_calls(json& fragments, std::size_t number, std::size_t choice_at);
  void on_content_parts(const json& parts, std::size_t number, std::size_t choice_at);
  void on_function_call(const json& fragment, std::size_t number, std::size_t choice_at);
  void on_usage(json& chunk, std::size_t number);
  void note_choice_end(double index, bool finished);
  bool every_choice_finished() const;
  void on_provider_error(const ProviderError& error, const std::string& path);
  void on_relay_event(const std::string& data);
  void report_decoder_failure();

  const std::string* reasoning_at(const json& delta) const;  // reading_'s field, when a non-empty string

  SseDecoder decoder_;
  AnswerReading reading_;
  std::vector<std::string> reasoning_path_;  // reading_.reasoning_field's keys after "delta"
  std::vector<SseEvent> events_;             // for end(), which dispatches nothing today
  Result result_;
  ChunkScanner scanner_;  // the fast path for ordinary chunks
  FastChunk fast_;
  DeltaBuilder deltas_;  // bound to the caller's array during a push
  IssueLog issues_;      // repeated per-chunk findings, bounded
  ToolCallAssembler tool_calls_;
  std::optional<json> usage_;       // the last usage object, as sent; validated in end()
  bool usage_from_x_groq_ = false;  // usage_ is Groq's x_groq.usage (no top-level usage yet)
  // delta.function_call, joined: the name as last sent, the arguments concatenated.
  bool function_call_ = false;
  std::string function_name_, function_arguments_;
  // Which choices the stream carried and whether each got a finish_reason: a stream that
  // ends without [DONE] after every choice finished is whole (Perplexity's). Bounded; past
  // the bound the stream counts as not finished.
  static constexpr std::size_t kMaxTrackedChoices = 16;
  std::vector<std::pair<double, bool>> choice_ends_;
  bool choice_ends_overflow_ = false;
  std::string first_id_;  // to flag an id that changes mid-stream
  std::string refusal_;
  std::size_t content_pushed_ = 0;  // bytes of content / reasoning handed out by pushes
  std::size_t reasoning_pushed_ = 0;
  std::size_t chunk_count_ = 0;  // data events other than [DONE], JSON or not
  std::size_t provider_errors_ = 0;
  std::size_t relay_events_ = 0;  // relay_error events seen, kept or not (for findings' paths)
  bool saw_created_ = false;
  bool decoder_failure_reported_ = false;
  bool ended_ = false;
};

}  // namespace pg
