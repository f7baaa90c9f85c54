// diagnose() on an arbitrary Outcome (JSON, as the page hands it in). Invariants: always
// the five steps in order, a known verdict, and a valid UTF-8 JSON reply. And nothing an
// upstream controls makes a relay verdict: the same outcome without what only the relay
// and the page can set (relayError, the headers that carry x-playground-source and the
// relay's nonce) has no relay-side condition but "no outcome", whatever its body or its
// result's relayEvent say. And the request (what the answer's form is checked against) can
// only fail the answer step (its `stream` changes advice only): without it the first four steps read the same, and an
// outcome that failed without it reads exactly the same with it. Every failed step's code and every condition's kind is
// from diagnose.h's lists, and the verdict does not depend on wording: with every message we and the relay write
// replaced (the relay's error message and detail, finding messages, a relay_error event's message), steps, codes,
// statuses, conditions and verdict are the same.
#include "core/diagnose/diagnose.h"
#include "fuzz_util.h"

namespace {

pg::Diagnosis checked(pg::Diagnosis d) {
  pgfuzz::checked_dump(pg::to_json(d));
  static const char* kSteps[] = {"reach", "endpoint", "key", "model", "answer"};
  PGFUZZ_CHECK(d.steps.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) PGFUZZ_CHECK(d.steps[i].step == kSteps[i]);
  PGFUZZ_CHECK(d.verdict == "pass" || d.verdict == "fail" || d.verdict == "warn");
  for (const pg::Step& s : d.steps) {
    if (s.status != pg::StepStatus::Fail) {
      PGFUZZ_CHECK(s.code.empty());
      continue;
    }
    bool listed = false;
    for (std::string_view code : pg::kStepCodes) listed = listed || code == s.code;
    PGFUZZ_CHECK(listed);
  }
  for (const pg::Condition& c : d.conditions) {
    bool listed = false;
    for (std::string_view kind : pg::kConditionKinds) listed = listed || kind == c.kind;
    PGFUZZ_CHECK(listed);
  }
  return d;
}

// What a verdict is made of, wording aside.
pg::json facts(const pg::Diagnosis& d) {
  pg::json out = pg::json::array();
  for (const pg::Step& s : d.steps) out.push_back({s.step, pg::to_string(s.status), s.code});
  for (const pg::Condition& c : d.conditions) out.push_back({c.kind, c.side});
  out.push_back(d.verdict);
  return out;
}

void scramble(pg::json& holder, const char* key) {
  if (!holder.is_object()) return;
  auto it = holder.find(key);
  if (it != holder.end() && it->is_string()) *it = "zq " + std::to_string(it->get_ref<const std::string&>().size());
}

// The outcome with every message the core and the relay wrote replaced.
pg::json scrambled(pg::json o) {
  if (auto relay = o.find("relayError"); relay != o.end()) {
    scramble(*relay, "message");
    scramble(*relay, "detail");
  }
  if (auto result = o.find("result"); result != o.end() && result->is_object()) {
    if (auto findings = result->find("findings"); findings != result->end() && findings->is_array())
      for (pg::json& f : *findings) scramble(f, "message");
    if (auto event = result->find("relayEvent"); event != result->end()) scramble(*event, "message");
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  checked(pg::diagnose(*parsed.value));

  if (!parsed.value->is_object()) return 0;
  PGFUZZ_CHECK(facts(pg::diagnose(*parsed.value)) == facts(checked(pg::diagnose(scrambled(*parsed.value)))));
  if (parsed.value->contains("request")) {
    // request.stream changes only advice (a first-byte timeout's); its response_format only
    // the answer step.
    pg::json without_stream = *parsed.value;
    if (without_stream["request"].is_object()) without_stream["request"].erase("stream");
    PGFUZZ_CHECK(facts(pg::diagnose(without_stream)) == facts(pg::diagnose(*parsed.value)));
    const pg::json with = pg::to_json(pg::diagnose(without_stream));
    pg::json without_request = without_stream;
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
  for (const pg::Condition& c : d.conditions) PGFUZZ_CHECK(c.side != "relay" || c.kind == "no_outcome");
  return 0;
}