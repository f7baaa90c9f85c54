// AISIX resources, the gateway's other kinds in a file: api_keys, identity providers, claim
// mappings, MCP auth, rate-limit policies, guardrails, and closed nested objects.
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
