// parse_error() on an arbitrary status, content type and body. Invariants: the error is
// valid UTF-8 JSON, its message is one bounded line, and it always has a type.
//
// Input: [status: 2 bytes, little endian, mod 1000][content type up to '\n'][body].
#include "core/provider/provider_error.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const int status = in.u16() % 1000;
  const std::string_view content_type = in.until('\n');
  const std::string_view body = in.rest();

  const pg::ProviderError e = pg::parse_error(status, content_type, body);
  pgfuzz::checked_dump(pg::to_json(e));
  PGFUZZ_CHECK(!e.type.empty());
  PGFUZZ_CHECK(e.message.find('\n') == std::string::npos);
  PGFUZZ_CHECK(e.message.size() <= 500);
  PGFUZZ_CHECK(!e.code || e.code->size() <= 100);
  PGFUZZ_CHECK(!e.param || e.param->size() <= 100);
  return 0;
}
