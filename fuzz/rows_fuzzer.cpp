// The etcd source's path on arbitrary rows: parse_row() per row for its own invariants, then
// load_rows() + to_loaded_json(), the very calls the binding's pg_load_rows makes. Invariants:
// a row yields at most one resource, of its own kind, under its own id; the snapshot holds
// no more models and keys than its rows; the public list never carries a key field; every
// output is valid UTF-8 JSON.
//
// Input: up to 8 rows, each [kind byte][id up to '\n'][value up to '\x1e'].
#include "core/resources/resources.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  pg::json rows = pg::json::array();
  std::size_t models = 0, keys = 0;
  const char* kinds[] = {"models", "provider_keys", "plugins", ""};
  for (int row = 0; row < 8; ++row) {
    const std::string_view kind = kinds[in.byte() & 3];
    const std::string_view id = in.until('\n');
    const std::string_view value = in.until('\x1e');
    pg::RowResult rr = pg::parse_row(kind, id, value);
    PGFUZZ_CHECK(!(rr.model && rr.provider_key));
    if (rr.model) PGFUZZ_CHECK(kind == "models" && rr.model->id == id);
    if (rr.provider_key) PGFUZZ_CHECK(kind == "provider_keys" && rr.provider_key->id == id);
    models += rr.model ? 1 : 0;
    keys += rr.provider_key ? 1 : 0;
    for (const auto& e : rr.errors) pgfuzz::checked_dump(pg::to_json(e));
    // The binding's input: a row's fields as JSON strings (any bytes; the reply is checked).
    rows.push_back({{"kind", std::string(kind)}, {"id", std::string(id)}, {"value", std::string(value)}});
    if (in.done()) break;
  }
  const pg::Resources r = pg::load_rows(rows);
  PGFUZZ_CHECK(r.models.size() == models && r.provider_keys.size() == keys);
  for (const auto& w : r.warnings) pgfuzz::checked_dump(pg::to_json(w));
  const pg::json pub = pg::to_public_json(r);
  pgfuzz::checked_dump(pub);
  PGFUZZ_CHECK(!pgfuzz::has_secret_field(pub));
  pgfuzz::checked_dump(pg::to_relay_keys_json(r));
  pgfuzz::checked_dump(pg::to_loaded_json(r));
  return 0;
}
