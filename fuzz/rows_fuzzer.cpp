// parse_row() + resolve_models(), the etcd source's path, on arbitrary rows. Invariants:
// a row yields at most one resource, of its own kind, under its own id; the public list
// never carries a key field; every output is valid UTF-8 JSON.
//
// Input: up to 8 rows, each [kind byte][id up to '\n'][value up to '\x1e'].
#include "core/resources/resources.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  pg::Resources r;
  const char* kinds[] = {"models", "provider_keys", "plugins", ""};
  for (int row = 0; row < 8; ++row) {
    const std::string_view kind = kinds[in.byte() & 3];
    const std::string_view id = in.until('\n');
    const std::string_view value = in.until('\x1e');
    pg::RowResult rr = pg::parse_row(kind, id, value);
    PGFUZZ_CHECK(!(rr.model && rr.provider_key));
    if (rr.model) PGFUZZ_CHECK(kind == "models" && rr.model->id == id);
    if (rr.provider_key) PGFUZZ_CHECK(kind == "provider_keys" && rr.provider_key->id == id);
    for (const auto& e : rr.errors) pgfuzz::checked_dump(pg::to_json(e));
    if (rr.provider_key) r.provider_keys.push_back(std::move(*rr.provider_key));
    if (rr.model) r.models.push_back(std::move(*rr.model));
    for (auto& w : rr.warnings) r.warnings.push_back(std::move(w));
    if (in.done()) break;
  }
  pg::resolve_models(r);
  for (const auto& w : r.warnings) pgfuzz::checked_dump(pg::to_json(w));
  const pg::json pub = pg::to_public_json(r);
  pgfuzz::checked_dump(pub);
  PGFUZZ_CHECK(!pgfuzz::has_secret_field(pub));
  pgfuzz::checked_dump(pg::to_relay_keys_json(r));
  return 0;
}
