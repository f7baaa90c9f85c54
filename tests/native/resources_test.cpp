// AISIX resources: SHA-1 / UUIDv5 ids, ${VAR} interpolation, the strict file loader, etcd rows,
// testability and the public/canonical views (docs/gateway-parity.md).
#include <doctest/doctest.h>

#include "core/base/sha1.h"
#include "core/base/uuid5.h"
#include "core/resources/detail/interpolate.h"  // internal under test
#include "core/resources/detail/key_hash.h"     // internal under test
#include "core/resources/detail/references.h"   // internal under test
#include "core/resources/resources.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace pg;

namespace {

json fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/resources/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  REQUIRE_MESSAGE(parsed.value, name << ": " << parsed.error);
  return *parsed.value;
}

// Every variable valid.json needs, with recognisable secret values.
Env full_env() {
  return {{"OPENAI_API_KEY", "sk-openai-SECRET1"}, {"DEEPSEEK_HOST", "api.deepseek.com"},
          {"DEEPSEEK_API_KEY", "sk-ds-SECRET2"},   {"AZURE_OPENAI_KEY", "az-SECRET3"},
          {"ANTHROPIC_API_KEY", "sk-ant-SECRET4"}, {"AWS_SECRET", "aws-SECRET5"},
          {"MISTRAL_API_KEY", "mis-SECRET6"},      {"CACHE_UNIT", "token"},
          {"DEV_CALLER_KEY", "sk-caller-SECRET7"}};
}

const Model* model_named(const Resources& r, const std::string& name) {
  for (const auto& m : r.models)
    if (m.display_name == name) return &m;
  return nullptr;
}

const ProviderKey* key_named(const Resources& r, const std::string& name) {
  for (const auto& k : r.provider_keys)
    if (k.display_name == name) return &k;
  return nullptr;
}

std::string all_errors(const Resources& r) {
  std::string out;
  for (const auto& e : r.errors) out += "[" + e.entry + "|" + e.field + "] " + e.message + "\n";
  return out;
}

// True when one error has exactly this entry and field and a message containing `fragment`.
bool has_error(const std::vector<ResourceError>& errors, const std::string& entry, const std::string& field,
               const std::string& fragment) {
  for (const auto& e : errors)
    if (e.entry == entry && e.field == field && e.message.find(fragment) != std::string::npos) return true;
  return false;
}

