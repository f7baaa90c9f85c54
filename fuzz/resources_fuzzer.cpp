// load_resources_file() on an arbitrary JSON document, as the binding takes it:
// {"document":…, "env":{NAME:value}, "allowUnsetVars":bool}. Invariants: a failed load
// holds no resources; the public model list never carries a key field; every output
// (public list, relay keys, canonical rows) is valid UTF-8 JSON.
#include "core/resources/resources.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  const pg::json& args = *parsed.value;
  const pg::json* doc = pg::member(args, "document");
  pg::Env env;
  if (const pg::json* e = pg::member(args, "env"); e && e->is_object())
    for (auto it = e->begin(); it != e->end(); ++it)
      if (it.value().is_string()) env.emplace(it.key(), it.value().get<std::string>());
  pg::LoadOptions options;
  const pg::json* allow = pg::member(args, "allowUnsetVars");
  options.allow_unset_vars = allow && allow->is_boolean() && allow->get<bool>();

  const pg::Resources r = pg::load_resources_file(doc ? *doc : pg::json(), env, options);
  if (!r.ok()) PGFUZZ_CHECK(r.models.empty() && r.provider_keys.empty());
  for (const auto& e : r.errors) pgfuzz::checked_dump(pg::to_json(e));
  for (const auto& w : r.warnings) pgfuzz::checked_dump(pg::to_json(w));
  const pg::json pub = pg::to_public_json(r);
  pgfuzz::checked_dump(pub);
  PGFUZZ_CHECK(!pgfuzz::has_secret_field(pub));
  pgfuzz::checked_dump(pg::to_relay_keys_json(r));
  if (r.ok()) pgfuzz::checked_dump(pg::to_canonical_rows(r));
  return 0;
}
