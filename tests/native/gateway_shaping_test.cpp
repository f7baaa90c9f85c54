// The call as the gateway shapes it (gateway_shaping.h): a key's request/response/tls blocks
// and a model's deadlines and effort_mapping, and what a playground pass does not prove.
// Rules and where they were read: docs/gateway-parity.md.
#include <doctest/doctest.h>

#include "core/resources/resources.h"
#include "core/upstream/gateway_shaping.h"

#include <string>
#include <vector>

using namespace pg;

namespace {

// A file with one model per case; `extra` adds collections.
Resources load(const json& key, const json& model, const json& extra = json::object()) {
  json doc = {{"_format_version", "1"}, {"provider_keys", json::array({key})}, {"models", json::array({model})}};
  for (auto it = extra.begin(); it != extra.end(); ++it) doc[it.key()] = it.value();
  Resources r = load_resources_file(doc, Env{{"CALLER", "sk-caller-0123456789"}});
  std::string errors;
  for (const auto& e : r.errors) errors += e.entry + " " + e.field + ": " + e.message + "\n";
  REQUIRE_MESSAGE(r.ok(), errors);
  return r;
}

json openai_key(const json& more = json::object()) {
  json k = {{"display_name", "pk"},
            {"provider", "openai"},
            {"api_base", "https://llm.example.com/v1"},
            {"api_key", "sk-live-0123456789abcdef"}};
  for (auto it = more.begin(); it != more.end(); ++it) k[it.key()] = it.value();
  return k;
}

json direct_model(const json& more = json::object()) {
  json m = {{"display_name", "m"}, {"provider", "openai"}, {"model_name", "gpt-4o"}, {"provider_key", "pk"}};
  for (auto it = more.begin(); it != more.end(); ++it) m[it.key()] = it.value();
  return m;
}

CallShaping shaping_of(const Resources& r) { return read_shaping(r.models.at(0), r.provider_keys.at(0)); }

bool has_code(const std::vector<ShapingNote>& notes, const std::string& code) {
  for (const auto& n : notes)
    if (n.code == code) return true;
  return false;
}

std::vector<std::string> codes(const std::vector<Difference>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.code);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("shaping: renames, clamps and default fields in the gateway's order") {
  const Resources r =
      load(openai_key({{"request",
                        {{"param_renames", {{"max_completion_tokens", "max_tokens"}, {"stop", "stop_sequences"}}},
                         {"param_constraints", {{"temperature_max", 1.0}, {"temperature_min", 0.2}}},
                         {"default_body_fields", {{"safe_prompt", true}, {"temperature", 0.5}}}}}}),
           direct_model());
  const CallShaping s = shaping_of(r);

  json body = {{"model", "gpt-4o"},
               {"messages", json::array()},
               {"max_completion_tokens", 100},
               {"max_tokens", 50},
               {"temperature", 1.7}};
  std::vector<ShapingNote> changes;
  shape_body(body, s, changes);
  CHECK(body["max_tokens"] == 100);  // the source wins over a value already under the target name
  CHECK_FALSE(body.contains("max_completion_tokens"));
  CHECK(body["temperature"] == 1.0);   // clamped to the max, never refused
  CHECK(body["safe_prompt"] == true);  // added: the body had none
  CHECK(has_code(changes, "param_renamed"));
  CHECK(has_code(changes, "temperature_clamped"));
  CHECK(has_code(changes, "body_field_added"));
  bool said = false;
  for (const auto& c : changes)
    said = said || c.text ==
                       "`max_completion_tokens` renamed to `max_tokens` by the key's settings (replacing the "
                       "`max_tokens` the body had)";
  CHECK(said);

  // Below the min; a default field the body already has is the caller's.
  json low = {{"temperature", 0.0}};
  changes.clear();
  shape_body(low, s, changes);
  CHECK(low["temperature"] == 0.2);
  json mine = {{"temperature", 0.3}, {"safe_prompt", false}};
  changes.clear();
  shape_body(mine, s, changes);
  CHECK(mine["temperature"] == 0.3);
  CHECK(mine["safe_prompt"] == false);
  // A temperature that is not a number is left for the upstream to refuse.
  json text = {{"temperature", "hot"}};
  shape_body(text, s, changes);
  CHECK(text["temperature"] == "hot");
}

TEST_CASE("shaping: renames run before the clamps and the defaults, which see the renamed body") {
  const Resources r = load(openai_key({{"request",
                                        {{"param_renames", {{"temperature", "temp"}}},
                                         {"param_constraints", {{"temperature_max", 1.0}}},
                                         {"default_body_fields", {{"temperature", 0.1}}}}}}),
                           direct_model());
  json body = {{"temperature", 1.5}};
  std::vector<ShapingNote> changes;
  shape_body(body, shaping_of(r), changes);
  CHECK(body["temp"] == 1.5);         // renamed away before the clamp
  CHECK(body["temperature"] == 0.1);  // then the default fills the now-empty slot
}

TEST_CASE("shaping: content_list_to_string joins text parts and drops the others, as the gateway does") {
  const Resources r = load(openai_key({{"response", {{"content_list_to_string", true}}}}), direct_model());
  json body = {{"messages",
                {{{"role", "user"},
                  {"content",
                   {{{"type", "text"}, {"text", "a"}},
                    {{"type", "image_url"}, {"image_url", {{"url", "x"}}}},
                    {{"type", "text"}, {"text", "b"}}}}},
                 {{"role", "user"}, {"content", {{{"type", "image_url"}, {"image_url", {{"url", "y"}}}}}}},
                 {{"role", "system"}, {"content", "plain"}}}}};
  std::vector<ShapingNote> changes;
  shape_body(body, shaping_of(r), changes);
  CHECK(body["messages"][0]["content"] == "ab");
  CHECK(body["messages"][1]["content"].is_array());  // image only: left as it is
  CHECK(body["messages"][2]["content"] == "plain");
  REQUIRE(has_code(changes, "content_flattened"));
  CHECK(contains(changes.back().text, "1 non-text part was dropped"));
}

TEST_CASE("shaping: a model's effort_mapping, exact entry first, then *, and \"\" for no effort") {
  const Resources r =
      load(openai_key(), direct_model({{"effort_mapping", {{"", "high"}, {"medium", nullptr}, {"*", "low"}}}}));
  const CallShaping s = shaping_of(r);
  auto mapped = [&](json body) {
    std::vector<ShapingNote> changes;
    shape_body(body, s, changes);
    return body;
  };
  CHECK(mapped(json::object())["reasoning_effort"] == "high");
  CHECK(mapped({{"reasoning_effort", nullptr}})["reasoning_effort"] == "high");
  CHECK(mapped({{"reasoning_effort", ""}})["reasoning_effort"] == "high");
  CHECK_FALSE(mapped({{"reasoning_effort", "medium"}}).contains("reasoning_effort"));
  CHECK(mapped({{"reasoning_effort", "xl"}})["reasoning_effort"] == "low");
  CHECK(mapped({{"reasoning_effort", 3}})["reasoning_effort"] == 3);  // not a string: untouched

  const Resources once = load(openai_key(), direct_model({{"effort_mapping", {{"low", "high"}, {"high", "max"}}}}));
  json body = {{"reasoning_effort", "low"}};
  std::vector<ShapingNote> changes;
  shape_body(body, shaping_of(once), changes);
  CHECK(body["reasoning_effort"] == "high");  // looked up once, never chained
}

TEST_CASE("shaping: default headers as the gateway renders them, never a credential or its own") {
  const Resources r = load(openai_key({{"request",
                                        {{"default_headers",
                                          {{"X-Static", "v1"},
                                           {"x-model", "$${model.name}/$${provider_key.name}"},
                                           {"x-req", "$${ request.id }"},
                                           {"x-team", "$${request.api_key.team_id}"},
                                           {"x-typo", "$${request.secret}"},
                                           {"Authorization", "Bearer attacker"},
                                           {"api-key", "attacker"},
                                           {"content-type", "text/plain"},
                                           {"accept-encoding", "gzip"},
                                           {"x-portkey-api-key", "pk-0123456789abcdef"}}},
                                         {"forward_client_headers", {"x-trace-*"}}}}}),
                           direct_model());
  const CallShaping s = shaping_of(r);
  std::vector<ShapingNote> changes;
  const auto headers = shape_headers(s, "req-42", false, "authorization", changes);
  auto value = [&](const std::string& name) -> std::string {
    for (const auto& h : headers)
      if (h.name == name) return h.value;
    return "(absent)";
  };
  CHECK(value("x-static") == "v1");  // lower-cased
  CHECK(value("x-model") == "m/pk");
  CHECK(value("x-req") == "req-42");
  CHECK(value("x-team") == "(absent)");  // names the caller's key: dropped, not sent blank
  CHECK(value("x-typo") == "(absent)");  // outside the vocabulary: dropped
  CHECK(value("authorization") == "(absent)");
  CHECK(value("api-key") == "(absent)");
  CHECK(value("content-type") == "(absent)");     // the gateway's own
  CHECK(value("accept-encoding") == "(absent)");  // the relay's transport
  CHECK(value("x-portkey-api-key") == "pk-0123456789abcdef");
  CHECK(has_code(changes, "caller_header_dropped"));
  CHECK(has_code(changes, "header_dropped"));
  CHECK(has_code(changes, "header_skipped"));
  CHECK(has_code(changes, "header_not_sent"));
  CHECK(has_code(changes, "client_headers_not_forwarded"));
  for (const auto& c : changes)
    CHECK_FALSE(contains(c.text, "pk-0123456789abcdef"));  // a credential's value is not said

  // On a stream the gateway sets accept itself; without one, a default accept is sent.
  const Resources acc =
      load(openai_key({{"request", {{"default_headers", {{"accept", "application/x-ndjson"}}}}}}), direct_model());
  changes.clear();
  CHECK(shape_headers(shaping_of(acc), "r", true, "authorization", changes).empty());
  CHECK(shape_headers(shaping_of(acc), "r", false, "authorization", changes).size() == 1);
  // No request id: a template naming it does not resolve.
  CHECK(shape_headers(s, "", false, "authorization", changes).size() == headers.size() - 1);
}

TEST_CASE("shaping: the public view hides credential-like values; the relay's keeps them and redacts against them") {
  const Resources r = load(
      openai_key({{"request",
                   {{"default_headers", {{"x-portkey-api-key", "pk-0123456789abcdef"}, {"x-env", "prod"}}},
                    {"default_body_fields", {{"user_token", "tok-0123456789"}, {"echo", "sk-live-0123456789abcdef"}}}}},
                  {"tls", {{"ca_cert", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}}}}),
      direct_model());
  const CallShaping s = shaping_of(r);
  const json pub = shaping_to_json(s, true, r.provider_keys[0].api_key);
  CHECK(pub["defaultHeaders"]["x-portkey-api-key"] == "***");
  CHECK(pub["defaultHeaders"]["x-env"] == "prod");
  CHECK(pub["defaultBodyFields"]["user_token"] == "***");
  CHECK_FALSE(contains(dump_json(pub), "sk-live-0123456789abcdef"));  // the key itself, wherever it was pasted
  CHECK(pub["tls"]["caCert"] == true);
  const json relay = shaping_to_json(s, false);
  CHECK(relay["defaultHeaders"]["x-portkey-api-key"] == "pk-0123456789abcdef");
  CHECK(contains(relay["tls"]["caCert"].get<std::string>(), "BEGIN CERTIFICATE"));
  const auto secrets = shaping_secrets(s);
  CHECK(std::find(secrets.begin(), secrets.end(), "pk-0123456789abcdef") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "tok-0123456789") != secrets.end());
  // A round trip through the JSON the relay holds gives the same shaping.
  json body = json::object();
  std::vector<ShapingNote> a, b;
  json body2 = body;
  shape_body(body, s, a);
  shape_body(body2, shaping_from_json(relay), b);
  CHECK(body == body2);
}

