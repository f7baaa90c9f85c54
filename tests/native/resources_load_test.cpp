// AISIX resources, a valid file: keys and models with derived ids, testability, the
// public/canonical views (docs/gateway-parity.md) and relay keys.
#include <doctest/doctest.h>

#include "support/resources.h"

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
