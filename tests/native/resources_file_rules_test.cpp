// AISIX resources, the strict file loader's rules: format version, collections, fields,
// identity, secrets, ${VAR} failures, references, direct and multi-target models, cost.
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