// Loads valid.json after `mutate`, expecting failure with the given error, and all-or-nothing.
Resources expect_error(void (*mutate)(json&), const std::string& entry, const std::string& field,
                       const std::string& fragment, Env env = full_env()) {
  json doc = fixture("valid.json");
  mutate(doc);
  Resources r = load_resources_file(doc, env);
  CHECK_FALSE(r.ok());
  CHECK_MESSAGE(has_error(r.errors, entry, field, fragment), "wanted [" << entry << "|" << field << "] ~ \"" << fragment
                                                                        << "\"; got:\n"
                                                                        << all_errors(r));
  CHECK(r.provider_keys.empty());
  CHECK(r.models.empty());
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------- SHA-1, ids

TEST_CASE("sha1 matches the FIPS 180 test vectors") {
  CHECK(to_hex(sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(to_hex(sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(to_hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(to_hex(sha1(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1 gives the same digest however the input is split") {
  const std::string text(1000, 'x');
  const std::string whole = to_hex(sha1(text));
  for (std::size_t piece : {1u, 55u, 56u, 63u, 64u, 65u, 999u}) {
    Sha1 h;
    for (std::size_t i = 0; i < text.size(); i += piece) h.update(std::string_view(text).substr(i, piece));
    CHECK_MESSAGE(to_hex(h.finish()) == whole, "piece size " << piece);
  }
}

TEST_CASE("uuid v5 reproduces RFC 4122 names and the gateway's pinned file ids") {
  const auto url_ns = parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  const auto dns_ns = parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  REQUIRE(url_ns);
  REQUIRE(dns_ns);
  CHECK(format_uuid(uuid_v5(*dns_ns, "python.org")) == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  // The gateway's namespace is itself uuid5(NAMESPACE_URL, …): re-derive it.
  CHECK(format_uuid(uuid_v5(*url_ns, "https://github.com/api7/aisix#resources-file")) ==
        "63e50ab2-677a-54d3-8d1e-c0cb29ceae94");
  CHECK(derive_id("models", "gpt-4o") == "6efd592d-a73b-573d-8e2c-e9e103692f92");
  CHECK(derive_id("provider_keys", "gpt-4o") != derive_id("models", "gpt-4o"));
}

TEST_CASE("parse_uuid accepts only the 8-4-4-4-12 form") {
  CHECK(parse_uuid("6BA7B811-9DAD-11D1-80B4-00C04FD430C8"));
  CHECK_FALSE(parse_uuid(""));
  CHECK_FALSE(parse_uuid("6ba7b8119dad11d180b400c04fd430c8"));
  CHECK_FALSE(parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430cg"));
  CHECK_FALSE(parse_uuid("6ba7b811-9dad-11d1-80b400-c04fd430c8"));
}

// ---------------------------------------------------------------------------------- ${VAR}

TEST_CASE("interpolation follows the gateway's grammar") {
  const EnvMap env = {{"HOST", "up.example"}, {"KEY", "sk-1"}, {"EMPTY", ""}};
  CHECK(interpolate("${KEY}", env).value == "sk-1");
  CHECK(interpolate("https://${HOST}/v1", env).value == "https://up.example/v1");
  CHECK(interpolate("${HOST}:${KEY}", env).value == "up.example:sk-1");
  CHECK(interpolate("$${KEY}", env).value == "${KEY}");
  CHECK(interpolate("a$$b", env).value == "a$b");
  CHECK(interpolate("$$$${KEY}", env).value == "$${KEY}");
  CHECK(interpolate("$$${KEY}", env).value == "$sk-1");
  CHECK(interpolate("$KEY and 5$", env).value == "$KEY and 5$");

  auto unset = interpolate("x${NOPE}y", env);
  CHECK_FALSE(unset.ok);
  CHECK(unset.error.find("`NOPE`") != std::string::npos);
  CHECK(unset.unset == "NOPE");
  auto empty = interpolate("${EMPTY}", env);
  CHECK_FALSE(empty.ok);
  CHECK(empty.error.find("`EMPTY` is empty") != std::string::npos);
  // No default syntax: the whole text between the braces is the name.
  CHECK(interpolate("${HOST:-x}", env).error.find("`HOST:-x`") != std::string::npos);
  auto open = interpolate("sk-abc${KEY", env);
  CHECK_FALSE(open.ok);
  CHECK(open.error.find("unterminated") != std::string::npos);
  CHECK(open.error.find("sk-abc") == std::string::npos);  // never echoes the value
  CHECK(interpolate("${}", env).error.find("empty variable name") != std::string::npos);
}

TEST_CASE("interpolate_tree touches string values only and reports each failure with its path") {
  const EnvMap env = {{"H", "h"}};
  json doc = {{"${H}", "${H}"}, {"n", 5}, {"list", {"a", "${MISSING}", {{"deep", "${ALSO}"}}}}};
  std::vector<InterpolationError> errors;
  json out = interpolate_tree(doc, env, errors);
  CHECK(out["${H}"] == "h");  // the key stays as written
  CHECK(out["n"] == 5);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].path == "list[1]");
  CHECK(errors[1].path == "list[2].deep");
  CHECK(errors[1].unset == "ALSO");
}

// ---------------------------------------------------------------------------------- the file

TEST_CASE("a valid file loads every key and model with derived ids and interpolated values") {
  Resources r = load_resources_file(fixture("valid.json"), full_env());
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  CHECK(r.provider_keys.size() == 6);
  CHECK(r.models.size() == 11);

  const ProviderKey* oai = key_named(r, "oai");
  REQUIRE(oai);
  CHECK(oai->id == "4f7a1b85-429d-56d7-9429-63df1d28654a");
  CHECK(oai->api_key == "sk-openai-SECRET1");
  CHECK(oai->provider == "openai");
  CHECK(oai->adapter.empty());
  CHECK(oai->api_base.empty());

  const ProviderKey* ds = key_named(r, "ds");
  REQUIRE(ds);
  CHECK(ds->api_base == "https://api.deepseek.com");  // partial interpolation
  CHECK(ds->adapter == "openai");

  const ProviderKey* claude_key = key_named(r, "claude-key");
  REQUIRE(claude_key);
  CHECK(claude_key->api_key == "sk-ant-SECRET4");  // `secret` is an alias of api_key
  CHECK(claude_key->canonical.contains("api_key"));
  CHECK_FALSE(claude_key->canonical.contains("secret"));

  const ProviderKey* az = key_named(r, "az");
  REQUIRE(az);
  CHECK(az->canonical["request"]["default_headers"]["x-team"] == "${request.api_key.team_id}");  // $$ escape

  const Model* gpt4o = model_named(r, "gpt4o");
  REQUIRE(gpt4o);
  CHECK(gpt4o->id == "9fe3f6c7-a2fe-5306-a5b2-81c3651df5be");
  CHECK(gpt4o->kind == "direct");
  CHECK(gpt4o->provider_key_id == oai->id);  // `provider_key` name sugar resolved
  REQUIRE(gpt4o->cost);
  CHECK(gpt4o->cost->input_per_1k == doctest::Approx(0.0025));
  CHECK(gpt4o->cost->output_per_1k == doctest::Approx(0.01));
  CHECK(model_named(r, "deepseek-chat")->cost == std::nullopt);

  const Model* claude = model_named(r, "claude");
  REQUIRE(claude);
  CHECK(claude->provider_key_id == claude_key->id);  // canonical provider_key_id accepted

  const Model* chat = model_named(r, "chat");
  REQUIRE(chat);
  CHECK(chat->kind == "routing");
  CHECK(chat->targets == std::vector<std::string>{"gpt4o", "claude"});
  const Model* panel = model_named(r, "panel");
  CHECK(panel->kind == "ensemble");
  CHECK(panel->targets == std::vector<std::string>{"gpt4o", "deepseek-chat", "claude"});
  const Model* router = model_named(r, "router");
  CHECK(router->kind == "semantic");
  CHECK(router->targets == std::vector<std::string>{"deepseek-chat", "gpt-4o-*", "gpt4o", "embed"});
  CHECK(r.warnings.empty());
}

TEST_CASE("testability: one OpenAI-compatible key, base URL and model name at a time") {
  Resources r = load_resources_file(fixture("valid.json"), full_env());
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  for (const char* name : {"gpt4o", "deepseek-chat", "azure-gpt", "claude", "embed"}) {
    CAPTURE(name);
    CHECK(model_named(r, name)->testable);
    CHECK(model_named(r, name)->reason.empty());
  }
  CHECK(model_named(r, "chat")->reason ==
        "a routing model (failover over gpt4o, claude): the playground tests one provider key, base URL and "
        "model name at a time; test each target here, or send traffic through the managed gateway to test routing");
  CHECK(model_named(r, "panel")->reason.find("an ensemble model (panel gpt4o, deepseek-chat; judge claude)") == 0);
  CHECK(model_named(r, "router")
            ->reason.find("a semantic router (routes to deepseek-chat, gpt-4o-*; default gpt4o; "
                          "embeddings by embed)") == 0);

  const Model* titan = model_named(r, "titan");
  CHECK_FALSE(titan->testable);
  CHECK(titan->reason.find("adapter bedrock") != std::string::npos);
  CHECK(titan->reason.find("OpenAI-compatible chat") != std::string::npos);

  const Model* mistral = model_named(r, "mistral-small");
  CHECK_FALSE(mistral->testable);
  CHECK(mistral->reason.find("no adapter") != std::string::npos);
  CHECK(mistral->reason.find("adapter: openai") != std::string::npos);

  const Model* wildcard = model_named(r, "gpt-*");
  CHECK_FALSE(wildcard->testable);
  CHECK(wildcard->reason.find("wildcard") != std::string::npos);
}

TEST_CASE("testability follows the gateway's dispatch rule for every provider/adapter pair") {
  struct Case {
    const char* provider;
    const char* adapter;
    const char* api_base;
    bool testable;
    const char* reason_fragment;
  };
  const Case cases[] = {
      {"openai", "", "", true, ""},         // specialized bridge, default base
      {"openai", "bedrock", "", true, ""},  // the exact provider name wins over adapter
      {"anthropic", "", "", true, ""},
      {"", "openai", "", true, ""},  // empty provider gets OpenAI's default base
      {"deepseek", "openai", "https://api.deepseek.com", true, ""},
      {"deepseek", "openai", "", false, "needs an api_base"},
      {"groq", "anthropic", "", false, "needs an api_base"},
      {"azure", "azure-openai", "https://r.openai.azure.com", true, ""},
      {"azure", "azure-openai", "", false, "adapter azure-openai needs an api_base"},
      {"google", "vertex", "", false, "adapter vertex"},
      {"deepseek", "", "https://api.deepseek.com", false, "no adapter"},
      {"", "", "", false, "no adapter"},
      {"OpenAI", "", "", false, "no adapter"},  // case matters, as in the gateway
  };
  for (const auto& c : cases) {
    CAPTURE(c.provider);
    CAPTURE(c.adapter);
    CAPTURE(c.api_base);
    Resources r;
    r.provider_keys.push_back({"k1", "key", c.provider, c.adapter, c.api_base, "secret", json(), {}});
    Model m;
    m.id = "m1";
    m.display_name = "m";
    m.kind = "direct";
    m.provider = "p";
    m.model_name = "x";
    m.provider_key_id = "k1";
    r.models.push_back(m);
    resolve_models(r);
    CHECK(r.models[0].testable == c.testable);
    CHECK(r.models[0].reason.find(c.reason_fragment) != std::string::npos);
  }
  Resources orphan;
  Model m;
  m.id = "m1";
  m.display_name = "m";
  m.kind = "direct";
  m.provider_key_id = "gone";
  orphan.models.push_back(m);
  resolve_models(orphan);
  CHECK_FALSE(orphan.models[0].testable);
  CHECK(orphan.models[0].reason.find("is not defined") != std::string::npos);
}

TEST_CASE("the public model list carries PublicModel's fields (docs/contracts.md) and no secret") {
  Resources r = load_resources_file(fixture("valid.json"), full_env());
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  const json pub = to_public_json(r);
  const std::string text = dump_json(pub);
  for (const auto& [name, value] : full_env()) {
    if (value.find("SECRET") == std::string::npos) continue;
    CAPTURE(name);
    CHECK(text.find(value) == std::string::npos);
  }
  CHECK(text.find("AKIAEXAMPLE") == std::string::npos);  // a whole credential JSON stays private too
  // No field named api_key (a default header template may name `${request.api_key.team_id}`).
  CHECK(text.find("\"api_key\"") == std::string::npos);
  CHECK(text.find("secret") == std::string::npos);

  REQUIRE(pub["models"].size() == r.models.size());
  const json* ds = nullptr;
  const json* chat = nullptr;
  for (const auto& m : pub["models"]) {
    if (m["display_name"] == "deepseek-chat") ds = &m;
    if (m["display_name"] == "chat") chat = &m;
  }
  REQUIRE(ds);
  CHECK((*ds)["id"] == derive_id("models", "deepseek-chat"));
  CHECK((*ds)["kind"] == "direct");
  CHECK((*ds)["provider"] == "deepseek");
  CHECK((*ds)["model_name"] == "deepseek-chat");
  CHECK((*ds)["api_base"] == "https://api.deepseek.com");
  CHECK((*ds)["provider_key"] == json{{"id", "9c278101-e61d-55ea-bb1b-473668971a6c"},
                                      {"display_name", "ds"},
                                      {"provider", "deepseek"},
                                      {"adapter", "openai"}});
  CHECK((*ds)["cost"].is_null());
  CHECK((*ds)["testable"] == true);
  CHECK_FALSE(ds->contains("reason"));
  CHECK_FALSE(ds->contains("targets"));
  REQUIRE(chat);
  CHECK((*chat)["testable"] == false);
  CHECK((*chat)["reason"].get<std::string>().find("a routing model") == 0);
  CHECK((*chat)["targets"] == json{"gpt4o", "claude"});
  CHECK((*chat)["provider_key"].is_null());
  CHECK((*chat)["api_base"] == "");
}

TEST_CASE("canonical rows are what the gateway stores in etcd") {
  Resources r = load_resources_file(fixture("valid.json"), full_env());
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  const json rows = to_canonical_rows(r);
  REQUIRE(rows.size() == 17);
  const json& first = rows[0];
  CHECK(first["key"] == "provider_keys/4f7a1b85-429d-56d7-9429-63df1d28654a");
  CHECK(first["value"] == json{{"display_name", "oai"}, {"provider", "openai"}, {"api_key", "sk-openai-SECRET1"}});
  bool saw_gpt4o = false, saw_chat = false;
  for (const auto& row : rows) {
    const std::string key = row["key"];
    if (key == "models/9fe3f6c7-a2fe-5306-a5b2-81c3651df5be") {
      saw_gpt4o = true;
      CHECK(row["value"]["provider_key_id"] == "4f7a1b85-429d-56d7-9429-63df1d28654a");
      CHECK_FALSE(row["value"].contains("provider_key"));
      CHECK(row["value"]["cost"]["output_per_1k"] == 0.01);
      CHECK(row["value"]["timeout"] == 30000);
    }
    if (key == "models/fa4b8a1f-88c3-5341-830f-df95b53c6271") {
      saw_chat = true;
      CHECK(row["value"]["routing"]["targets"][1] == json{{"model", "claude"}, {"priority", 1}});
      CHECK_FALSE(row["value"].contains("provider"));
    }
  }
  CHECK(saw_gpt4o);
  CHECK(saw_chat);
  // Rows read back through the etcd path give the same models.
  for (const auto& row : rows) {
    const std::string key = row["key"];
    const auto slash = key.find('/');
    RowResult back = parse_row(key.substr(0, slash), key.substr(slash + 1), dump_json(row["value"]));
    CHECK_MESSAGE(back.errors.empty(), key);
    CHECK(back.warnings.empty());
  }
}

TEST_CASE("relay keys carry the secret, for the relay only") {
  Resources r = load_resources_file(fixture("valid.json"), full_env());
  REQUIRE(r.ok());
  const json keys = to_relay_keys_json(r);
  REQUIRE(keys.size() == 6);
  CHECK(keys[1] == json{{"id", "9c278101-e61d-55ea-bb1b-473668971a6c"},
                        {"display_name", "ds"},
                        {"provider", "deepseek"},
                        {"adapter", "openai"},
                        {"api_base", "https://api.deepseek.com"},
                        {"api_key", "sk-ds-SECRET2"},
                        {"header_secrets", json::array()}});
}

// ---------------------------------------------------------------------------------- file errors

TEST_CASE("format version: mandatory, and the string \"1\"") {
  expect_error([](json& d) { d["_format_version"] = 1; }, "", "_format_version", "quote it");
  expect_error([](json& d) { d["_format_version"] = "2"; }, "", "_format_version",
               "unrecognized _format_version \"2\"");
  expect_error([](json& d) { d["_format_version"] = true; }, "", "_format_version", "must be the string \"1\"");
  expect_error([](json& d) { d.erase("_format_version"); }, "", "_format_version", "missing mandatory _format_version");
  Resources not_a_map = load_resources_file(json::array(), full_env());
  CHECK_FALSE(not_a_map.ok());
  CHECK(has_error(not_a_map.errors, "", "", "top level must be a mapping"));
}

TEST_CASE("top-level keys: only the 14 collections; each a sequence of mappings") {
  expect_error([](json& d) { d["pricing"] = json::array(); }, "", "pricing", "does not accept a `pricing` collection");
  expect_error([](json& d) { d["modles"] = json::array(); }, "", "modles", "unknown top-level key `modles`");
  expect_error([](json& d) { d["models"] = json::object(); }, "", "models", "`models` must be a sequence");
  expect_error([](json& d) { d["provider_keys"].push_back("oai"); }, "provider_keys[6]", "", "must be a mapping");
  Resources empty = load_resources_file(json(), full_env());
  CHECK(has_error(empty.errors, "", "", "the file is empty"));
}

TEST_CASE("unknown fields, an `id`, and wrong types are errors in the file") {
  expect_error([](json& d) { d["provider_keys"][0]["region"] = "eu"; }, "provider_keys[0] (oai)", "region",
               "unknown field");
  expect_error([](json& d) { d["models"][0]["fallbacks"] = json::array(); }, "models[0] (gpt4o)", "fallbacks",
               "unknown field");
  expect_error([](json& d) { d["models"][0]["cost"]["currency"] = "EUR"; }, "models[0] (gpt4o)", "cost.currency",
               "unknown field");
  expect_error([](json& d) { d["models"][0]["id"] = "x"; }, "models[0] (gpt4o)", "id", "ids are derived");
  expect_error([](json& d) { d["provider_keys"][0]["id"] = "x"; }, "provider_keys[0] (oai)", "id",
               "does not accept `id`");
  expect_error([](json& d) { d["models"][0]["timeout"] = "30s"; }, "models[0] (gpt4o)", "timeout",
               "must be an integer, not a string");
  expect_error([](json& d) { d["models"][0]["retries"] = -1; }, "models[0] (gpt4o)", "retries", "between 0 and");
  Resources r =
      expect_error([](json& d) { d["provider_keys"][0]["adapter"] = "${OPENAI_API_KEY}"; }, "provider_keys[0] (oai)",
                   "adapter", "must be one of openai, anthropic, bedrock, vertex, azure-openai");
  CHECK(all_errors(r).find("sk-openai-SECRET1") == std::string::npos);  // a misplaced secret is not echoed
  expect_error([](json& d) { d["provider_keys"][0]["api_base"] = 8080; }, "provider_keys[0] (oai)", "api_base",
               "must be a string");
  expect_error([](json& d) { d["provider_keys"][0]["strip_headers"] = json::array({1}); }, "provider_keys[0] (oai)",
               "strip_headers[0]", "must be a string");
  expect_error([](json& d) { d["provider_keys"][3]["tls"]["verify"] = "yes"; }, "provider_keys[3] (claude-key)",
               "tls.verify", "true or false");
  expect_error(
      [](json& d) {
        d["models"][6]["embedding"] = {{"dimensions", 0}};
      },
      "models[6] (embed)", "embedding.dimensions", "at least 1");
}

TEST_CASE("identity: display_name required, non-empty, unique within its kind") {
  expect_error([](json& d) { d["models"][1].erase("display_name"); }, "models[1]", "display_name", "is required");
  expect_error([](json& d) { d["provider_keys"][1]["display_name"] = ""; }, "provider_keys[1]", "display_name",
               "non-empty");
  expect_error([](json& d) { d["models"][1]["display_name"] = "gpt4o"; }, "models[1] (gpt4o)", "display_name",
               "already defined at models[0]");
  // The same name in two kinds is fine.
  json doc = fixture("valid.json");
  doc["provider_keys"][0]["display_name"] = "gpt4o";
  doc["models"][0]["provider_key"] = "gpt4o";
  doc["models"][6]["provider_key"] = "gpt4o";
  doc["models"][7]["provider_key"] = "gpt4o";
  CHECK_MESSAGE(load_resources_file(doc, full_env()).ok(), all_errors(load_resources_file(doc, full_env())));
}

TEST_CASE("provider keys: exactly one of api_key and its alias secret") {
  expect_error([](json& d) { d["provider_keys"][0]["secret"] = "sk-other"; }, "provider_keys[0] (oai)", "secret",
               "both set");
  expect_error([](json& d) { d["provider_keys"][0].erase("api_key"); }, "provider_keys[0] (oai)", "api_key",
               "is required");
  Resources r = expect_error([](json& d) { d["provider_keys"][0]["api_key"] = ""; }, "provider_keys[0] (oai)",
                             "api_key", "must not be empty");
}

TEST_CASE("unset, empty and malformed ${VAR} fail the load, naming variable and field, never the value") {
  Env env = full_env();
  env.erase("OPENAI_API_KEY");
  expect_error([](json&) {}, "provider_keys[0] (oai)", "api_key", "`OPENAI_API_KEY` is unset", env);
  env = full_env();
  env["DEEPSEEK_HOST"] = "";
  expect_error([](json&) {}, "provider_keys[1] (ds)", "api_base", "`DEEPSEEK_HOST` is empty", env);
  Resources r = expect_error([](json& d) { d["provider_keys"][0]["api_key"] = "sk-live-123${OPENAI_API_KEY"; },
                             "provider_keys[0] (oai)", "api_key", "unterminated `${`");
  CHECK(all_errors(r).find("sk-live-123") == std::string::npos);
  expect_error([](json& d) { d["models"][0]["model_name"] = "${}"; }, "models[0] (gpt4o)", "model_name",
               "empty variable name");
  // Every collection is interpolated, even those the playground does not read.
  env = full_env();
  env.erase("CACHE_UNIT");
  expect_error([](json&) {}, "cache_policies[0] (short)", "note", "`CACHE_UNIT` is unset", env);
  expect_error([](json& d) { d["models"][8]["routing"]["targets"][0]["model"] = "${TARGET}"; }, "models[8] (chat)",
               "routing.targets[0].model", "`TARGET` is unset");
}

TEST_CASE("a key that fails interpolation does not also make its models' references fail") {
  Env env = full_env();
  env.erase("OPENAI_API_KEY");
  Resources r = load_resources_file(fixture("valid.json"), env);
  CHECK(r.errors.size() == 1);
}

TEST_CASE("model key references: provider_key name sugar or a matching provider_key_id") {
  expect_error([](json& d) { d["models"][0]["provider_key"] = "oia"; }, "models[0] (gpt4o)", "provider_key",
               "unknown provider key \"oia\" (defined provider_keys: aws, az, claude-key, ds, mystery, oai)");
  expect_error([](json& d) { d["models"][0]["provider_key_id"] = "4f7a1b85-429d-56d7-9429-63df1d28654a"; },
               "models[0] (gpt4o)", "provider_key", "mutually exclusive");
  expect_error([](json& d) { d["models"][3]["provider_key_id"] = "6efd592d-a73b-573d-8e2c-e9e103692f92"; },
               "models[3] (claude)", "provider_key_id", "does not match any provider key defined in this file");
  expect_error([](json& d) { d["models"][0]["provider_key"] = 3; }, "models[0] (gpt4o)", "provider_key",
               "must be a string");
}

TEST_CASE("direct models: provider pattern, required fields, one shape only") {
  expect_error([](json& d) { d["models"][0]["provider"] = "OpenAI"; }, "models[0] (gpt4o)", "provider",
               "lowercase letters");
  expect_error([](json& d) { d["models"][0]["provider"] = "-openai"; }, "models[0] (gpt4o)", "provider",
               "starting with a letter or digit");
  expect_error([](json& d) { d["models"][0]["provider"] = std::string(65, 'a'); }, "models[0] (gpt4o)", "provider",
               "1–64 characters");
  expect_error([](json& d) { d["models"][0]["provider"] = ""; }, "models[0] (gpt4o)", "provider", "must not be empty");
  json ok = fixture("valid.json");
  ok["models"][0]["provider"] = std::string(64, 'a');
  ok["models"][1]["provider"] = "a.b_c-9";
  CHECK(load_resources_file(ok, full_env()).ok());

  expect_error([](json& d) { d["models"][0].erase("model_name"); }, "models[0] (gpt4o)", "model_name",
               "is required for a direct model");
  expect_error([](json& d) { d["models"][0].erase("provider_key"); }, "models[0] (gpt4o)", "provider_key",
               "is required for a direct model");
  expect_error(
      [](json& d) {
        d["models"][1] = {{"display_name", "bare"}};
      },
      "models[1] (bare)", "", "is neither a direct model (provider, model_name and provider_key) nor a routing");
  expect_error([](json& d) { d["models"][8]["provider"] = "openai"; }, "models[8] (chat)", "provider",
               "belongs to a direct model");
  expect_error([](json& d) { d["models"][8]["ensemble"] = d["models"][9]["ensemble"]; }, "models[8] (chat)", "ensemble",
               "exactly one kind");
}

TEST_CASE("cost: both prices, non-negative, direct models only") {
  expect_error([](json& d) { d["models"][0]["cost"]["input_per_1k"] = -0.1; }, "models[0] (gpt4o)", "cost.input_per_1k",
               "at least 0");
  expect_error([](json& d) { d["models"][0]["cost"].erase("output_per_1k"); }, "models[0] (gpt4o)",
               "cost.output_per_1k", "is required");
  expect_error([](json& d) { d["models"][0]["cost"]["output_per_1k"] = "0.01"; }, "models[0] (gpt4o)",
               "cost.output_per_1k", "must be a number");
  expect_error(
      [](json& d) {
        d["models"][8]["cost"] = {{"input_per_1k", 1}, {"output_per_1k", 1}};
      },
      "models[8] (chat)", "cost", "is not allowed on a routing model");
  expect_error([](json& d) { d["models"][9]["timeout"] = 1000; }, "models[9] (panel)", "timeout",
               "is not allowed on an ensemble model");
  expect_error(
      [](json& d) {
        d["models"][10]["auto_prompt_caching"] = {{"enabled", true}};
      },
      "models[10] (router)", "auto_prompt_caching", "is not allowed on a semantic model");
  // Allowed on the multi-target kinds: timeouts on routing, cooldown on ensemble (valid.json has that).
  json ok = fixture("valid.json");
  ok["models"][8]["timeout"] = 5000;
  CHECK(load_resources_file(ok, full_env()).ok());
}

TEST_CASE("multi-target models: well-formed blocks naming models of the same file") {
  expect_error([](json& d) { d["models"][8]["routing"]["targets"][1]["model"] = "claud"; }, "models[8] (chat)",
               "routing.targets[1].model", "references unknown model \"claud\"");
  expect_error([](json& d) { d["models"][9]["ensemble"]["judge"]["model"] = "nobody"; }, "models[9] (panel)",
               "ensemble.judge.model", "unknown model");
  expect_error([](json& d) { d["models"][10]["semantic"]["embedding_model"] = "embedder"; }, "models[10] (router)",
               "semantic.embedding_model", "unknown model");
  expect_error(
      [](json& d) {
        d["models"][10]["semantic"]["on_embedding_failure"] = {{"target", "x"}};
      },
      "models[10] (router)", "semantic.on_embedding_failure.target", "unknown model");
  expect_error([](json& d) { d["models"][8]["routing"]["targets"] = json::array(); }, "models[8] (chat)",
               "routing.targets", "at least one");
  expect_error([](json& d) { d["models"][8]["routing"]["strategy"] = "random"; }, "models[8] (chat)",
               "routing.strategy", "must be one of failover");
  expect_error([](json& d) { d["models"][9]["ensemble"].erase("judge"); }, "models[9] (panel)", "ensemble.judge",
               "is required");
  expect_error([](json& d) { d["models"][10]["semantic"]["match"]["threshold"] = 1.5; }, "models[10] (router)",
               "semantic.match.threshold", "between 0 and 1");
  expect_error([](json& d) { d["models"][8]["routing"] = "gpt4o"; }, "models[8] (chat)", "routing",
               "must be a mapping");
}

TEST_CASE("every error in a file is reported together") {
  Resources r = load_resources_file(fixture("many-errors.json"), Env{});
  CHECK_FALSE(r.ok());
  CHECK(r.provider_keys.empty());
  CHECK(r.models.empty());
  const std::string all = all_errors(r);
  CAPTURE(all);
  CHECK(has_error(r.errors, "", "_format_version", "quote it"));
  CHECK(has_error(r.errors, "", "providers", "unknown top-level key"));
  CHECK(has_error(r.errors, "provider_keys[0] (oai)", "secret", "both set"));
  CHECK(has_error(r.errors, "provider_keys[1] (oai)", "display_name", "already defined at provider_keys[0]"));
  CHECK(has_error(r.errors, "provider_keys[2]", "display_name", "is required"));
  CHECK(has_error(r.errors, "models[0] (m1)", "provider", "lowercase"));
  CHECK(has_error(r.errors, "models[0] (m1)", "colour", "unknown field"));
  CHECK(has_error(r.errors, "models[0] (m1)", "provider_key", "unknown provider key \"nope\""));
  CHECK(has_error(r.errors, "models[1] (m2)", "cost", "not allowed on a routing model"));
  CHECK(has_error(r.errors, "models[1] (m2)", "routing.targets[0].model", "unknown model \"ghost\""));
  CHECK(has_error(r.errors, "api_keys[0] (dev)", "allowed_models[0]", "`UNSET_IN_API_KEYS` is unset"));
  CHECK(r.errors.size() == 11);
  for (const auto& e : r.errors) {
    CHECK(all.find("sk-a") == std::string::npos);
    CHECK(to_json(e) == json{{"entry", e.entry}, {"field", e.field}, {"message", e.message}});
  }
}

TEST_CASE("allow_unset_vars: the playground's demo mode lists, but does not test, what lacks a variable") {
  Env env = full_env();
  env.erase("OPENAI_API_KEY");
  env["DEEPSEEK_API_KEY"] = "";
  LoadOptions lenient;
  lenient.allow_unset_vars = true;
  Resources r = load_resources_file(fixture("valid.json"), env, lenient);
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  CHECK(r.warnings.size() == 2);
  CHECK(has_error(r.warnings, "provider_keys[0] (oai)", "api_key", "`OPENAI_API_KEY` is unset"));
  const Model* gpt4o = model_named(r, "gpt4o");
  CHECK_FALSE(gpt4o->testable);
  CHECK(gpt4o->reason ==
        "its provider key `oai` needs ${OPENAI_API_KEY}, unset or empty where the playground "
        "runs: set it in the relay's environment and restart it (a reload of the resources file "
        "keeps the environment the relay started with)");
  CHECK_FALSE(model_named(r, "deepseek-chat")->testable);
  CHECK(model_named(r, "claude")->testable);
  const json keys = to_relay_keys_json(r);
  CHECK(keys[0]["api_key"] == "");  // not the literal ${OPENAI_API_KEY}
  CHECK(keys[3]["api_key"] == "sk-ant-SECRET4");
  // Syntax errors are still errors.
  json doc = fixture("valid.json");
  doc["provider_keys"][0]["api_key"] = "${OPENAI_API_KEY";
  CHECK_FALSE(load_resources_file(doc, env, lenient).ok());
  // And without the option the same environment fails.
  CHECK(load_resources_file(fixture("valid.json"), env).errors.size() == 2);
}

// ---------------------------------------------------------------------------------- etcd rows

TEST_CASE("etcd rows: canonical JSON, lenient about unknown fields, strict about the rest") {
  const json rows = fixture("etcd-rows.json");
  auto row = [&](std::size_t i) {
    const std::string key = rows[i]["key"];
    const auto slash = key.find('/');
    return parse_row(key.substr(0, slash), key.substr(slash + 1), rows[i]["value"].get<std::string>());
  };

  RowResult key = row(0);
  REQUIRE(key.provider_key);
  CHECK(key.errors.empty());
  CHECK(key.provider_key->id == "7d0c6a4e-0b1f-4f57-9c55-0d3f2a1e9b10");
  CHECK(key.provider_key->api_key == "sk-etcd-secret");
  REQUIRE(key.warnings.size() == 1);
  CHECK(key.warnings[0].entry == "provider_keys/7d0c6a4e-0b1f-4f57-9c55-0d3f2a1e9b10");
  CHECK(key.warnings[0].field == "created_by");
  CHECK_FALSE(key.provider_key->canonical.contains("created_by"));

  RowResult model = row(1);
  REQUIRE(model.model);
  CHECK(model.errors.empty());
  CHECK(model.warnings.empty());  // pricing_key is a direct model's field on etcd
  CHECK(model.model->canonical.contains("pricing_key"));
  CHECK(model.model->provider_key_id == "7d0c6a4e-0b1f-4f57-9c55-0d3f2a1e9b10");
  REQUIRE(model.model->cost);
  CHECK(model.model->cost->input_per_1k == doctest::Approx(0.0025));

  RowResult no_key = row(2);
  CHECK_FALSE(no_key.model);
  CHECK(has_error(no_key.errors, "models/3a1d6a2b-1111-4b7e-9b0e-6b7e5f3c2a12", "provider_key_id", "is required"));

  RowResult sugar = row(3);  // file sugar means nothing on etcd
  CHECK_FALSE(sugar.model);
  CHECK(has_error(sugar.warnings, "models/4b2e7b3c-2222-4c8f-8c1f-7c8f6a4d3b13", "provider_key", "unknown field"));
  CHECK(has_error(sugar.errors, "models/4b2e7b3c-2222-4c8f-8c1f-7c8f6a4d3b13", "provider_key_id", "is required"));

  RowResult broken = row(4);
  CHECK_FALSE(broken.model);
  CHECK(has_error(broken.errors, "models/5c3f8c4d-3333-4d90-9d20-8d906b5e4c14", "", "not JSON"));

  // Assembled into a snapshot, the good rows resolve like the file's.
  Resources r;
  r.provider_keys.push_back(*key.provider_key);
  r.models.push_back(*model.model);
  resolve_models(r);
  CHECK(r.models[0].testable);
  CHECK(dump_json(to_public_json(r)).find("sk-etcd-secret") == std::string::npos);
}

TEST_CASE("etcd rows: other kinds, missing ids, strict-only rules and ids inside the value") {
  CHECK_FALSE(parse_row("api_keys", "x", "{}").errors.empty());
  CHECK_FALSE(parse_row("models", "", R"({"display_name":"a"})").errors.empty());
  CHECK(has_error(parse_row("models", "m", "[1]").errors, "models/m", "", "must be a mapping"));
  CHECK(has_error(parse_row("provider_keys", "k", R"({"display_name":"k"})").errors, "provider_keys/k", "api_key",
                  "is required"));
  CHECK(has_error(parse_row("provider_keys", "k", R"({"display_name":"k","api_key":5})").errors, "provider_keys/k",
                  "api_key", "must be a non-empty string"));

  // What only the strict file forbids is ignored and reported on etcd.
  RowResult routed = parse_row(
      "models", "r",
      R"({"display_name":"r","routing":{"targets":[{"model":"a"}]},"cost":{"input_per_1k":1,"output_per_1k":1}})");
  REQUIRE(routed.model);
  CHECK(has_error(routed.warnings, "models/r", "cost", "ignored"));
  CHECK_FALSE(routed.model->canonical.contains("cost"));
  CHECK(routed.model->targets == std::vector<std::string>{"a"});

  RowResult with_id = parse_row("provider_keys", "k", R"({"id":"other","display_name":"k","api_key":"s"})");
  REQUIRE(with_id.provider_key);
  CHECK(with_id.provider_key->id == "k");
  CHECK(has_error(with_id.warnings, "provider_keys/k", "id", "differs"));
  CHECK(parse_row("provider_keys", "k", R"({"id":"k","display_name":"k","api_key":"s"})").warnings.empty());
}

TEST_CASE("etcd scale: 10,000 models over 10,000 keys resolve each to its own key, first definition wins") {
  // An etcd store is not a hand-written file: resolving models must not scan every key per model.
  constexpr int kCount = 10000;
  Resources r;
  for (int i = 0; i < kCount; ++i) {
    const std::string n = std::to_string(i);
    RowResult key = parse_row("provider_keys", "pk-" + n,
                              R"({"display_name":"key )" + n + R"(","provider":"openai","api_base":"https://h)" + n +
                                  R"(.example.com/v1","api_key":"sk-)" + n + R"("})");
    REQUIRE(key.provider_key);
    r.provider_keys.push_back(std::move(*key.provider_key));
    // Every tenth model names a key that does not exist.
    const std::string key_id = i % 10 == 9 ? "absent-" + n : "pk-" + n;
    RowResult model =
        parse_row("models", "m-" + n,
                  R"({"display_name":"model )" + n +
                      R"(","provider":"openai","model_name":"gpt-4.1-mini","provider_key_id":")" + key_id + R"("})");
    REQUIRE(model.model);
    r.models.push_back(std::move(*model.model));
  }
  // A second key with an id already taken: the first one keeps it (as key_by_id does).
  r.provider_keys.push_back(r.provider_keys[0]);
  r.provider_keys.back().api_base = "https://second.example.com/v1";

  resolve_models(r);
  const json pub = to_public_json(r);
  REQUIRE(pub["models"].size() == static_cast<std::size_t>(kCount));
  int testable = 0, untestable_missing = 0, wrong_base = 0;
  for (int i = 0; i < kCount; ++i) {
    const json& m = pub["models"][static_cast<std::size_t>(i)];
    const bool is_testable = r.models[static_cast<std::size_t>(i)].testable;
    if (i % 10 == 9) {
      untestable_missing += !is_testable && m["provider_key"]["display_name"].is_null() ? 1 : 0;
      continue;
    }
    testable += is_testable ? 1 : 0;
    wrong_base += m["api_base"] == "https://h" + std::to_string(i) + ".example.com/v1" ? 0 : 1;
  }
  CHECK(untestable_missing == kCount / 10);
  CHECK(wrong_base == 0);
  CHECK(testable == kCount - kCount / 10);
  CHECK(pub["models"][0]["api_base"] == "https://h0.example.com/v1");
  CHECK(r.key_by_id("pk-0")->api_base == "https://h0.example.com/v1");
}

TEST_CASE("hostile input: deep, huge or odd documents give errors, not crashes") {
  json deep = json::array();
  for (int i = 0; i < 200; ++i) deep = json::array({deep});
  json doc = fixture("valid.json");
  doc["models"][0]["allowed_cidrs"] = deep;
  Resources r = load_resources_file(doc, full_env());
  CHECK_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].entry == "models[0] (gpt4o)");
  CHECK(r.errors[0].field.find("allowed_cidrs[0][0][0]") == 0);
  CHECK(r.errors[0].message.find("deeper than") != std::string::npos);

  for (const json& odd : {json(nullptr), json(5), json("text"), json::object()}) {
    Resources o = load_resources_file(odd, Env{});
    CHECK_FALSE(o.ok());
  }
  json empty_ok = {{"_format_version", "1"}};
  Resources e = load_resources_file(empty_ok, Env{});
  CHECK(e.ok());
  CHECK(to_public_json(e) == json{{"models", json::array()}});
  CHECK(parse_row("models", "m", std::string(100000, '[')).errors.size() == 1);
}

// ------------------------------------------------------- every collection, as the gateway checks it

namespace {

// A small file: `extra` (JSON members) after one key and one model, loaded with `env`.
Resources load_with(const std::string& extra, Env env = {}) {
  const std::string text = R"({"_format_version":"1",
    "provider_keys":[{"display_name":"pk","provider":"openai","api_key":"sk-own"}],
    "models":[{"display_name":"gpt-4o","provider":"openai","model_name":"gpt-4o","provider_key":"pk"}])" +
                           (extra.empty() ? "" : "," + extra) + "}";
  auto parsed = parse_json(text);
  REQUIRE_MESSAGE(parsed.value, text);
  return load_resources_file(*parsed.value, env);
}

bool refused_with(const Resources& r, const std::string& entry, const std::string& field, const std::string& fragment) {
  if (r.ok() || !r.models.empty()) return false;
  if (has_error(r.errors, entry, field, fragment)) return true;
  MESSAGE("wanted [" << entry << "|" << field << "] ~ \"" << fragment << "\"; got:\n" << all_errors(r));
  return false;
}

constexpr const char* kHash = "91ed2dbc407561556f3e7be98ba0bd2a57986d6a868c482d867d19c6d40d201c";

}  // namespace

TEST_CASE("api_keys: key_env names a set variable, or key_hash; never both, never neither") {
  const std::string grant = R"(, "allowed_models": ["gpt-4o"]}])";
  CHECK(load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER")" + grant, {{"CALLER", "sk-c"}}).ok());
  CHECK(load_with(R"("api_keys":[{"display_name":"ci","key_hash":")" + std::string(kHash) + "\"" + grant).ok());
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER")" + grant), "api_keys[0] (ci)",
                     "key_env", "`CALLER` is unset or empty"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER")" + grant, {{"CALLER", ""}}),
                     "api_keys[0] (ci)", "key_env", "unset or empty"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER")" + grant, {{"CALLER", "${X}"}}),
                     "api_keys[0] (ci)", "key_env", "uninterpolated"));
  CHECK(refused_with(
      load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER","key_hash":"ab")" + grant, {{"CALLER", "sk-c"}}),
      "api_keys[0] (ci)", "key_env", "mutually exclusive"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci")" + grant), "api_keys[0] (ci)", "key_env",
                     "required"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_hash":"ab","allowed_model_ids":[]}])"),
                     "api_keys[0] (ci)", "allowed_model_ids", "does not accept"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_hash":"ab","quota":1}])"), "api_keys[0] (ci)",
                     "quota", "unknown field"));
  // A secret in the environment never reaches a message.
  Resources env_secret = load_with(R"("api_keys":[{"display_name":"ci","key_env":"CALLER","key_hash":"x"}])",
                                   {{"CALLER", "sk-never-shown"}});
  CHECK(all_errors(env_secret).find("sk-never-shown") == std::string::npos);
}