TEST_CASE("deadlines: the gateway's effective_timeouts for a model called directly") {
  auto deadlines = [](const json& model) {
    const Resources r = load(openai_key(), direct_model(model));
    return model_deadlines(shaping_of(r));
  };
  const Deadlines plain = deadlines(json::object());
  CHECK(plain.request.from == "deployment");
  CHECK_FALSE(plain.request.ms);
  CHECK(plain.stream.from == "deployment");

  const Deadlines t = deadlines({{"timeout", 1000}});
  CHECK(*t.request.ms == 1000);
  CHECK(t.request.from == "model.timeout");
  CHECK(*t.stream.ms == 1000);  // no stream_timeout: the stream budget is the timeout
  CHECK(t.stream.from == "model.timeout");

  const Deadlines st = deadlines({{"timeout", 30000}, {"stream_timeout", 2500}});
  CHECK(*st.request.ms == 30000);
  CHECK(*st.stream.ms == 2500);
  CHECK(st.stream.from == "model.stream_timeout");

  const Deadlines zero = deadlines({{"timeout", 0}, {"stream_timeout", 0}});
  CHECK(zero.request.from == "none");  // 0 disables and stops the chain
  CHECK(zero.stream.from == "none");   // stream_timeout 0 defers to timeout, which is none
  const Deadlines only_stream = deadlines({{"timeout", 0}, {"stream_timeout", 700}});
  CHECK(*only_stream.stream.ms == 700);
  CHECK(only_stream.request.from == "none");
}

