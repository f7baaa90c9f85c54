#include "core/delta_builder.h"

namespace pg {

void DeltaBuilder::begin(json& out) {
  out_ = &out;
  kind_ = Kind::None;
}

void DeltaBuilder::switch_to(Kind kind) {
  if (kind_ == kind) return;
  flush();
  kind_ = kind;
}

void DeltaBuilder::append_text(Kind kind, std::string_view text) {
  if (text.empty()) return;
  switch_to(kind);
  text_.append(text.data(), text.size());
}

void DeltaBuilder::tool_call(json fragment) {
  if (kind_ != Kind::ToolCalls) {
    switch_to(Kind::ToolCalls);
    value_ = json::array();
  }
  value_.push_back(std::move(fragment));
}

void DeltaBuilder::finish_reason(const std::string& reason) {
  switch_to(Kind::FinishReason);
  value_ = reason;
}

void DeltaBuilder::usage(json usage) {
  switch_to(Kind::Usage);
  value_ = std::move(usage);
}

void DeltaBuilder::error(json error) {
  flush();
  if (!out_) return;
  json delta = json::object();
  delta.emplace("error", std::move(error));
  out_->push_back(std::move(delta));
}

void DeltaBuilder::flush() {
  if (kind_ == Kind::None || !out_) {
    kind_ = Kind::None;
    return;
  }
  json delta = json::object();
  switch (kind_) {
    // Moved, not copied: a push of a long answer hands over its text once.
    case Kind::Content: delta.emplace("content", std::move(text_)); break;
    case Kind::Reasoning: delta.emplace("reasoning", std::move(text_)); break;
    case Kind::ToolCalls: delta.emplace("toolCalls", std::move(value_)); break;
    case Kind::FinishReason: delta.emplace("finishReason", std::move(value_)); break;
    case Kind::Usage: delta.emplace("usage", std::move(value_)); break;
    case Kind::None: break;
  }
  text_.clear();
  value_ = nullptr;
  out_->push_back(std::move(delta));
  kind_ = Kind::None;
}

}  // namespace pg