TEST_CASE("api_keys: model and route grants name what the file defines; credentials and JWT bindings are unique") {
  CHECK(refused_with(
      load_with(R"("api_keys":[{"display_name":"ci","key_hash":"ab","allowed_models":["gpt-4o","gtp-4o"]}])"),
      "api_keys[0] (ci)", "allowed_models[1]", "unknown model \"gtp-4o\" (defined models: gpt-4o)"));
  CHECK(load_with(R"("api_keys":[{"display_name":"ci","key_hash":"ab","allowed_models":["claude-*"]}])").ok());
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"ci","key_hash":"ab","allowed_routes":["r"]}])"),
                     "api_keys[0] (ci)", "allowed_routes[0]", "unknown passthrough route \"r\""));
  // key_env is hashed first, so it collides with a key_hash of the same plaintext.
  const std::string hash = resources_detail::sha256_hex("sk-shared");
  CHECK(refused_with(
      load_with(R"("api_keys":[{"display_name":"a","key_env":"K"},{"display_name":"b","key_hash":")" + hash + "\"}]",
                {{"K", "sk-shared"}}),
      "api_keys[1] (b)", "key_hash", "duplicate api key credential"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"a","key_hash":"1","jwt_subject":"s"}])"),
                     "api_keys[0] (a)", "jwt_subject", "without jwt_provider"));
  CHECK(refused_with(load_with(R"("api_keys":[{"display_name":"a","key_hash":"1","jwt_subject":"s","jwt_provider":"p"},
                                              {"display_name":"b","key_hash":"2","jwt_subject":"s","jwt_provider":"p"}])"),
                     "api_keys[1] (b)", "jwt_subject", "duplicate jwt binding"));
}