TEST_CASE("the plan's gateway part: answer reading as data, deadlines, TLS, what the key changes") {
  const Resources r =
      load(openai_key({{"api_base", "https://llm.example.com/v1"},
                       {"response", {{"reasoning_field", "delta.reasoning"}, {"stream_done_marker", "required"}}},
                       {"tls", {{"ca_cert", "not a pem"}, {"verify", false}}},
                       {"request", {{"param_renames", {{"max_completion_tokens", "max_tokens"}}}}}}),
           direct_model({{"timeout", 1000}}));
  const CallShaping s = shaping_of(r);
  const UpstreamPlan plan = plan_chat_call("openai", "", "https://llm.example.com/v1", "gpt-4o");
  const json g = gateway_plan_json(s, plan);
  CHECK(g["answerReading"] ==
        json{{"reasoningField", "delta.reasoning"}, {"streamDoneMarker", "required"}, {"contentListToString", false}});
  CHECK(g["deadlines"]["request"] == json{{"ms", 1000}, {"from", "model.timeout"}});
  CHECK(g["tls"]["verify"] == false);
  std::string text;
  for (const auto& n : g["shaping"]) text += n["code"].get<std::string>() + ": " + n["text"].get<std::string>() + "\n";
  CHECK(contains(text, "param_renames: the key renames `max_completion_tokens` to `max_tokens`"));
  CHECK(contains(text, "tls_ca_cert: the key's tls.ca_cert holds no CERTIFICATE block: the gateway ignores it"));
  CHECK(contains(text, "tls_verify_off"));
  CHECK(contains(text, "gives up after 1 s (the model's `timeout`, for the whole call)"));
  // Nothing configured: nothing said.
  const Resources plain = load(openai_key(), direct_model());
  const json none = gateway_plan_json(shaping_of(plain), plan);
  CHECK(none["shaping"].empty());
  CHECK(none["tls"].is_null());
  CHECK(none["answerReading"]["reasoningField"].is_null());
}

