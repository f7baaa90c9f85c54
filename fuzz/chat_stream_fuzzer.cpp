// openStream(): ChatStream fed arbitrary bytes in arbitrary pushes. Invariants: the final
// Result does not depend on the split; the content and reasoning deltas add up to the
// final content and reasoning, whether read from the JSON or the encoded output; every
// reply is valid UTF-8 JSON; a relay_error event yields a bounded relayEvent (its nonce
// base64url or "") and at most a warning, never an error finding of its own. A stream
// read as whole without data: [DONE] (Perplexity's) has choice 0's finish_reason; a legacy
// function_call is {name, arguments} strings.
//
// Input: [limit byte][split plan][stream bytes]; an odd limit byte makes the line limit
// small so the decoder-failure path is reached; its bits 1-2 pick the key's reasoning_field
// (none, delta.reasoning_text, delta.meta.thought) and bits 3-4 its stream_done_marker
// (unset, none, required, optional): the same invariants hold for any AnswerReading.
#include "core/answer/chat_stream.h"
#include "core/answer/delta_builder.h"
#include "fuzz_util.h"

namespace {

bool base64url(const std::string& s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

// The relayEvent as bounded as chat_stream.cpp promises (excerpt may add "...").
void check_relay_event(const pg::Result& result) {
  for (const auto& f : result.findings)
    if (f.path.rfind("relay_error[", 0) == 0) PGFUZZ_CHECK(f.severity == pg::Severity::Warning);
  if (!result.relay_event) return;
  const pg::RelayEvent& e = *result.relay_event;
  PGFUZZ_CHECK(!e.kind.empty() && e.kind.size() <= 43);
  PGFUZZ_CHECK(e.message.size() <= 503);
  PGFUZZ_CHECK(e.phase.size() <= 43);
  PGFUZZ_CHECK(e.reason.size() <= 83);
  PGFUZZ_CHECK(e.nonce.size() <= 64 && base64url(e.nonce));
}

struct Run {
  std::string result;  // the dumped Result
  std::string content, reasoning;
};

// `encoded`: push through the WebAssembly binding's record output (delta_builder.h) and
// decode it, instead of the JSON array; the whole run uses one, the split run the other.
Run stream(const std::vector<std::string_view>& chunks, const pg::SseLimits& limits, const pg::AnswerReading& reading,
           bool encoded) {
  Run run;
  pg::ChatStream s(limits, reading);
  pg::json deltas = pg::json::array();  // every push's deltas, in order
  if (encoded) {
    // Records are self-delimiting: every push's, one after another, decode as one list.
    std::string records, pushed;
    for (auto chunk : chunks) {
      pushed.clear();
      s.push(chunk, pushed);
      records += pushed;
    }
    deltas = pg::decode_delta_records(records);
  } else {
    for (auto chunk : chunks) s.push(chunk, deltas);
  }
  pgfuzz::checked_dump(deltas);
  for (const auto& d : deltas) {
    if (const auto* c = pg::string_member(d, "content")) run.content += *c;
    if (const auto* r = pg::string_member(d, "reasoning")) run.reasoning += *r;
  }
  const pg::Result result = s.end();
  run.result = pgfuzz::checked_dump(pg::to_json(result));
  check_relay_event(result);
  if (result.ok() && !result.done) PGFUZZ_CHECK(result.finish_reason.has_value());
  if (result.function_call) {
    PGFUZZ_CHECK(result.function_call->is_object() && result.function_call->size() == 2);
    PGFUZZ_CHECK(pg::string_member(*result.function_call, "name") &&
                 pg::string_member(*result.function_call, "arguments"));
  }
  PGFUZZ_CHECK(run.content == result.content);
  PGFUZZ_CHECK(run.reasoning == result.reasoning);
  // end() is idempotent.
  PGFUZZ_CHECK(pg::dump_json(pg::to_json(s.end())) == run.result);
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::uint8_t limit = in.byte();
  pg::SseLimits limits;
  if (limit & 1) limits.max_line_bytes = static_cast<std::size_t>(limit) + 1;
  static const char* const kFields[] = {"", "delta.reasoning_text", "delta.meta.thought", ""};
  static const char* const kMarkers[] = {"", "none", "required", "optional"};
  const pg::AnswerReading reading{kFields[(limit >> 1) & 3], kMarkers[(limit >> 3) & 3]};
  const auto plan = pgfuzz::read_split_plan(in);
  const std::string_view bytes = in.rest();

  const Run whole = stream({bytes}, limits, reading, false);
  const Run pieces = stream(pgfuzz::split(bytes, plan), limits, reading, true);
  PGFUZZ_CHECK(whole.result == pieces.result);
  return 0;
}
