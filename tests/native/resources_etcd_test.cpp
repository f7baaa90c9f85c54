// AISIX resources from etcd rows: canonical JSON, lenient and strict rules, scale, the
// gateway's other kinds, and hostile documents.
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

TEST_CASE("etcd rows of the gateway's other kinds are checked leniently") {
  CHECK(parse_row("api_keys", "k", R"({"key_hash":"ab","allowed_models":["*"],"future":1})").errors.empty());
  CHECK(has_error(parse_row("api_keys", "k", R"({"key_hash":"ab","future":1})").warnings, "api_keys/k", "future",
                  "ignored"));
  CHECK(has_error(parse_row("guardrails", "g", R"({"name":"g","kind":"nope"})").errors, "guardrails/g", "kind",
                  "not a guardrail kind"));
  CHECK(has_error(parse_row("unknown_kind", "x", "{}").errors, "unknown_kind/x", "", "unknown kind"));
  CHECK(parse_row("mcp_policies", "p", R"({"anything":true})").errors.empty());
}
