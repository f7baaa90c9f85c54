// Collects what one ChatStream::push added, as design.md's Delta objects, merging
// adjacent additions of the same kind so a push of many chunks yields few deltas: text is
// concatenated, tool-call fragments are joined into one array, and a newer finishReason
// or usage replaces the one just before it. Errors are never merged.
#pragma once

#include "core/json_util.h"

#include <string>
#include <string_view>

namespace pg {

class DeltaBuilder {
 public:
  // Starts appending to `out` (a JSON array); merging never reaches back past this point.
  void begin(json& out);
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

  json* out_ = nullptr;
  Kind kind_ = Kind::None;
  std::string text_;  // pending content / reasoning; its capacity is reused across pushes
  json value_;        // pending toolCalls array, finishReason or usage
};

}  // namespace pg
