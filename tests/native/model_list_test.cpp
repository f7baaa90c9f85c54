// "Did you mean …?" (issue 19, step 12, item 3): where a key's model list is asked for
// (plan_model_list), what its answer holds (read_model_list: good, odd and hostile bodies),
// which names are close to a refused one (closest_models), and the model step's advice that
// names them (diagnose with modelSuggestions), its codes unchanged.
#include <doctest/doctest.h>

#include "core/diagnose/closest_models.h"
#include "core/diagnose/diagnose.h"
#include "core/provider/model_list.h"

#include <string>
#include <vector>

using namespace pg;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using Names = std::vector<std::string>;

const Names kOpenAi = {"gpt-4o-2024-08-06", "gpt-4o-2024-05-13",      "gpt-4o-mini", "gpt-4.1",  "gpt-4.1-mini",
                       "o3-mini",           "text-embedding-3-small", "dall-e-3",    "whisper-1"};
const Names kAnthropic = {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", "claude-3-5-haiku-20241022",
                          "claude-3-opus-20240229", "claude-sonnet-4-5"};
const Names kDeepSeek = {"deepseek-chat", "deepseek-reasoner"};

json not_found(const char* model_name, json suggestions) {
  json o = {
      {"status", 404},
      {"contentType", "application/json"},
      {"body",
       R"j({"error":{"message":"The model does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})j"},
      {"model", {{"provider", "openai"}, {"model_name", model_name}, {"api_base", "https://api.openai.com/v1"}}}};
  if (!suggestions.is_null()) o["modelSuggestions"] = std::move(suggestions);
  return o;
}

const Step& step(const Diagnosis& d, const char* name) {
  for (const Step& s : d.steps)
    if (s.step == name) return s;
  FAIL("no step " << name);
  return d.steps.front();
}

}  // namespace

