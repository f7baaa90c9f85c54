// build_request() on an arbitrary JSON form (as the page's buildRequest hands it in).
// Invariants: ok and errors exclude each other; the errors stay bounded; an ok body is an
// object whose size body_size() predicts exactly; the reply is valid UTF-8 JSON. The built
// body's worst-case cost (what the page shows before a run) is finite and, when known, the
// sum of its parts with a limit of at least one token; the probe form for the form's model
// name always builds.
#include "core/answer/cost.h"
#include "core/request/probe.h"
#include "core/request/request.h"
#include "fuzz_util.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  const pg::RequestLimits limits;
  const pg::BuildResult r = pg::build_request(*parsed.value, limits);
  pgfuzz::checked_dump(pg::to_json(r));
  PGFUZZ_CHECK(r.ok == r.errors.empty());
  PGFUZZ_CHECK(r.errors.size() <= limits.max_errors + 1);
  if (r.ok) {
    PGFUZZ_CHECK(r.body.is_object());
    PGFUZZ_CHECK(pg::body_size(r.body) == pg::dump_json(r.body).size());
    PGFUZZ_CHECK(pg::dump_json(r.body).size() <= limits.max_body_bytes);
    const pg::WorstCase w = pg::worst_case_cost(r.body, pg::json{{"input_per_1k", 0.5}, {"output_per_1k", 1.5}});
    pgfuzz::checked_dump(pg::to_json(w));
    PGFUZZ_CHECK(std::isfinite(w.total_usd) && w.total_usd >= 0);
    PGFUZZ_CHECK(w.known == w.reason.empty());
    if (w.known) PGFUZZ_CHECK(w.max_tokens >= 1 && w.prompt_tokens > 0 && w.total_usd == w.input_usd + w.output_usd);
  }
  const pg::json* model = pg::member(*parsed.value, "model");
  const std::string* name = model ? pg::string_member(*model, "model_name") : nullptr;
  if (name && name->size() <= 256) {
    const pg::BuildResult probe = pg::build_request(pg::probe_form(*name, ""), limits);
    // A blank name builds too (no model in the body); a name of only spaces is trimmed away.
    PGFUZZ_CHECK(probe.ok);
  }
  return 0;
}
