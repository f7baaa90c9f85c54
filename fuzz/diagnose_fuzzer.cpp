// diagnose() on an arbitrary Outcome (JSON, as the page hands it in). Invariants: always
// the five steps in order, a known verdict, and a valid UTF-8 JSON reply. And nothing an
// upstream controls makes a relay verdict: the same outcome without what only the relay
// and the page can set (relayError, the headers that carry x-playground-source and the
// relay's nonce) has no relay-side condition but "no outcome", whatever its body or its
// result's relayEvent say. And the request (what the answer's form is checked against) can
// only fail the answer step: without it the first four steps read the same, and an outcome
// that failed without it reads exactly the same with it.
#include "core/diagnose.h"
#include "fuzz_util.h"

namespace {

pg::Diagnosis checked(pg::Diagnosis d) {
  pgfuzz::checked_dump(pg::to_json(d));
  static const char* kSteps[] = {"reach", "endpoint", "key", "model", "answer"};
  PGFUZZ_CHECK(d.steps.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) PGFUZZ_CHECK(d.steps[i].step == kSteps[i]);
  PGFUZZ_CHECK(d.verdict == "pass" || d.verdict == "fail" || d.verdict == "warn");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  checked(pg::diagnose(*parsed.value));

  if (!parsed.value->is_object()) return 0;
  if (parsed.value->contains("request")) {
    const pg::json with = pg::to_json(pg::diagnose(*parsed.value));
    pg::json without_request = *parsed.value;
    without_request.erase("request");
    const pg::json without = pg::to_json(checked(pg::diagnose(without_request)));
    for (std::size_t i = 0; i < 4; ++i) PGFUZZ_CHECK(with["steps"][i] == without["steps"][i]);
    if (without["verdict"] == "fail") PGFUZZ_CHECK(with == without);
    if (with != without) PGFUZZ_CHECK(with["steps"][4]["status"] == "fail" && with["verdict"] == "fail");
  }
  pg::json upstream_only = std::move(*parsed.value);
  upstream_only.erase("relayError");
  upstream_only.erase("headers");
  const pg::Diagnosis d = checked(pg::diagnose(upstream_only));
  for (const pg::Condition& c : d.conditions)
    PGFUZZ_CHECK(c.side != "relay" || c.kind == "no_outcome");
  return 0;
}