// ChatStream: a streamed chat completion, fed raw bytes. Each SSE data event is one JSON
// chunk ("chat.completion.chunk"); choice 0's deltas are accumulated into the final
// message and handed back as Delta objects for incremental rendering. Findings that can
// repeat per chunk go through an IssueLog so their number stays bounded.
//
// This file is the per-event path: every event, and every chunk the scanner reads (nearly
// all of them), goes through it, so the page's module builds it for speed. A chunk the
// scanner leaves is read whole by detail/chat_stream_chunk.cpp, and the stream's end is
// chat_stream_end.cpp: both built for size (cmake/wasm.cmake's hot list).
#include "core/answer/chat_stream.h"

#include "core/answer/detail/chat_stream_findings.h"
#include "core/base/text.h"

namespace pg {

using namespace answer_detail;

ChatStream::ChatStream(SseLimits limits, AnswerReading reading) : decoder_(limits), reading_(std::move(reading)) {
  // "delta.a.b" → {"a", "b"}; a field outside the delta is not one the gateway reads.
  std::string_view field = reading_.reasoning_field;
  if (starts_with(field, "delta.")) {
    field.remove_prefix(6);
    while (!field.empty()) {
      const std::size_t dot = field.find('.');
      reasoning_path_.emplace_back(field.substr(0, dot));
      if (dot == std::string_view::npos) break;
      field.remove_prefix(dot + 1);
    }
  }
}

void ChatStream::push(std::string_view bytes, json& deltas) {
  if (ended_) return;
  deltas_.begin(deltas);
  push_to_builder(bytes);
}

void ChatStream::push(std::string_view bytes, std::string& encoded) {
  if (ended_) return;
  deltas_.begin(encoded);
  push_to_builder(bytes);
}

void ChatStream::push_to_builder(std::string_view bytes) {
  decoder_.push(bytes, *this);
  if (decoder_.failed()) report_decoder_failure();
  deltas_.flush();
  // Every byte appended to the content or reasoning went out in a delta too.
  content_pushed_ = result_.content.size();
  reasoning_pushed_ = result_.reasoning.size();
}

void ChatStream::on_event(SseEvent& event) {
  const std::string& data = event.data;
  // The relay's own event, written after the upstream's last byte when the relay cut the
  // stream: neither a chunk nor the provider's error. Told apart by its name only, so an
  // upstream can send one too; diagnose() checks its nonce (see RelayEvent).
  if (event.event == "relay_error") {
    if (result_.done) {
      // After [DONE] the answer was whole (a provider that kept the connection open until
      // the relay's idle limit): like any data there, it is not part of the answer.
      if (!data.empty())
        issues_.note(result_.findings, "data after [DONE]", 1, [&] {
          return warn(FindingCode::DataAfterDone, chunk_path(chunk_count_),
                      "data arrived after data: [DONE] and was ignored");
        });
      return;
    }
    on_relay_event(data);
    return;
  }
  if (data.empty()) return;
  if (data == "[DONE]") {
    result_.done = true;
    return;
  }
  const std::size_t number = chunk_count_;
  if (result_.done) {
    // Clients stop reading at [DONE]; whatever follows is lost to them, so it is not
    // added to the answer either.
    issues_.note(result_.findings, "data after [DONE]", 1, [&] {
      return warn(FindingCode::DataAfterDone, chunk_path(number), "data arrived after data: [DONE] and was ignored");
    });
    return;
  }
  ++chunk_count_;
  const bool error_event = event.event == "error";
  // The scanner knows OpenAI's delta fields only: a key whose reasoning is elsewhere reads
  // every chunk in full.
  if (!error_event && reasoning_path_.empty() && scanner_.scan(data, fast_)) {
    on_fast_chunk(fast_, number);
    return;
  }
  auto parsed = parse_json(data);
  if (!parsed.value) {
    if (error_event) {
      on_provider_error(unreadable_error(data), chunk_path(number));
      return;
    }
    issues_.note(result_.findings, "chunks that are not JSON", kKeepEach, [&] {
      return err(FindingCode::NotJson, chunk_path(number),
                 "chunk " + std::to_string(number + 1) + " is not JSON: " + parsed.error);
    });
    return;
  }
  on_chunk(*parsed.value, number, error_event);
}

// Mirrors on_chunk for what ChunkScanner accepts: one choice 0 with text, reasoning or a
// finish reason, and no usage, tool calls, refusal or error (those take the full path).
void ChatStream::on_fast_chunk(const FastChunk& chunk, std::size_t number) {
  note_id(chunk.id, number);
  if (chunk.has_created) saw_created_ = true;
  if (!result_.model && !chunk.model.empty()) result_.model = std::string(chunk.model);
  if (!chunk.has_choice) return;
  note_choice_end(0, chunk.has_finish_reason);
  const std::string_view reasoning = !chunk.reasoning_content.empty() ? chunk.reasoning_content : chunk.reasoning;
  if (!reasoning.empty()) {
    result_.reasoning.append(reasoning.data(), reasoning.size());
    deltas_.reasoning(reasoning);
  }
  if (!chunk.content.empty()) {
    result_.content.append(chunk.content.data(), chunk.content.size());
    deltas_.content(chunk.content);
  }
  if (chunk.has_finish_reason) {
    result_.finish_reason = std::string(chunk.finish_reason);
    deltas_.finish_reason(*result_.finish_reason);
  }
}

void ChatStream::note_id(std::string_view id, std::size_t number) {
  if (id.empty()) return;
  if (first_id_.empty()) {
    first_id_ = std::string(id);
  } else if (id != first_id_) {
    issues_.note(result_.findings, "chunks with a different id", 1, [&] {
      return warn(
          FindingCode::IdChanged, chunk_path(number) + ".id",
          "the chunk id changed mid-stream (\"" + excerpt(first_id_, 60) + "\" then \"" + excerpt(id, 60) + "\")");
    });
  }
}

void ChatStream::note_choice_end(double index, bool finished) {
  for (auto& seen : choice_ends_) {
    if (seen.first == index) {
      seen.second = seen.second || finished;
      return;
    }
  }
  if (choice_ends_.size() >= kMaxTrackedChoices) {
    choice_ends_overflow_ = true;
    return;
  }
  choice_ends_.emplace_back(index, finished);
}

// Choice 0, the one the playground shows, must be among them.
bool ChatStream::every_choice_finished() const {
  if (choice_ends_overflow_) return false;
  bool first = false;
  for (const auto& seen : choice_ends_) {
    if (!seen.second) return false;
    first = first || seen.first == 0;
  }
  return first;
}

}  // namespace pg
