#include "core/answer/delta_builder.h"

namespace pg {

void DeltaBuilder::begin(json& out) {
  out_ = &out;
  encoded_ = nullptr;
  kind_ = Kind::None;
}

void DeltaBuilder::begin(std::string& out) {
  out_ = nullptr;
  encoded_ = &out;
  kind_ = Kind::None;
}

void DeltaBuilder::switch_to(Kind kind) {
  if (kind_ == kind) return;
  flush();
  kind_ = kind;
  if (encoded_ && (kind == Kind::Content || kind == Kind::Reasoning))
    start_record(kind == Kind::Content ? kContentTag : kReasoningTag);
}

void DeltaBuilder::append_text(Kind kind, std::string_view text) {
  if (text.empty()) return;
  switch_to(kind);
  if (encoded_)
    encoded_->append(text.data(), text.size());
  else
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
  json delta = json::object();
  delta.emplace("error", std::move(error));
  emit(std::move(delta));
}

void DeltaBuilder::start_record(char tag) {
  record_at_ = encoded_->size();
  const char header[kHeaderBytes] = {tag, 0, 0, 0, 0};
  encoded_->append(header, kHeaderBytes);
}

void DeltaBuilder::finish_record() {
  // 32 bits are enough: the encoded form is the WebAssembly binding's, whose whole
  // memory is 32-bit addressed.
  const std::size_t length = encoded_->size() - record_at_ - kHeaderBytes;
  char* header = &(*encoded_)[record_at_ + 1];
  for (int i = 0; i < 4; ++i) header[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
}

void DeltaBuilder::emit(json delta) {
  if (out_) {
    out_->push_back(std::move(delta));
  } else if (encoded_) {
    start_record(kJsonTag);
    encoded_->append(dump_json(delta));
    finish_record();
  }
}

void DeltaBuilder::flush() {
  const Kind kind = kind_;
  kind_ = Kind::None;
  if (kind == Kind::None || (!out_ && !encoded_)) return;
  if (encoded_ && (kind == Kind::Content || kind == Kind::Reasoning)) {
    finish_record();
    return;
  }
  json delta = json::object();
  switch (kind) {
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
  emit(std::move(delta));
}

json decode_delta_records(std::string_view encoded) {
  json deltas = json::array();
  std::size_t at = 0;
  while (encoded.size() - at >= DeltaBuilder::kHeaderBytes) {
    std::size_t length = 0;
    for (int i = 0; i < 4; ++i)
      length |= static_cast<std::size_t>(static_cast<unsigned char>(encoded[at + 1 + i])) << (8 * i);
    const char tag = encoded[at];
    at += DeltaBuilder::kHeaderBytes;
    if (length > encoded.size() - at) break;
    const std::string_view payload = encoded.substr(at, length);
    at += length;
    if (tag == DeltaBuilder::kContentTag || tag == DeltaBuilder::kReasoningTag) {
      deltas.push_back(json{{tag == DeltaBuilder::kContentTag ? "content" : "reasoning", std::string(payload)}});
      continue;
    }
    ParseOutcome parsed = parse_json(payload);
    if (!parsed.value || !parsed.value->is_object()) break;
    deltas.push_back(std::move(*parsed.value));
  }
  return deltas;
}

}  // namespace pg