TEST_CASE("sha256 matches the FIPS 180 test vectors") {
  CHECK(resources_detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(resources_detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(resources_detail::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(resources_detail::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("identity providers, claim mappings and MCP auth: references resolve, public URLs carry no credentials") {
  const std::string oidc = R"("oidc_providers":[{"name":"corp","issuer":"https://sso.example.com","audiences":["a"]}])";
  const std::string key = R"("api_keys":[{"display_name":"k","key_hash":"ab"}])";
  const std::string mapping =
      R"("claim_mappings":[{"name":"m","jwt_provider":"%P","match":[{"claim":"d","op":"exact","values":["x"]}],"resolve":{"api_key":"k"}}])";
  auto with_provider = [&](const std::string& p) {
    std::string m = mapping;
    m.replace(m.find("%P"), 2, p);
    return oidc + "," + key + "," + m;
  };
  CHECK(load_with(with_provider("corp")).ok());
  CHECK(refused_with(load_with(with_provider("corp-typo")), "claim_mappings[0] (m)", "jwt_provider",
                     "unknown OIDC provider \"corp-typo\""));
  CHECK(refused_with(
      load_with(oidc + "," + key +
                R"(,"claim_mappings":[{"name":"m","jwt_provider":"corp","match":[],"resolve":{"api_key":"k"}}])"),
      "claim_mappings[0] (m)", "match", "at least one"));
  CHECK(refused_with(
      load_with(
          oidc + "," + key +
          R"(,"claim_mappings":[{"name":"m","jwt_provider":"corp","match":[{"claim":"d","op":"exact","values":["x"]}],"resolve":{"api_key_id":"raw"}}])"),
      "claim_mappings[0] (m)", "resolve.api_key_id", "does not match any api key"));
  CHECK(refused_with(
      load_with(R"("oidc_providers":[{"name":"a","issuer":"https://i"},{"name":"b","issuer":"https://i"}])"),
      "oidc_providers[1] (b)", "issuer", "duplicate enabled OIDC issuer"));
  CHECK(load_with(
            R"("oidc_providers":[{"name":"a","issuer":"https://i"},{"name":"b","issuer":"https://i","enabled":false}])")
            .ok());
  CHECK(refused_with(
      load_with(R"("oidc_providers":[{"name":"a","issuer":"https://i","jwks_uri":"https://u:p@i/certs"}])"),
      "oidc_providers[0] (a)", "jwks_uri", "must not embed credentials"));
  CHECK(refused_with(load_with(R"("mcp_auth_settings":[{"resource_url":"https://gw/mcp?token=t"}])"),
                     "mcp_auth_settings[0] (mcp_auth_settings)", "resource_url", "must not embed credentials"));
  CHECK(refused_with(
      load_with(R"("mcp_auth_settings":[{"resource_url":"https://a/mcp"},{"resource_url":"https://b/mcp"}])"),
      "mcp_auth_settings[1] (mcp_auth_settings)", "", "duplicate mcp_auth_settings entry"));
  CHECK(resources_detail::url_has_credentials("https://h/x?Client_Secret=1"));
  CHECK_FALSE(resources_detail::url_has_credentials("https://h/x?tokens=1#password=2"));
}

TEST_CASE("rate-limit policies: names become ids, one form only, condition trees within the gateway's caps") {
  CHECK(
      load_with(
          R"("rate_limit_policies":[{"name":"p","scope":"model","scope_ref":"gpt-4o","window":"day","max_tokens":9}])")
          .ok());
  CHECK(refused_with(
      load_with(
          R"("rate_limit_policies":[{"name":"p","scope":"model","scope_ref":"nope","window":"minute","max_requests":1}])"),
      "rate_limit_policies[0] (p)", "scope_ref", "unknown model \"nope\""));
  CHECK(refused_with(
      load_with(
          R"("rate_limit_policies":[{"name":"p","conditions":[{"dimension":"model","operator":"in","value":["nope"]}],"limits":{"rpm":1}}])"),
      "rate_limit_policies[0] (p)", "conditions[0].value", "unknown model \"nope\""));
  CHECK(refused_with(
      load_with(R"("rate_limit_policies":[{"name":"p","scope":"team","scope_ref":"t","window":"minute"}])"),
      "rate_limit_policies[0] (p)", "max_requests", "at least one"));
  CHECK(refused_with(load_with(R"("rate_limit_policies":[{"name":"p","limits":{"rpm":1},"window":"minute"}])"),
                     "rate_limit_policies[0] (p)", "window", "legacy form"));
  CHECK(refused_with(
      load_with(
          R"("rate_limit_policies":[{"name":"p","conditions":[{"dimension":"model_name","operator":">","value":"a"}],"limits":{"rpm":1}}])"),
      "rate_limit_policies[0] (p)", "conditions[0].operator", "not supported"));
  CHECK(refused_with(
      load_with(
          R"("rate_limit_policies":[{"name":"p","conditions":[{"dimension":"provider","operator":"in","value":"openai"}],"limits":{"rpm":1}}])"),
      "rate_limit_policies[0] (p)", "conditions[0].value", "takes a list"));
  CHECK(refused_with(
      load_with(
          R"("rate_limit_policies":[{"name":"p","conditions":[{"logic":"and","children":[{"logic":"or","children":[{"logic":"and","children":[{"dimension":"provider","operator":"==","value":"x"}]}]}]}],"limits":{"rpm":1}}])"),
      "rate_limit_policies[0] (p)", "conditions[0].children[0].children[0].children[0]", "deeper than 3"));
  CHECK(
      load_with(
          R"("rate_limit_policies":[{"name":"p","conditions":[{"dimension":"model_name","operator":"~*","value":"^gpt-[45]"}],"group_by":["member"],"limits":{"rpm":1}}])")
          .ok());
}

TEST_CASE("guardrails: a closed list of kinds, each closed; attachments name what the file defines") {
  const std::string keyword =
      R"("guardrails":[{"name":"g","kind":"keyword","patterns":[{"kind":"regex","value":"x"}]}])";
  CHECK(load_with(keyword).ok());
  CHECK(refused_with(load_with(R"("guardrails":[{"name":"g","kind":"no-such-kind"}])"), "guardrails[0] (g)", "kind",
                     "not a guardrail kind"));
  CHECK(refused_with(load_with(R"("guardrails":[{"name":"g","kind":"keyword","patterns":[],"extra":1}])"),
                     "guardrails[0] (g)", "extra", "unknown field"));
  CHECK(refused_with(
      load_with(
          R"("guardrails":[{"name":"g","kind":"semantic","categories":[{"name":"c","description":"d","candidate_patterns":["x"]}],"fail_open":false}])"),
      "guardrails[0] (g)", "fail_open", "must be true"));
  CHECK(load_with(
            keyword +
            R"(,"guardrail_attachments":[{"guardrail_id":"g","scope_type":"model","scope_id":"gpt-4o","priority":1}])")
            .ok());
  CHECK(refused_with(
      load_with(
          keyword +
          R"(,"guardrail_attachments":[{"guardrail_id":"g","scope_type":"model","scope_id":"nope","priority":1}])"),
      "guardrail_attachments[0] (g/model/nope)", "scope_id", "unknown model \"nope\""));
  CHECK(refused_with(
      load_with(
          keyword +
          R"(,"guardrail_attachments":[{"guardrail_id":"g","scope_type":"env","priority":1},{"guardrail_id":"g","scope_type":"env","priority":2}])"),
      "guardrail_attachments[1] (g/env/-)", "guardrail_id", "duplicate guardrail_attachments entry"));
}

TEST_CASE("models and keys: nested objects are closed in the file and reported on etcd; newer fields accepted") {
  auto model_with = [](const std::string& members) {
    return R"("models":[{"display_name":"gpt-4o","provider":"openai","model_name":"gpt-4o","provider_key":"pk",)" +
           members + "}]";
  };
  auto file_with = [](const std::string& models) {
    auto parsed = parse_json(
        R"({"_format_version":"1","provider_keys":[{"display_name":"pk","provider":"openai","api_key":"s"}],)" +
        models + "}");
    REQUIRE(parsed.value);
    return load_resources_file(*parsed.value, Env{});
  };
  CHECK(refused_with(file_with(model_with(R"("allowed_cidrs":["10.0.0.0/8",""])")), "models[0] (gpt-4o)",
                     "allowed_cidrs[1]", "must not be empty"));
  CHECK(refused_with(file_with(model_with(R"("cooldown":{"enabled":true,"retry":1})")), "models[0] (gpt-4o)",
                     "cooldown.retry", "unknown field"));
  CHECK(refused_with(
      file_with(model_with(
          R"("background_model_check":{"enabled":true,"interval_seconds":30,"timeout_seconds":5,"max_tokens":1,"stale_after_seconds":60})")),
      "models[0] (gpt-4o)", "background_model_check.prompt", "is required"));
  CHECK(refused_with(file_with(model_with(R"("pricing_key":"p")")), "models[0] (gpt-4o)", "pricing_key",
                     "does not accept"));
  CHECK(refused_with(file_with(model_with(R"("cost":null)")), "models[0] (gpt-4o)", "cost", "not null"));
  CHECK(file_with(model_with(R"("effort_mapping":{"":"medium","*":null})")).ok());
  CHECK(refused_with(file_with(model_with(R"("effort_mapping":{"":null})")), "models[0] (gpt-4o)",
                     "effort_mapping.\"\"", "may not be null"));
  const std::string group =
      R"("models":[{"display_name":"gpt-4o","provider":"openai","model_name":"gpt-4o","provider_key":"pk"},
                                         {"display_name":"g","routing":{"targets":[{"model":"gpt-4o"%T}]}%M}])";
  auto group_with = [&](const std::string& target, const std::string& model) {
    std::string g = group;
    g.replace(g.find("%T"), 2, target);
    g.replace(g.find("%M"), 2, model);
    return g;
  };
  CHECK(file_with(group_with("", "")).ok());
  CHECK(refused_with(file_with(group_with(R"(,"weigth":2)", "")), "models[1] (g)", "routing.targets[0].weigth",
                     "unknown field"));
  CHECK(refused_with(file_with(group_with("", R"(,"cooldown":{"enabled":true})")), "models[1] (g)", "cooldown",
                     "not allowed"));
  CHECK(refused_with(file_with(group_with("", R"(,"background_model_check":{})")), "models[1] (g)",
                     "background_model_check", "not allowed"));
  // On etcd an unknown nested field is reported and the row loads; a shape violation skips it.
  RowResult nested =
      parse_row("models", "m", R"({"display_name":"g","routing":{"targets":[{"model":"a","weigth":2}]}})");
  CHECK(nested.model);
  CHECK(has_error(nested.warnings, "models/m", "routing.targets[0].weigth", "ignored"));
  RowResult shaped =
      parse_row("models", "m", R"({"display_name":"g","routing":{"targets":[{"model":"a"}]},"cooldown":{}})");
  CHECK_FALSE(shaped.model);
  RowResult cidr =
      parse_row("models", "m",
                R"({"display_name":"m","provider":"p","model_name":"x","provider_key_id":"k","allowed_cidrs":[""]})");
  CHECK_FALSE(cidr.model);
  // Provider keys: closed blocks, the newest schema's apis and resolve_address.
  auto key_with = [](const std::string& members) {
    auto parsed = parse_json(
        R"({"_format_version":"1","provider_keys":[{"display_name":"pk","provider":"anthropic","api_key":"s",)" +
        members + "}]}");
    REQUIRE(parsed.value);
    return load_resources_file(*parsed.value, Env{});
  };
  CHECK(
      key_with(
          R"("resolve_address":"10.0.0.7","apis":{"messages":{"base":"https://h/anthropic"},"responses":null},"adapter":null)")
          .ok());
  CHECK(refused_with(key_with(R"("resolve_address":"h.internal")"), "provider_keys[0] (pk)", "resolve_address",
                     "IPv4 or IPv6"));
  CHECK(refused_with(key_with(R"("request":{"param_constraints":{"top_p_max":1}})"), "provider_keys[0] (pk)",
                     "request.param_constraints.top_p_max", "unknown field"));
  CHECK(refused_with(key_with(R"("telemetry_tags":{"team":"x"})"), "provider_keys[0] (pk)", "telemetry_tags.team",
                     "unknown field"));
  CHECK(refused_with(key_with(R"("response":{"stream_done":"none"})"), "provider_keys[0] (pk)", "response.stream_done",
                     "unknown field"));
  CHECK(refused_with(key_with(R"("secret":"t")"), "provider_keys[0] (pk)", "secret", "duplicate field"));
}

TEST_CASE("testability: a key the gateway refuses with 401, or turns into an Entra token, is not tested here") {
  auto reason = [](const char* provider, const char* adapter, const char* base, const std::string& secret) {
    Resources r;
    ProviderKey key;
    key.id = "k1";
    key.display_name = "key";
    key.provider = provider;
    key.adapter = adapter;
    key.api_base = base;
    key.api_key = secret;
    r.provider_keys.push_back(key);
    Model m;
    m.id = "m1";
    m.display_name = "m";
    m.kind = "direct";
    m.provider = "p";
    m.model_name = "dep";
    m.provider_key_id = "k1";
    r.models.push_back(m);
    resolve_models(r);
    return r.models[0].testable ? std::string() : r.models[0].reason;
  };
  CHECK(reason("openai", "", "", "sk-ok") == "");
  CHECK(reason("openai", "", "", "sk-live\n-x").find("401") != std::string::npos);
  CHECK(reason("anthropic", "", "", std::string("a\x01")).find("401") != std::string::npos);
  CHECK(reason("azure", "azure-openai", "https://r.openai.azure.com", "  az-key  ") == "");
  CHECK(reason("azure", "azure-openai", "https://r.openai.azure.com", "   ").find("401") != std::string::npos);
  CHECK(reason("azure", "azure-openai", "https://r.openai.azure.com", "{\"tenant_id\":1}").find("401") !=
        std::string::npos);
  const std::string entra = reason("azure", "azure-openai", "https://r.openai.azure.com",
                                   R"({"tenant_id":"t","client_id":"c","client_secret":"s"})");
  CHECK(entra.find("Authorization: Bearer") != std::string::npos);
  CHECK(entra.find("\"s\"") == std::string::npos);
  // The gateway's own refusals of a base URL are said as such.
  CHECK(reason("deepseek", "openai", "", "sk").find("400") != std::string::npos);
  CHECK(reason("azure", "azure-openai", "https://r.openai.azure.com", "sk").find("deployment") == std::string::npos);
}

TEST_CASE("an Anthropic key's declared Messages base is where its calls go") {
  auto parsed = parse_json(R"({"_format_version":"1",
    "provider_keys":[{"display_name":"a","provider":"anthropic","api_key":"s","api_base":"https://h/openai","apis":{"messages":{"base":"https://h/anthropic/"}}},
                     {"display_name":"o","provider":"deepseek","adapter":"openai","api_key":"s","api_base":"https://h/v1","apis":{"messages":{"base":"https://h/anthropic"}}}],
    "models":[{"display_name":"c","provider":"anthropic","model_name":"claude","provider_key":"a"},
              {"display_name":"d","provider":"deepseek","model_name":"deepseek-chat","provider_key":"o"}]})");
  REQUIRE(parsed.value);
  Resources r = load_resources_file(*parsed.value, Env{});
  REQUIRE_MESSAGE(r.ok(), all_errors(r));
  const json keys = to_relay_keys_json(r);
  CHECK(keys[0]["api_base"] == "https://h/anthropic/");
  CHECK(keys[1]["api_base"] == "https://h/v1");  // an OpenAI-wire key's chat keeps api_base
  CHECK(to_canonical_rows(r)[0]["value"]["api_base"] == "https://h/openai");
}

TEST_CASE("etcd rows of the gateway's other kinds are checked leniently") {
  CHECK(parse_row("api_keys", "k", R"({"key_hash":"ab","allowed_models":["*"],"future":1})").errors.empty());
  CHECK(has_error(parse_row("api_keys", "k", R"({"key_hash":"ab","future":1})").warnings, "api_keys/k", "future",
                  "ignored"));
  CHECK(has_error(parse_row("guardrails", "g", R"({"name":"g","kind":"nope"})").errors, "guardrails/g", "kind",
                  "not a guardrail kind"));
  CHECK(has_error(parse_row("unknown_kind", "x", "{}").errors, "unknown_kind/x", "", "unknown kind"));
  CHECK(parse_row("mcp_policies", "p", R"({"anything":true})").errors.empty());
}
