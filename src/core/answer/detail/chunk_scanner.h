// A fast reader for the chunk that makes up almost every chat stream:
//   {"id":…,"object":"chat.completion.chunk","created":…,"model":…,
//    "choices":[{"index":0,"delta":{"content":"…"},"finish_reason":null}]}
// Building a JSON document per chunk (std::map nodes, strings) costs far more than the
// chunk's few useful bytes; this scanner reads the fields ChatStream needs in one pass,
// with no allocation unless a string has escapes.
//
// It is a fast path, not a parser of record: it accepts only well-formed JSON of the
// common shape and returns false for anything else — malformed input, an error, tool
// calls, a legacy function_call, usage (x_groq's too), content as an array of parts, several
// choices, unusual types — and ChatStream then takes the full path
// (pg::parse_json and the DOM rules), which also produces every finding. So a `true`
// here must mean exactly what the full path would have read; a `false` is always safe.
#pragma once

#include <string>
#include <string_view>

namespace pg {

struct FastChunk {
  // Top level. object is always "chat.completion.chunk" when scan() succeeds.
  std::string_view id, model;  // empty when absent
  bool has_created = false;    // `created` is a number
  // choices[0] (index 0), when there is one.
  bool has_choice = false;
  std::string_view content, reasoning_content, reasoning, finish_reason;
  bool has_content = false, has_reasoning_content = false, has_reasoning = false, has_finish_reason = false;
};

class ChunkScanner {
 public:
  // Reads `data` into `out`; the views stay valid until the next scan() (they point into
  // `data` or, for strings with escapes, into this scanner's buffers).
  bool scan(std::string_view data, FastChunk& out);

 private:
  // Decoded copies of strings that contain escapes, one per field, reused across chunks.
  // kSkip holds text nobody reads: skipped strings, keys, the role.
  enum Slot { kId, kModel, kObject, kContent, kReasoningContent, kReasoning, kFinishReason, kSkip, kSlots };
  std::string buffers_[kSlots];
};

}  // namespace pg
