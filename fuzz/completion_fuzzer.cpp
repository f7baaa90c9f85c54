// validate_completion() on an arbitrary non-streaming body. Invariants: the Result is
// valid UTF-8 JSON, and a body that is not JSON at all is never reported ok.
#include "core/answer/response.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const pg::Result result = pg::validate_completion(body);
  pgfuzz::checked_dump(pg::to_json(result));
  if (!pg::parse_json(body).value) PGFUZZ_CHECK(!result.ok());
  return 0;
}