TEST_CASE("differences: only those the configuration makes real") {
  const Resources plain = load(openai_key(), direct_model());
  CHECK(differences_for(plain.models[0], plain.provider_keys[0], plain).empty());

  const Resources anthropic =
      load({{"display_name", "pk"}, {"provider", "anthropic"}, {"api_key", "sk-ant-0123456789"}},
           direct_model({{"provider", "anthropic"},
                         {"model_name", "claude-sonnet-4-5"},
                         {"auto_prompt_caching", {{"enabled", true}}}}));
  const auto a = differences_for(anthropic.models[0], anthropic.provider_keys[0], anthropic);
  CHECK(codes(a) == std::vector<std::string>{"anthropic_messages_api", "prompt_caching_not_applied"});
  CHECK(contains(a[0].text, "https://api.anthropic.com/v1/messages"));

  const json extra = {
      {"api_keys",
       {{{"display_name", "ci"}, {"key_env", "CALLER"}, {"allowed_models", {"m"}}, {"rate_limit", {{"rpm", 10}}}},
        {{"display_name", "other"}, {"key_hash", std::string(64, 'a')}, {"allowed_models", json::array()}}}},
      {"rate_limit_policies",
       {{{"name", "per-model"}, {"scope", "model"}, {"scope_ref", "m"}, {"window", "minute"}, {"max_requests", 5}}}},
      {"guardrails",
       {{{"name", "no-pii"}, {"kind", "keyword"}, {"patterns", {{{"kind", "literal"}, {"value", "ssn"}}}}}}},
      {"cache_policies",
       {{{"name", "c"}, {"applies_to", "model:m"}}, {{"name", "elsewhere"}, {"applies_to", "model:other"}}}}};
  const Resources busy = load(openai_key({{"request",
                                           {{"forward_client_headers", {"x-trace-*"}},
                                            {"default_headers", {{"x-team", "$${request.api_key.team_id}"}}}}},
                                          {"tls", {{"verify", false}}}}),
                              direct_model({{"retries", 2},
                                            {"cooldown", {{"enabled", true}}},
                                            {"allowed_cidrs", {"10.0.0.0/8"}},
                                            {"rate_limit", {{"rpm", 60}}}}),
                              extra);
  const auto d = differences_for(busy.models[0], busy.provider_keys[0], busy);
  CHECK(codes(d) == std::vector<std::string>{"caller_key_not_checked", "rate_limits_not_applied", "guardrails_not_run",
                                             "cache_not_used", "retries_not_exercised", "cooldown_not_exercised",
                                             "client_ip_not_checked", "client_headers_not_forwarded",
                                             "caller_header_dropped", "tls_verify_off"});
  CHECK(contains(d[0].text, "1 of the 2 caller keys may call this model"));
  CHECK(contains(d[1].text, "the model's own rate_limit, the rate_limit of 1 caller key and the policies `per-model`"));
  CHECK(contains(d[2].text, "`no-pii`"));
  CHECK(contains(d[3].text, "`c`"));
  CHECK_FALSE(contains(d[3].text, "elsewhere"));
  for (const auto& x : d) {
    bool known = false;
    for (const char* code : kDifferenceCodes) known = known || x.code == code;
    CHECK_MESSAGE(known, x.code);
  }
}

