// Collects what one ChatStream::push added, as Delta objects (docs/contracts.md), merging
// adjacent additions of the same kind so a push of many chunks yields few deltas: text is
// concatenated, tool-call fragments are joined into one array, and a newer finishReason
// or usage replaces the one just before it. Errors are never merged.
//
// Two outputs: a JSON array of Delta objects (native callers, tests), or the same deltas
// encoded as records in a byte string (the WebAssembly binding). The encoding exists
// because a chat stream's deltas are almost all text: dumping that text as JSON, decoding
// the reply and parsing it again in JavaScript cost more than decoding the stream itself.
// A record is one tag byte, a 4-byte little-endian length, then that many bytes:
//   'c'  content text (UTF-8)        → { content }
//   'r'  reasoning text (UTF-8)      → { reasoning }
//   'j'  any other Delta, as a JSON object (toolCalls, finishReason, usage, error)
// Text is appended straight into the encoded string: no copy is made per delta.
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace pg {

class DeltaBuilder {
 public:
  static constexpr char kContentTag = 'c';
  static constexpr char kReasoningTag = 'r';
  static constexpr char kJsonTag = 'j';
  static constexpr std::size_t kHeaderBytes = 5;

  // Starts appending to `out` (a JSON array); merging never reaches back past this point.
  void begin(json& out);
  // Starts appending encoded records to `out` (see above).
  void begin(std::string& out);
  // Emits the pending delta. Call at the end of every push.
  void flush();

  void content(std::string_view text) { append_text(Kind::Content, text); }
  void reasoning(std::string_view text) { append_text(Kind::Reasoning, text); }
  void tool_call(json fragment);
  void finish_reason(const std::string& reason);
  void usage(json usage);
  void error(json error);

 private:
  enum class Kind { None, Content, Reasoning, ToolCalls, FinishReason, Usage };
  void switch_to(Kind kind);
  void append_text(Kind kind, std::string_view text);
  void emit(json delta);
  void start_record(char tag);
  void finish_record();

  json* out_ = nullptr;
  std::string* encoded_ = nullptr;
  std::size_t record_at_ = 0;  // where the pending text record's header starts in encoded_
  Kind kind_ = Kind::None;
  std::string text_;  // pending content / reasoning (JSON output); capacity reused
  json value_;        // pending toolCalls array, finishReason or usage
};

// The encoded records back as a JSON array of Delta objects: the inverse of
// begin(std::string&), for native callers and tests that check the two outputs agree.
// A record cut short or a 'j' record that is not a JSON object ends the list there.
json decode_delta_records(std::string_view encoded);

}  // namespace pg
