// core.upstream: plan_chat_call for the OpenAI family, Anthropic, Azure deployments and
// unsupported protocols, with the gateway's refusals; to_json shapes.
#include <doctest/doctest.h>

#include "support/upstream.h"

#include "core/upstream/upstream.h"

#include <string>
#include <vector>

using namespace pg;

namespace {

struct PlanCase {
  const char* provider;
  const char* adapter;
  const char* base;
  const char* model;
  const char* url;
  const char* note;  // a note that must be present (nullptr: no notes)
};

void check_plans(const std::vector<PlanCase>& cases, const char* header, const char* scheme) {
  for (const auto& c : cases) {
    CAPTURE(c.provider);
    CAPTURE(c.adapter);
    CAPTURE(c.base);
    UpstreamPlan p = plan_chat_call(c.provider, c.adapter, c.base, c.model);
    REQUIRE(p.ok);
    CHECK(p.error.empty());
    CHECK(p.url == c.url);
    CHECK(p.auth_header == header);
    CHECK(p.auth_scheme == scheme);
    if (c.note)
      CHECK(any_note_contains(p.notes, c.note));
    else
      CHECK(p.notes.empty());
  }
}

}  // namespace

TEST_CASE("plan_chat_call: OpenAI family") {
  check_plans(
      {
          {"openai", "", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          {"", "openai", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          // The gateway lower-cases and trims the vendor before choosing the default.
          {"OpenAI", "openai", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          {" openai ", "openai", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          {"openai", "", "https://api.openai.com/v1", "gpt-4o", "https://api.openai.com/v1/chat/completions", nullptr},
          {"openai", "", "https://api.openai.com", "gpt-4o", "https://api.openai.com/v1/chat/completions", "added /v1"},
          {"openai", "", "https://api.openai.com/", "gpt-4o", "https://api.openai.com/v1/chat/completions",
           "added /v1"},
          {"openai", "", "http://api.openai.com", "gpt-4o", "http://api.openai.com/v1/chat/completions", "added /v1"},
          // /v1 only for exactly those strings: not another case, not an explicit port.
          {"openai", "", "https://api.openai.com:443", "m", "https://api.openai.com/chat/completions", nullptr},
          {"openai", "", "HTTPS://API.OPENAI.COM", "m", "https://api.openai.com/chat/completions", nullptr},
          {"openai", "", "https://api.openai.com/v1/chat/completions", "gpt-4o",
           "https://api.openai.com/v1/chat/completions", "removed /chat/completions"},
          {"openai", "", "https://api.openai.com/v1/audio/speech", "gpt-4o",
           "https://api.openai.com/v1/chat/completions", "removed /audio/speech"},
          {"openai", "", "https://api.openai.com/chat/completions", "gpt-4o",
           "https://api.openai.com/v1/chat/completions", "added /v1"},
          // Only the exact OpenAI host gets /v1; other bare hosts are used as given, as the
          // gateway's chat bridge does.
          {"deepseek", "openai", "https://api.deepseek.com", "deepseek-chat",
           "https://api.deepseek.com/chat/completions", nullptr},
          {"google", "openai", "https://generativelanguage.googleapis.com/v1beta/openai/", "gemini-2.5-flash",
           "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", nullptr},
          {"openrouter", "openai", "https://openrouter.ai/api/v1", "openai/gpt-4o",
           "https://openrouter.ai/api/v1/chat/completions", nullptr},
          {"ollama", "openai", "http://localhost:11434/v1", "llama3", "http://localhost:11434/v1/chat/completions",
           nullptr},
          // Cohere's OpenAI-compatible surface lives under the host root's /compatibility/v1.
          {"cohere", "openai", "https://api.cohere.com", "command-r",
           "https://api.cohere.com/compatibility/v1/chat/completions", "compatibility"},
          {"Cohere", "openai", "https://api.cohere.com/v2/", "command-r",
           "https://api.cohere.com/compatibility/v1/chat/completions", "compatibility"},
          {"cohere", "openai", "https://api.cohere.com/compatibility/v1", "command-r",
           "https://api.cohere.com/compatibility/v1/chat/completions", nullptr},
          // The exact provider decides, whatever the adapter says.
          {"openai", "azure-openai", "https://api.openai.com/v1", "m", "https://api.openai.com/v1/chat/completions",
           nullptr},
      },
      "authorization", "Bearer ");
  for (const char* provider : {"deepseek", "azure", "byo", "cohere", "OpenRouter", " groq "}) {
    CAPTURE(provider);
    UpstreamPlan p = plan_chat_call(provider, "openai", "", "m");
    CHECK_FALSE(p.ok);
    CHECK(contains(p.error, "needs an api_base"));
    CHECK(p.protocol == WireProtocol::OpenAI);
    CHECK(p.gateway_outcome == GatewayOutcome::ConfigError);
    CHECK(p.gateway_url.empty());
  }
  UpstreamPlan creds = plan_chat_call("openai", "", "https://u:sk-live-123@api.openai.com/v1", "m");
  CHECK_FALSE(creds.ok);
  CHECK(contains(creds.error, "credentials"));
  CHECK_FALSE(contains(creds.error, "sk-live-123"));
  // The gateway's HTTP client moves user info into a header the key's Bearer replaces.
  CHECK(creds.gateway_outcome == GatewayOutcome::Dispatch);
  CHECK(creds.gateway_url == "https://api.openai.com/v1/chat/completions");
  CHECK(contains(plan_chat_call("openai", "", "ftp://x", "m").error, "ftp"));
  CHECK(plan_chat_call("openai", "", "ftp://x", "m").gateway_outcome == GatewayOutcome::ConfigError);
}

TEST_CASE("plan_chat_call: the gateway's refusals and wrong calls are predicted") {
  // No scheme: a configuration error at the gateway, not a quiet https://.
  for (const char* base : {"api.example.com/v1", "  api.openai.com  ", "//api.x.ai/v1", "ht tp://not a url/v1"}) {
    CAPTURE(base);
    UpstreamPlan p = plan_chat_call("openai", "openai", base, "m");
    CHECK_FALSE(p.ok);
    CHECK(p.gateway_outcome == GatewayOutcome::ConfigError);
  }
  // /responses is kept by the gateway: it calls …/responses/chat/completions, which fails.
  UpstreamPlan responses = plan_chat_call("openai", "openai", "https://llm.example.com/v1/responses", "m");
  REQUIRE(responses.ok);
  CHECK(responses.gateway_outcome == GatewayOutcome::Misrouted);
  CHECK(responses.gateway_url == "https://llm.example.com/v1/responses/chat/completions");
  CHECK(responses.url == responses.gateway_url);
  CHECK(any_note_contains(responses.notes, "fails"));
  // A query swallows the endpoint: predicted, not called (a query may hold a key).
  UpstreamPlan query = plan_chat_call("openai", "openai", "https://llm.example.com/v1?api-version=1", "m");
  CHECK_FALSE(query.ok);
  CHECK(query.gateway_outcome == GatewayOutcome::Misrouted);
  CHECK(query.gateway_url == "https://llm.example.com/v1?api-version=1/chat/completions");
  CHECK(contains(query.error, "swallows"));
  CHECK_FALSE(contains(query.error, "api-version=1"));
  // An Anthropic key with OpenAI's endpoint pasted: the gateway appends /v1/messages to it.
  UpstreamPlan pasted = plan_chat_call("anthropic", "anthropic", "https://api.anthropic.com/v1/chat/completions", "m");
  REQUIRE(pasted.ok);
  CHECK(pasted.gateway_outcome == GatewayOutcome::Misrouted);
  CHECK(pasted.gateway_url == "https://api.anthropic.com/v1/chat/completions/v1/messages");
  CHECK(pasted.url == "https://api.anthropic.com/v1/chat/completions/v1/chat/completions");
  CHECK(any_note_contains(pasted.notes, "https://api.anthropic.com"));
  CHECK(any_note_contains(pasted.notes, "fails"));
  // The gateway's URL as its HTTP client writes it.
  CHECK(plan_chat_call("openai", "", "https://API.example.com:443/v1", "m").gateway_url ==
        "https://api.example.com/v1/chat/completions");
  UpstreamPlan spaced = plan_chat_call("openai", "", "https://h.example/a b", "m");
  CHECK_FALSE(spaced.ok);                                     // the playground does not call it…
  CHECK(spaced.gateway_outcome == GatewayOutcome::Dispatch);  // …but the gateway does
  CHECK(spaced.gateway_url == "https://h.example/a%20b/chat/completions");
  CHECK(plan_chat_call("openai", "", "https://h.example/v1/../v2", "m").gateway_url ==
        "https://h.example/v2/chat/completions");
}

TEST_CASE("plan_chat_call: Anthropic through its OpenAI-compatible endpoint") {
  check_plans(
      {
          {"anthropic", "", "", "claude-sonnet-4-5", "https://api.anthropic.com/v1/chat/completions", "no api_base"},
          {"", "anthropic", "", "claude-sonnet-4-5", "https://api.anthropic.com/v1/chat/completions", "no api_base"},
          {"anthropic", "", "https://api.anthropic.com", "m", "https://api.anthropic.com/v1/chat/completions", nullptr},
          {"anthropic", "", "https://api.anthropic.com/v1/", "m", "https://api.anthropic.com/v1/chat/completions",
           nullptr},
          {"anthropic", "", "https://api.anthropic.com/v1/messages/", "m",
           "https://api.anthropic.com/v1/chat/completions", "native Messages API"},
          {"claude-proxy", "anthropic", "https://proxy.example.com/anthropic/v1", "m",
           "https://proxy.example.com/anthropic/v1/chat/completions", "not api.anthropic.com"},
      },
      "authorization", "Bearer ");
  UpstreamPlan gw = plan_chat_call("anthropic", "", "https://proxy.example.com/v1/messages", "m");
  CHECK(gw.gateway_outcome == GatewayOutcome::Dispatch);
  CHECK(gw.gateway_url == "https://proxy.example.com/v1/messages");
  for (const char* provider : {"claude-proxy", "Bedrock-Anthropic", " vertex-anthropic "}) {
    CAPTURE(provider);
    UpstreamPlan p = plan_chat_call(provider, "anthropic", "", "m");
    CHECK_FALSE(p.ok);
    CHECK(contains(p.error, "needs an api_base"));
    CHECK(p.protocol == WireProtocol::Anthropic);
    CHECK(p.gateway_outcome == GatewayOutcome::ConfigError);
  }
  CHECK(plan_chat_call("anthropic", "", "api.anthropic.com", "m").gateway_outcome == GatewayOutcome::ConfigError);
}

TEST_CASE("plan_chat_call: Azure OpenAI deployment URLs") {
  const std::string q = "/chat/completions?api-version=" + std::string(kAzureApiVersion);
  const std::string deployment = "https://myres.openai.azure.com/openai/deployments/";
  const std::string gpt = deployment + "gpt-4o-prod" + q;
  check_plans(
      {
          {"azure", "azure-openai", "https://myres.openai.azure.com", "gpt-4o-prod", gpt.c_str(), nullptr},
          {"azure", "azure-openai", "https://myres.openai.azure.com/", "gpt-4o-prod", gpt.c_str(), nullptr},
          {"azure", "azure-openai", "myres", "gpt-4o-prod", gpt.c_str(), "resource name"},
          {"azure", "azure-openai", " MyRes ", "gpt-4o-prod", gpt.c_str(), "resource name"},
          {"", "azure-openai", "https://MYRES.openai.azure.com", "gpt-4o-prod", gpt.c_str(), nullptr},
          // A pasted /openai… path on the canonical host is dropped, as the gateway does.
          {"azure", "azure-openai", "https://myres.openai.azure.com/openai/deployments/x/chat/completions",
           "gpt-4o-prod", gpt.c_str(), "keeps only the resource"},
          {"azure", "azure-openai", "https://myres.openai.azure.com/openai", "gpt-4o-prod", gpt.c_str(),
           "keeps only the resource"},
          {"azure", "azure-openai", "http://myres.openai.azure.com", "gpt-4o-prod", gpt.c_str(), "https"},
      },
      "api-key", "");
  std::string apim = "https://apim.example.com/aoai/openai/deployments/d" + q;
  std::string mock = "http://mock-llm:8000/openai/deployments/under_score" + q;
  check_plans(
      {
          // Any other root is used verbatim, like the gateway's override.
          {"azure", "azure-openai", "https://apim.example.com/aoai/", "d", apim.c_str(), nullptr},
          {"azure", "azure-openai", "http://mock-llm:8000", "under_score", mock.c_str(), nullptr},
      },
      "api-key", "");
  CHECK(plan_chat_call("azure", "azure-openai", "https://myres.openai.azure.com", "d").gateway_url ==
        deployment + "d" + q);

  const Refusal refusals[] = {
      {"", "needs an api_base", nullptr},
      {"   ", "needs an api_base", nullptr},
      {"https://myres.openai.azure.com?api-version=2024-10-21", "query string", nullptr},
      {"https://proxy.example.com#frag", "fragment", nullptr},
      {"https://key:s3cr3t@proxy.example.com", "user info", "s3cr3t"},
      {"https://key:s3cr3t@myres.openai.azure.com", "no user info", "s3cr3t"},
      {"myres.openai.azure.com", "Azure resource name", nullptr},
      {"ftp://myres.openai.azure.com", "Azure resource name", nullptr},
      {"myres?evil=1", "Azure resource name", nullptr},
      {"HTTPS://myres.openai.azure.com", "lower case", nullptr},
  };
  for (const auto& r : refusals) {
    CAPTURE(r.base);
    UpstreamPlan p = plan_chat_call("azure", "azure-openai", r.base, "gpt-4o");
    CHECK_FALSE(p.ok);
    CHECK(p.url.empty());
    CHECK(contains(p.error, r.says));
    if (r.secret) CHECK_FALSE(contains(p.error, r.secret));
    CHECK(p.protocol == WireProtocol::AzureOpenAI);
    CHECK(p.gateway_outcome == GatewayOutcome::ConfigError);
  }
  // Deployment names: [A-Za-z0-9_-] only, as the gateway checks them.
  for (const char* name : {"", "..", ".", "gpt-4.1", "foo/bar", "foo?api-version=evil", "foo#bar", "my deployment"}) {
    CAPTURE(name);
    UpstreamPlan p = plan_chat_call("azure", "azure-openai", "myres", name);
    CHECK_FALSE(p.ok);
    CHECK(contains(p.error, "deployment name"));
    CHECK(p.gateway_outcome == GatewayOutcome::ConfigError);
  }
  // A non-canonical root that already holds the Azure path: the gateway appends it again.
  UpstreamPlan doubled = plan_chat_call("azure", "azure-openai", "https://proxy.example.com/openai/deployments/x", "d");
  REQUIRE(doubled.ok);
  CHECK(doubled.gateway_outcome == GatewayOutcome::Misrouted);
  CHECK(doubled.gateway_url == "https://proxy.example.com/openai/deployments/x/openai/deployments/d" + q);
  CHECK(any_note_contains(doubled.notes, "fails"));
}

TEST_CASE("plan_chat_call: unsupported protocols are refused with the reason") {
  UpstreamPlan bedrock = plan_chat_call("bedrock", "bedrock", "", "anthropic.claude-3");
  CHECK_FALSE(bedrock.ok);
  CHECK(bedrock.gateway_outcome == GatewayOutcome::OtherProtocol);
  CHECK(bedrock.protocol == WireProtocol::Unsupported);
  CHECK(contains(bedrock.error, "\"bedrock\""));
  CHECK(contains(bedrock.error, "OpenAI-compatible"));
  CHECK(contains(bedrock.error, "own API"));
  UpstreamPlan vertex = plan_chat_call("google", "vertex", "https://x.example", "gemini");
  CHECK(contains(vertex.error, "\"google\""));
  CHECK(contains(vertex.error, "\"vertex\""));
  UpstreamPlan nothing = plan_chat_call("", "", "https://api.deepseek.com", "m");
  CHECK(contains(nothing.error, "(none)"));
  CHECK(nothing.gateway_outcome == GatewayOutcome::NoRoute);
  CHECK(plan_chat_call("OpenAI", "", "https://api.openai.com/v1", "m").gateway_outcome == GatewayOutcome::NoRoute);
  CHECK(contains(nothing.error, "set adapter"));
  UpstreamPlan deepseek = plan_chat_call("deepseek", "", "https://api.deepseek.com", "m");
  CHECK(contains(deepseek.error, "\"deepseek\""));
  CHECK(contains(deepseek.error, "set adapter"));
  // Long provider strings are cut in the message.
  UpstreamPlan long_name = plan_chat_call(std::string(5000, 'p'), "", "", "m");
  CHECK(long_name.error.size() < 600);
}

TEST_CASE("upstream: to_json shapes") {
  json ok = to_json(upstream_url("https://api.x.ai/v1/", "/chat/completions"));
  CHECK(ok == json{{"ok", true}, {"url", "https://api.x.ai/v1/chat/completions"}, {"notes", json::array()}});
  json bad = to_json(upstream_url("ftp://x", "/chat/completions"));
  CHECK(bad["ok"] == false);
  CHECK(bad["error"].is_string());
  CHECK(bad.size() == 2);

  json plan = to_json(plan_chat_call("azure", "azure-openai", "myres", "d"));
  CHECK(plan["ok"] == true);
  CHECK(plan["authHeader"] == "api-key");
  CHECK(plan["authScheme"] == "");
  CHECK(plan["protocol"] == "azure-openai");
  CHECK(plan["notes"].is_array());
  CHECK(plan["url"] == "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21");
  CHECK(plan["gatewayOutcome"] == "dispatch");
  CHECK(plan["gatewayUrl"] == plan["url"]);
  json refused = to_json(plan_chat_call("bedrock", "bedrock", "", "m"));
  CHECK(refused["ok"] == false);
  CHECK(refused["protocol"] == "unsupported");
  CHECK(refused["error"].is_string());
  CHECK(refused["gatewayOutcome"] == "other_protocol");
  CHECK_FALSE(refused.contains("url"));
  CHECK_FALSE(refused.contains("gatewayUrl"));
}