TEST_CASE("an Azure key holding Entra ID client credentials is not testable, and never sent as api-key") {
  const Resources r = load({{"display_name", "pk"},
                            {"provider", "azure"},
                            {"adapter", "azure-openai"},
                            {"api_base", "https://myres.openai.azure.com"},
                            {"api_key", R"({"tenant_id":"t","client_id":"c","client_secret":"s3cr3t-value"})"}},
                           direct_model({{"provider", "azure"}, {"model_name", "gpt-4o"}}));
  const Model& m = r.models.at(0);
  CHECK_FALSE(m.testable);
  CHECK(contains(m.reason, "Entra ID client credentials"));
  CHECK(contains(m.reason, "Authorization: Bearer"));
  CHECK_FALSE(contains(m.reason, "s3cr3t-value"));
  CHECK_FALSE(contains(dump_json(to_public_json(r)), "s3cr3t-value"));
}

TEST_CASE(
    "forward_jwt_header (the newer gateway): a key with it loads, its slot is checked, and a pass says no JWT was "
    "relayed") {
  const Resources r = load(openai_key({{"request", {{"forward_jwt_header", "x-user-jwt"}}}}), direct_model());
  CHECK(shaping_of(r).forward_jwt_header == "x-user-jwt");
  CHECK(codes(differences_for(r.models[0], r.provider_keys[0], r)) ==
        std::vector<std::string>{"caller_jwt_not_forwarded"});
  // authorization is the point of the field (an internal service keeps reading it).
  load(openai_key({{"request", {{"forward_jwt_header", "authorization"}}}}), direct_model());

  // Refused as the gateway's schema refuses them: upper case, a slot describing the message,
  // the gateway's own namespace, not a header name at all.
  for (const char* slot : {"X-User-Jwt", "host", "content-length", "mcp-session-id", "x-aisix-request-id", "a b", ""}) {
    json doc = {{"_format_version", "1"},
                {"provider_keys", json::array({openai_key({{"request", {{"forward_jwt_header", slot}}}})})},
                {"models", json::array({direct_model()})}};
    const Resources bad = load_resources_file(doc, Env{});
    CHECK_MESSAGE(!bad.ok(), slot);
    bool named = false;
    for (const auto& e : bad.errors) named = named || e.field.find("forward_jwt_header") != std::string::npos;
    CHECK_MESSAGE(named, slot);
  }
}
