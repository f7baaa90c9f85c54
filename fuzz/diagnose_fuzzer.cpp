// diagnose() on an arbitrary Outcome (JSON, as the page hands it in). Invariants: always
// the five steps in order, a known verdict, and a valid UTF-8 JSON reply.
#include "core/diagnose.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  const pg::Diagnosis d = pg::diagnose(*parsed.value);
  pgfuzz::checked_dump(pg::to_json(d));
  static const char* kSteps[] = {"reach", "endpoint", "key", "model", "answer"};
  PGFUZZ_CHECK(d.steps.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) PGFUZZ_CHECK(d.steps[i].step == kSteps[i]);
  PGFUZZ_CHECK(d.verdict == "pass" || d.verdict == "fail" || d.verdict == "warn");
  return 0;
}