TEST_CASE("closest_models: the issue's cases, dated suffixes, -latest, prefixes, case") {
  struct Case {
    const char* wanted;
    const Names* ids;
    Names expected_first;  // these first, in this order
  };
  const Case cases[] = {
      // A name without its date finds its dated versions (the typo'd date finds its own first).
      {"gpt-4o", &kOpenAi, {"gpt-4o-2024-08-06", "gpt-4o-2024-05-13"}},
      {"gpt-4o-2024-08-6", &kOpenAi, {"gpt-4o-2024-08-06"}},
      // -latest and a date are versions of one model.
      {"claude-3-5-sonnet", &kAnthropic, {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"}},
      // A dated name finds the other date first (closer by edits), then -latest.
      {"claude-3-5-sonnet-20240620", &kAnthropic, {"claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest"}},
      {"claude-3.5-sonnet", &kAnthropic, {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"}},
      // Typos, '_' for '-', a swapped pair, a prefix.
      {"deepseek_chat", &kDeepSeek, {"deepseek-chat"}},
      {"deepseek-caht", &kDeepSeek, {"deepseek-chat"}},
      {"deepseek-v3", &kDeepSeek, {"deepseek-chat"}},
      {"deepseek", &kDeepSeek, {"deepseek-chat", "deepseek-reasoner"}},
      {"gpt4.1", &kOpenAi, {"gpt-4.1"}},
      // Case does not count.
      {"GPT-4.1-Mini", &kOpenAi, {"gpt-4.1-mini"}},
  };
  for (const Case& c : cases) {
    const std::string wanted = c.wanted;
    CAPTURE(wanted);
    const Names got = closest_models(c.wanted, *c.ids);
    REQUIRE(got.size() >= c.expected_first.size());
    CHECK(got.size() <= kMaxSuggestions);
    for (std::size_t i = 0; i < c.expected_first.size(); ++i) CHECK(got[i] == c.expected_first[i]);
  }
}

TEST_CASE("closest_models: nothing close suggests nothing; the wanted name itself is never suggested") {
  CHECK(closest_models("llama-3.3-70b", kOpenAi).empty());
  CHECK(closest_models("mistral-large", kDeepSeek).empty());
  CHECK(closest_models("", kOpenAi).empty());
  CHECK(closest_models("   ", kOpenAi).empty());
  CHECK(closest_models("gpt-4o", {}).empty());
  CHECK(closest_models("deepseek-chat", kDeepSeek) == Names{});  // only itself is close (reasoner is not)
  CHECK(closest_models("gpt-4o-mini", {"gpt-4o-mini"}).empty());
  CHECK(closest_models("gpt-4o", kOpenAi, 1).size() == 1);
  CHECK(closest_models("gpt-4o", kOpenAi, 0).empty());
  // Repeats in the list count once.
  CHECK(closest_models("deepseek", {"deepseek-chat", "deepseek-chat", "deepseek-chat"}) == Names{"deepseek-chat"});
}

TEST_CASE("closest_models: long and many names stay bounded and answer") {
  Names many;
  for (int i = 0; i < 2000; ++i) many.push_back(std::string(200, 'a') + std::to_string(i));
  many.push_back("gpt-4o-2024-08-06");
  CHECK(closest_models("gpt-4o", many) == Names{"gpt-4o-2024-08-06"});
  CHECK(closest_models(std::string(300, 'a'), many).size() <= kMaxSuggestions);
  CHECK(closest_models("gpt-4o", {std::string(5000, 'g')}).empty());
}

TEST_CASE("read_model_list: OpenAI's list and the compatible shapes") {
  const ModelList openai = read_model_list(
      R"j({"object":"list","data":[{"id":"gpt-4o","object":"model","created":1,"owned_by":"system"},{"id":"o3-mini","object":"model"}]})j");
  REQUIRE(openai.ok);
  CHECK(openai.ids == Names{"gpt-4o", "o3-mini"});
  CHECK(openai.left_out == 0);

  // Anthropic (no "object"), Gemini's OpenAI-compatible list ("models/" prefix), Ollama's own.
  CHECK(read_model_list(
            R"j({"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude"}],"has_more":false})j")
            .ids == Names{"claude-sonnet-4-5"});
  CHECK(read_model_list(R"j({"object":"list","data":[{"id":"models/gemini-2.0-flash","object":"model"}]})j").ids ==
        Names{"gemini-2.0-flash"});
  CHECK(read_model_list(R"j({"models":[{"name":"llama3.2:latest","model":"llama3.2:latest"}]})j").ids ==
        Names{"llama3.2:latest"});
  CHECK(read_model_list(R"j({"models":[{"name":"models/gemini-1.5-pro","displayName":"Gemini"}]})j").ids ==
        Names{"gemini-1.5-pro"});
  CHECK(read_model_list(R"j([{"id":"a-model"},"b-model"])j").ids == Names{"a-model", "b-model"});
}

TEST_CASE("read_model_list: odd entries are skipped and counted, repeats kept once") {
  const ModelList l = read_model_list(
      R"j({"data":[{"id":"ok-1"},{"id":""},{"id":42},{"name":null},7,null,{"id":"bad\u0001id"},{"id":"ok-1"},{"id":"models/"},{"id":"ok-2"}]})j");
  REQUIRE(l.ok);
  CHECK(l.ids == Names{"ok-1", "ok-2"});
  CHECK(l.left_out == 7);
  const ModelList long_id =
      read_model_list(R"j({"data":[{"id":")j" + std::string(kMaxModelIdBytes + 1, 'x') + R"j("},{"id":"short"}]})j");
  CHECK(long_id.ids == Names{"short"});
}

TEST_CASE("read_model_list: anything that is not a list is a problem code, never a crash") {
  struct Bad {
    std::string body;
    const char* problem;
  };
  const Bad bad[] = {
      {"", "not_a_list"},
      {"<html><body>Not Found</body></html>", "not_a_list"},
      {"{\"data\":", "not_a_list"},
      {R"j({"error":{"message":"Incorrect API key","type":"invalid_request_error"}})j", "not_a_list"},
      {R"j({"data":{"id":"gpt-4o"}})j", "not_a_list"},
      {R"j({"data":[1,2,3]})j", "not_a_list"},
      {"\"gpt-4o\"", "not_a_list"},
      {"null", "not_a_list"},
      {R"j({"object":"list","data":[]})j", "empty"},
      {std::string(130, '[') + std::string(130, ']'), "not_a_list"},  // past the depth limit
      {"\xff\xfe{\"data\":[]}", "not_a_list"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.body.substr(0, 60));
    const ModelList l = read_model_list(b.body);
    CHECK_FALSE(l.ok);
    CHECK(l.problem == b.problem);
    CHECK(l.ids.empty());
    CHECK_FALSE(l.error.empty());
  }
  CHECK(read_model_list(std::string(kMaxModelListBytes + 1, ' ')).problem == "too_large");
}

TEST_CASE("read_model_list: a hostile list is bounded in count") {
  std::string body = "{\"data\":[";
  for (std::size_t i = 0; i < kMaxModelIds + 500; ++i)
    body += (i ? ",{\"id\":\"m" : "{\"id\":\"m") + std::to_string(i) + "\"}";
  body += "]}";
  const ModelList l = read_model_list(body);
  REQUIRE(l.ok);
  CHECK(l.ids.size() == kMaxModelIds);
  CHECK(l.left_out == 500);
  CHECK(to_json(l)["leftOut"] == 500);
}

TEST_CASE("plan_model_list: the chat call's host and key, at /models") {
  const ModelListCall openai = plan_model_list("openai", "", "https://api.openai.com/v1", "gpt-4o");
  REQUIRE(openai.ok);
  CHECK(openai.url == "https://api.openai.com/v1/models");
  CHECK(openai.auth_header == "authorization");
  CHECK(openai.auth_scheme == "Bearer ");

  const ModelListCall deepseek = plan_model_list("deepseek", "openai", "https://api.deepseek.com", "deepseek-chat");
  REQUIRE(deepseek.ok);
  CHECK(deepseek.url == "https://api.deepseek.com/models");

  const ModelListCall gemini = plan_model_list(
      "gemini", "openai", "https://generativelanguage.googleapis.com/v1beta/openai/", "gemini-2.0-flash");
  REQUIRE(gemini.ok);
  CHECK(gemini.url == "https://generativelanguage.googleapis.com/v1beta/openai/models");

  const ModelListCall anthropic = plan_model_list("anthropic", "", "https://api.anthropic.com", "claude-sonnet-4-5");
  REQUIRE(anthropic.ok);
  CHECK(anthropic.url == "https://api.anthropic.com/v1/models");
  CHECK(anthropic.auth_header == "x-api-key");
  CHECK(anthropic.auth_scheme.empty());
  REQUIRE(anthropic.headers.size() == 1);
  CHECK(anthropic.headers[0].first == "anthropic-version");

  const ModelListCall azure =
      plan_model_list("azure", "azure-openai", "https://contoso.openai.azure.com", "gpt4o-prod");
  CHECK_FALSE(azure.ok);
  CHECK(azure.problem == "not_listed");

  const ModelListCall bad = plan_model_list("openai", "", "ftp://example.com", "gpt-4o");
  CHECK_FALSE(bad.ok);
  CHECK(bad.problem == "bad_base_url");
  CHECK(to_json(bad)["problem"] == "bad_base_url");
}

TEST_CASE("diagnose: the model step's advice names the suggestions, its codes unchanged") {
  const Diagnosis plain = diagnose(not_found("gpt-4o-2024-08-6", json()));
  const Diagnosis one = diagnose(not_found("gpt-4o-2024-08-6", {{"names", {"gpt-4o-2024-08-06"}}, {"listed", 9}}));
  CHECK(one.verdict == plain.verdict);
  CHECK(step(one, "model").status == StepStatus::Fail);
  CHECK(step(one, "model").code == "model_not_found");
  CHECK(step(one, "key").status == StepStatus::Pass);
  CHECK(contains(step(one, "model").advice, "the provider serves `gpt-4o-2024-08-06` for this key; did you mean it?"));
  CHECK(contains(step(one, "model").advice, "`gpt-4o-2024-08-6`"));
  CHECK(
      contains(one.summary,
               "The model name was not found: the provider serves `gpt-4o-2024-08-06` for this key; did you mean it?"));
  CHECK_FALSE(contains(step(plain, "model").advice, "did you mean"));

  const Diagnosis three = diagnose(
      not_found("claude-3-5-sonet", {{"names", {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", "x"}}}));
  CHECK(contains(
      step(three, "model").advice,
      "`claude-3-5-sonnet-latest`, `claude-3-5-sonnet-20241022` and `x` for this key; did you mean one of them?"));

  // At most three are read, each bounded, every name still on the one line.
  const std::string long_name(200, 'n');
  const Diagnosis many =
      diagnose(not_found(std::string(80, 'm').c_str(), {{"names", {long_name, long_name + "2", "a", "b"}}}));
  const std::string& advice = step(many, "model").advice;
  CHECK(contains(advice, "did you mean one of them?"));
  CHECK_FALSE(contains(advice, "`b`"));
  CHECK(advice.size() <= 300);

  const Diagnosis none = diagnose(not_found("llama-3", {{"names", json::array()}, {"listed", 12}}));
  CHECK(contains(step(none, "model").advice, "none of the 12 models this key can list is close to it"));
}

TEST_CASE("diagnose: a list that could not be had is said, with why") {
  struct Case {
    json input;
    const char* says;
  };
  const Case cases[] = {
      {{{"unavailable", "http_error"}, {"status", 403}}, "it answered GET /models with HTTP 403"},
      {{{"unavailable", "not_a_list"}}, "its answer to GET /models is not a model list"},
      {{{"unavailable", "unreachable"}}, "the relay could not get it"},
      {{{"unavailable", "not_listed"}}, "this provider lists no models to the key"},
      {{{"unavailable", "something-new"}}, "it could not be read"},
  };
  for (const Case& c : cases) {
    const Diagnosis d = diagnose(not_found("gpt-x", c.input));
    const std::string says = c.says;
    CAPTURE(says);
    CHECK(step(d, "model").code == "model_not_found");
    CHECK(contains(step(d, "model").advice, "the provider's model list could not be had"));
    CHECK(contains(step(d, "model").advice, c.says));
  }
  // Azure's deployment step says where the deployments are.
  json azure = {
      {"status", 404},
      {"contentType", "application/json"},
      {"body",
       R"j({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})j"},
      {"model",
       {{"provider", "azure"}, {"model_name", "gpt4o-prod"}, {"api_base", "https://contoso.openai.azure.com"}}},
      {"modelSuggestions", {{"unavailable", "not_listed"}}}};
  const Diagnosis d = diagnose(azure);
  CHECK(step(d, "model").code == "deployment_not_found");
  CHECK(contains(step(d, "model").advice, "Azure lists deployments in the portal"));
}

TEST_CASE("diagnose: suggestions are redacted, ignored when the model step passed, and odd input is not read") {
  const Diagnosis secret =
      diagnose(json{{"status", 404},
                    {"contentType", "application/json"},
                    {"body", R"j({"error":{"code":"model_not_found","message":"no"}})j"},
                    {"model", {{"provider", "openai"}, {"model_name", "m"}, {"api_base", "https://x.example/v1"}}},
                    {"secrets", {"sk-live-1234567890abcdef"}},
                    {"modelSuggestions", {{"names", {"model-sk-live-1234567890abcdef"}}}}});
  CHECK_FALSE(contains(step(secret, "model").advice, "sk-live-1234567890abcdef"));
  CHECK_FALSE(contains(secret.summary, "sk-live-1234567890abcdef"));

  json ok = {
      {"status", 200},
      {"contentType", "application/json"},
      {"body",
       R"j({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})j"},
      {"model", {{"provider", "openai"}, {"model_name", "gpt-4o"}, {"api_base", "https://api.openai.com/v1"}}},
      {"modelSuggestions", {{"names", {"gpt-4o-mini"}}}}};
  const Diagnosis passed = diagnose(ok);
  CHECK(passed.verdict == "pass");
  CHECK_FALSE(contains(to_json(passed).dump(), "gpt-4o-mini"));

  for (const json& odd : {json("gpt-4o"), json(42), json::array(), json{{"names", "gpt-4o"}},
                          json{{"names", {1, nullptr, ""}}}, json{{"unavailable", 7}}}) {
    const Diagnosis d = diagnose(not_found("gpt-x", odd));
    CHECK(step(d, "model").code == "model_not_found");
    CHECK_FALSE(contains(step(d, "model").advice, "did you mean"));
  }
}
