// build_request() on an arbitrary JSON form (as the page's buildRequest hands it in).
// Invariants: ok and errors exclude each other; the errors stay bounded; an ok body is an
// object whose size body_size() predicts exactly; the reply is valid UTF-8 JSON.
#include "core/request/request.h"
#include "fuzz_util.h"

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
  }
  return 0;
}
