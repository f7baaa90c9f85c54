// The SSE decoder over arbitrary bytes. Invariant: however the bytes are split into
// pushes, the decoder dispatches the same events and ends in the same state; every
// field it hands out is valid UTF-8 (it decodes like TextDecoder).
//
// Input: [limit byte][split plan][stream bytes]. An odd limit byte selects small limits
// so the "line too long" / "event too big" paths are reached by short inputs too.
#include "core/answer/sse.h"
#include "fuzz_util.h"

namespace {

struct Run {
  std::vector<pg::SseEvent> events;
  bool failed = false;
  bool ended_mid_event = false;
};

Run decode(const std::vector<std::string_view>& chunks, const pg::SseLimits& limits) {
  Run run;
  pg::SseDecoder decoder(limits);
  for (auto chunk : chunks) decoder.push(chunk, run.events);
  decoder.end(run.events);
  run.failed = decoder.failed();
  run.ended_mid_event = decoder.ended_mid_event();
  return run;
}

bool same(const pg::SseEvent& a, const pg::SseEvent& b) {
  return a.event == b.event && a.data == b.data && a.id == b.id && a.retry == b.retry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::uint8_t limit = in.byte();
  pg::SseLimits limits;
  if (limit & 1) {
    limits.max_line_bytes = (limit >> 1) + 1;
    limits.max_event_bytes = static_cast<std::size_t>(limit) * 2 + 1;
  }
  const auto plan = pgfuzz::read_split_plan(in);
  const std::string_view stream = in.rest();

  const Run whole = decode({stream}, limits);
  const Run pieces = decode(pgfuzz::split(stream, plan), limits);

  PGFUZZ_CHECK(whole.failed == pieces.failed);
  PGFUZZ_CHECK(whole.ended_mid_event == pieces.ended_mid_event);
  PGFUZZ_CHECK(whole.events.size() == pieces.events.size());
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    const auto& e = whole.events[i];
    PGFUZZ_CHECK(same(e, pieces.events[i]));
    PGFUZZ_CHECK(pgfuzz::valid_utf8(e.event));
    PGFUZZ_CHECK(pgfuzz::valid_utf8(e.data));
    PGFUZZ_CHECK(!e.id || pgfuzz::valid_utf8(*e.id));
    PGFUZZ_CHECK(e.data.size() <= limits.max_event_bytes);
  }
  return 0;
}
