// redact() and StreamRedactor with secrets and splits taken from the input. Invariants
// (redact.h's contract): for any split, the streamed output equals redact() of the whole;
// the redactor never holds back more than window(); and no secret survives, checked for
// secrets that share no byte with the "[REDACTED]" marker (a secret made of the marker's
// own letters can legitimately reappear where the marker meets the text around it).
//
// Input: [secret count byte][secrets, each up to '\n'][split plan][text].
#include "core/redact.h"
#include "fuzz_util.h"

namespace {

bool shares_byte_with_marker(std::string_view s) {
  return s.find_first_of(pg::kRedacted) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::size_t count = in.byte() % 5;
  std::vector<std::string> secrets;
  for (std::size_t i = 0; i < count; ++i) secrets.emplace_back(in.until('\n'));
  const auto plan = pgfuzz::read_split_plan(in);
  const std::string_view text = in.rest();

  const std::string whole = pg::redact(text, secrets);

  pg::StreamRedactor stream(secrets);
  std::string streamed;
  for (auto chunk : pgfuzz::split(text, plan)) {
    streamed += stream.push(chunk);
    PGFUZZ_CHECK(stream.held_back() <= stream.window());
  }
  streamed += stream.finish();
  PGFUZZ_CHECK(streamed == whole);

  for (const auto& s : secrets) {
    if (s.empty() || shares_byte_with_marker(s)) continue;
    PGFUZZ_CHECK(whole.find(s) == std::string::npos);
  }
  return 0;
}
