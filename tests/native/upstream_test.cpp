#include <doctest/doctest.h>

#include "core/upstream.h"

#include <string>
#include <vector>

using namespace pg;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_note_contains(const std::vector<std::string>& notes, const std::string& part) {
  for (const auto& n : notes)
    if (contains(n, part)) return true;
  return false;
}

struct UrlCase {
  const char* base;
  const char* url;       // expected URL for path "/chat/completions"
  const char* note;      // a note that must be present (nullptr: no notes at all)
};

struct Refusal {
  const char* base;
  const char* says;      // the error must contain this
  const char* secret;    // and must not contain this (nullptr: nothing to hide)
};

}  // namespace

TEST_CASE("upstream_url: real provider bases join with /chat/completions") {
  const UrlCase cases[] = {
      {"https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions", nullptr},
      {"https://api.openai.com", "https://api.openai.com/chat/completions", nullptr},  // /v1 is plan_chat_call's
      {"https://api.deepseek.com", "https://api.deepseek.com/chat/completions", nullptr},
      {"https://api.anthropic.com/v1/", "https://api.anthropic.com/v1/chat/completions", nullptr},
      {"https://generativelanguage.googleapis.com/v1beta/openai/",
       "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", nullptr},
      {"http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions", nullptr},
      {"https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/chat/completions", nullptr},
      {"https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1/chat/completions", nullptr},
      {"http://vllm_server:8000/v1", "http://vllm_server:8000/v1/chat/completions", nullptr},
  };
  for (const auto& c : cases) {
    CAPTURE(c.base);
    UrlResult r = upstream_url(c.base, "/chat/completions");
    REQUIRE(r.ok);
    CHECK(r.url == c.url);
    CHECK(r.error.empty());
    if (c.note) CHECK(any_note_contains(r.notes, c.note));
    else CHECK(r.notes.empty());
  }
}

TEST_CASE("upstream_url: normalisations, each with its note") {
  const UrlCase cases[] = {
      {"https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1/chat/completions", "removed /chat/completions"},
      {"https://api.openai.com/v1/chat/completions/", "https://api.openai.com/v1/chat/completions", "removed /chat/completions"},
      {"https://api.openai.com/v1/completions", "https://api.openai.com/v1/chat/completions", "removed /completions"},
      {"https://api.openai.com/v1/embeddings", "https://api.openai.com/v1/chat/completions", "removed /embeddings"},
      {"https://api.openai.com/v1/responses", "https://api.openai.com/v1/chat/completions", "removed /responses"},
      {"https://h.example/chat/completions", "https://h.example/chat/completions", "removed /chat/completions"},
      // Only one pasted endpoint is removed, and only the OpenAI family's.
      {"https://h.example/v1/chat/completions/chat/completions",
       "https://h.example/v1/chat/completions/chat/completions", "removed /chat/completions"},
      {"  api.x.ai/v1  ", "https://api.x.ai/v1/chat/completions", "added https://"},
      {"\t\nhttps://api.x.ai/v1\r\n", "https://api.x.ai/v1/chat/completions", nullptr},
      {"localhost:11434/v1", "https://localhost:11434/v1/chat/completions", "added https://"},
      {"//api.x.ai/v1", "https://api.x.ai/v1/chat/completions", "added https:"},
      {"https://api.openai.com./v1", "https://api.openai.com/v1/chat/completions", "trailing dot"},
      {"http://2130706433/v1", "http://127.0.0.1/v1/chat/completions", "127.0.0.1"},
      {"http://0x7f.1:8000", "http://127.0.0.1:8000/chat/completions", "127.0.0.1"},
      {"http://0177.0.0.1", "http://127.0.0.1/chat/completions", "127.0.0.1"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.base);
    UrlResult r = upstream_url(c.base, "/chat/completions");
    REQUIRE(r.ok);
    CHECK(r.url == c.url);
    if (c.note) CHECK(any_note_contains(r.notes, c.note));
    else CHECK(r.notes.empty());
  }
}

TEST_CASE("upstream_url: silent canonical forms (case, slashes, default ports, IPv6)") {
  const UrlCase cases[] = {
      {"HTTPS://API.X.AI/V1", "https://api.x.ai/V1/chat/completions", nullptr},  // path case kept
      {"https://api.x.ai/v1///", "https://api.x.ai/v1/chat/completions", nullptr},
      {"https://api.x.ai/", "https://api.x.ai/chat/completions", nullptr},
      {"https://api.x.ai:443/v1", "https://api.x.ai/v1/chat/completions", nullptr},
      {"http://api.x.ai:80/v1", "http://api.x.ai/v1/chat/completions", nullptr},
      {"http://api.x.ai:443/v1", "http://api.x.ai:443/v1/chat/completions", nullptr},
      {"https://api.x.ai:8443/v1", "https://api.x.ai:8443/v1/chat/completions", nullptr},
      {"https://api.x.ai:08080/v1", "https://api.x.ai:8080/v1/chat/completions", nullptr},
      {"https://api.x.ai:65535", "https://api.x.ai:65535/chat/completions", nullptr},
      {"https://api.x.ai:1", "https://api.x.ai:1/chat/completions", nullptr},
      {"http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/chat/completions", nullptr},
      {"http://[::1]:8000/v1", "http://[::1]:8000/v1/chat/completions", nullptr},
      {"http://[0:0:0:0:0:0:0:1]/v1", "http://[::1]/v1/chat/completions", nullptr},
      {"http://[FD00:EC2::254]", "http://[fd00:ec2::254]/chat/completions", nullptr},
      {"https://h.example/a%20b/v1", "https://h.example/a%20b/v1/chat/completions", nullptr},  // %-encoding kept
      {"https://h.example/v1/messages", "https://h.example/v1/messages/chat/completions", nullptr},
      {"https://h.example/v1/...", "https://h.example/v1/.../chat/completions", nullptr},
      {"https://h.example/v1/@x", "https://h.example/v1/@x/chat/completions", nullptr},  // '@' in the path is not user info
  };
  for (const auto& c : cases) {
    CAPTURE(c.base);
    UrlResult r = upstream_url(c.base, "/chat/completions");
    REQUIRE(r.ok);
    CHECK(r.url == c.url);
    CHECK(r.notes.empty());
  }
}

TEST_CASE("upstream_url: host name rules") {
  std::string label63(63, 'a');
  std::string label64(64, 'a');
  // 4 labels of 63 + 3 dots = 255 > 253; 3 of 63 + one of 61 = 253.
  std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  std::string name254 = label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b');
  CHECK(upstream_url("https://" + label63 + ".example", "").ok);
  CHECK(upstream_url("https://" + name253, "").ok);
  CHECK(upstream_url("https://_internal.svc", "").ok);
  CHECK(upstream_url("https://a-b.c-d", "").ok);
  CHECK(upstream_url("https://123.example.com", "").ok);  // numeric labels are fine unless last
  CHECK(contains(upstream_url("https://" + label64 + ".example", "").error, "63"));
  CHECK(contains(upstream_url("https://" + name254, "").error, "253"));
  CHECK(contains(upstream_url("https://-bad.example", "").error, "'-'"));
  CHECK(contains(upstream_url("https://bad-.example", "").error, "'-'"));
  CHECK(contains(upstream_url("https://a..b", "").error, "empty label"));
  CHECK(contains(upstream_url("https://.a.b", "").error, "empty label"));
  CHECK(contains(upstream_url("https://exa$mple.com", "").error, "'$'"));
  CHECK(contains(upstream_url("https://exa%6dple.com", "").error, "'%'"));
  CHECK(contains(upstream_url("https://1.2.3.4.5/v1", "").error, "not a valid one"));
  CHECK(contains(upstream_url("https://256.1.1.1/v1", "").error, "not a valid one"));
  CHECK(contains(upstream_url("https://example.123", "").error, "not a valid one"));
  CHECK(contains(upstream_url("https://example.0x", "").error, "not a valid one"));
  CHECK(contains(upstream_url("http://[::1/v1", "").error, "']'"));
  CHECK(contains(upstream_url("http://[zz::1]/v1", "").error, "IPv6"));
  CHECK(contains(upstream_url("http://[::1]x/v1", "").error, "after"));
  CHECK(contains(upstream_url("http://[fe80::1%25eth0]/v1", "").error, "zone"));
  CHECK(contains(upstream_url("https:///v1", "").error, "no host"));
  CHECK(contains(upstream_url("https://:8080/v1", "").error, "no host"));
  CHECK(contains(upstream_url("https://./v1", "").error, "empty label"));
}

TEST_CASE("upstream_url: ports") {
  CHECK(contains(upstream_url("https://h.example:0", "").error, "out of range"));
  CHECK(contains(upstream_url("https://h.example:65536", "").error, "out of range"));
  CHECK(contains(upstream_url("https://h.example:99999999999999999999", "").error, "out of range"));
  CHECK(contains(upstream_url("https://h.example:abc", "").error, "not a number"));
  CHECK(contains(upstream_url("https://h.example:-1", "").error, "not a number"));
  CHECK(contains(upstream_url("https://h.example:/v1", "").error, "no port"));
  CHECK(contains(upstream_url("javascript:alert(1)", "").error, "not a number"));
}

TEST_CASE("upstream_url: refusals name the problem and never repeat secrets") {
  const Refusal cases[] = {
      {"", "empty", nullptr},
      {"   \t ", "empty", nullptr},
      {"https://user:pw@host.example/v1", "credentials", "pw"},
      {"https://sk-proj-abc123@api.openai.com/v1", "api_key", "sk-proj-abc123"},
      {"user:hunter2@host.example/v1", "credentials", "hunter2"},
      {"https://api.x.ai/v1?key=AIzaSECRET", "query string", "AIzaSECRET"},
      {"https://api.x.ai?key=AIzaSECRET", "query string", "AIzaSECRET"},
      {"https://api.x.ai/v1#tokenSECRET", "fragment", "tokenSECRET"},
      {"ftp://x", "\"ftp:\"", nullptr},
      {"file:///etc/passwd", "\"file:\"", nullptr},
      {"gopher://h.example:70/_x", "\"gopher:\"", nullptr},
      {"https:api.x.ai/v1", "\"//\"", nullptr},
      {"http:/api.x.ai/v1", "\"//\"", nullptr},
      {"https://api.x.ai/v 1", "space", nullptr},
      {"https://api x.ai/v1", "space", nullptr},
      {"https://api.x.ai/v\t1", "control character", nullptr},
      {"https://api.x.ai\\v1", "backslash", nullptr},
      {"https://api.x.ai/v1/<x>", "'<'", nullptr},
      {"https://b\xC3\xBC" "cher.example/v1", "non-ASCII", nullptr},
      {"https://h.example/v1/../admin", "\"..\"", nullptr},
      {"https://h.example/v1/./x", "\"..\"", nullptr},
      {"https://h.example/v1/%2E%2e/admin", "\"..\"", nullptr},
      {"https://h.example/..", "\"..\"", nullptr},
  };
  for (const auto& c : cases) {
    CAPTURE(c.base);
    UrlResult r = upstream_url(c.base, "/chat/completions");
    CHECK_FALSE(r.ok);
    CHECK(r.url.empty());
    CHECK(contains(r.error, c.says));
    if (c.secret) CHECK_FALSE(contains(r.error, c.secret));
  }
  // 10 KB of text is refused by length, and the message stays short.
  UrlResult huge = upstream_url("https://h.example/" + std::string(10240, 'a'), "/chat/completions");
  CHECK_FALSE(huge.ok);
  CHECK(contains(huge.error, "longer than 2048"));
  UrlResult huge_host = upstream_url("https://" + std::string(2000, 'a') + ".example", "");
  CHECK_FALSE(huge_host.ok);
  CHECK(huge_host.error.size() < 200);
}

TEST_CASE("upstream_url: the path joins with exactly one slash") {
  CHECK(upstream_url("https://h.example/v1/", "chat/completions").url == "https://h.example/v1/chat/completions");
  CHECK(upstream_url("https://h.example/v1", "//chat/completions").url == "https://h.example/v1/chat/completions");
  CHECK(upstream_url("https://h.example", "/models").url == "https://h.example/models");
  CHECK(upstream_url("https://h.example/v1/", "").url == "https://h.example/v1");
  CHECK(upstream_url("https://h.example/v1/chat/completions", "").url == "https://h.example/v1");
  CHECK(contains(upstream_url("https://h.example/v1", "/chat completions").error, "endpoint path"));
  CHECK(contains(upstream_url("https://h.example/v1", "/x?y").error, "endpoint path"));
}

TEST_CASE("wire_protocol: exact provider first, then adapter (the gateway's dispatch)") {
  struct Row {
    const char* provider;
    const char* adapter;
    WireProtocol expected;
  };
  const Row rows[] = {
      {"openai", "", WireProtocol::OpenAI},
      {"openai", "anthropic", WireProtocol::OpenAI},
      {"openai", "azure-openai", WireProtocol::OpenAI},
      {"anthropic", "", WireProtocol::Anthropic},
      {"anthropic", "openai", WireProtocol::Anthropic},
      {"deepseek", "openai", WireProtocol::OpenAI},
      {"", "openai", WireProtocol::OpenAI},
      {"", "anthropic", WireProtocol::Anthropic},
      {"azure", "azure-openai", WireProtocol::AzureOpenAI},
      {"bedrock", "bedrock", WireProtocol::Unsupported},
      {"google", "vertex", WireProtocol::Unsupported},
      {"", "", WireProtocol::Unsupported},
      {"deepseek", "", WireProtocol::Unsupported},
      {"OpenAI", "", WireProtocol::Unsupported},
      {"openai ", "", WireProtocol::Unsupported},
      {"x", "Azure-OpenAI", WireProtocol::Unsupported},
  };
  for (const auto& row : rows) {
    CAPTURE(row.provider);
    CAPTURE(row.adapter);
    CHECK(wire_protocol(row.provider, row.adapter) == row.expected);
  }
  CHECK(to_string(WireProtocol::OpenAI) == "openai");
  CHECK(to_string(WireProtocol::Anthropic) == "anthropic");
  CHECK(to_string(WireProtocol::AzureOpenAI) == "azure-openai");
  CHECK(to_string(WireProtocol::Unsupported) == "unsupported");
}

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
    if (c.note) CHECK(any_note_contains(p.notes, c.note));
    else CHECK(p.notes.empty());
  }
}

}  // namespace

TEST_CASE("plan_chat_call: OpenAI family") {
  check_plans(
      {
          {"openai", "", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          {"", "openai", "", "gpt-4o", "https://api.openai.com/v1/chat/completions", "no api_base"},
          {"openai", "", "https://api.openai.com/v1", "gpt-4o", "https://api.openai.com/v1/chat/completions", nullptr},
          {"openai", "", "https://api.openai.com", "gpt-4o", "https://api.openai.com/v1/chat/completions", "added /v1"},
          {"openai", "", "https://api.openai.com/", "gpt-4o", "https://api.openai.com/v1/chat/completions", "added /v1"},
          {"openai", "", "HTTPS://API.OPENAI.COM:443", "m", "https://api.openai.com/v1/chat/completions", "added /v1"},
          {"openai", "", "https://api.openai.com/v1/chat/completions", "gpt-4o",
           "https://api.openai.com/v1/chat/completions", "removed /chat/completions"},
          {"openai", "", "  api.openai.com  ", "m", "https://api.openai.com/v1/chat/completions", "added https://"},
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
          {"xai", "openai", "  api.x.ai/v1  ", "grok-4", "https://api.x.ai/v1/chat/completions", "added https://"},
          // The exact provider decides, whatever the adapter says.
          {"openai", "azure-openai", "https://api.openai.com/v1", "m", "https://api.openai.com/v1/chat/completions",
           nullptr},
      },
      "authorization", "Bearer ");
  for (const char* provider : {"deepseek", "azure", "byo"}) {
    UpstreamPlan p = plan_chat_call(provider, "openai", "", "m");
    CHECK_FALSE(p.ok);
    CHECK(contains(p.error, std::string("\"") + provider + "\""));
    CHECK(contains(p.error, "needs an api_base"));
    CHECK(p.protocol == WireProtocol::OpenAI);
  }
  UpstreamPlan creds = plan_chat_call("openai", "", "https://u:sk-live-123@api.openai.com/v1", "m");
  CHECK_FALSE(creds.ok);
  CHECK(contains(creds.error, "credentials"));
  CHECK_FALSE(contains(creds.error, "sk-live-123"));
  CHECK(contains(plan_chat_call("openai", "", "ftp://x", "m").error, "ftp"));
}

TEST_CASE("plan_chat_call: Anthropic through its OpenAI-compatible endpoint") {
  check_plans(
      {
          {"anthropic", "", "", "claude-sonnet-4-5", "https://api.anthropic.com/v1/chat/completions", "no api_base"},
          {"", "anthropic", "", "claude-sonnet-4-5", "https://api.anthropic.com/v1/chat/completions", "no api_base"},
          {"anthropic", "", "https://api.anthropic.com", "m", "https://api.anthropic.com/v1/chat/completions", nullptr},
          {"anthropic", "", "https://api.anthropic.com/v1/", "m", "https://api.anthropic.com/v1/chat/completions",
           nullptr},
          {"anthropic", "", "https://api.anthropic.com/v1/messages", "m",
           "https://api.anthropic.com/v1/chat/completions", "native Messages API"},
          {"anthropic", "", "https://api.anthropic.com/v1/chat/completions", "m",
           "https://api.anthropic.com/v1/chat/completions", "removed /chat/completions"},
          {"anthropic", "openai", "api.anthropic.com", "m", "https://api.anthropic.com/v1/chat/completions",
           "added https://"},
          {"claude-proxy", "anthropic", "https://proxy.example.com/anthropic/v1", "m",
           "https://proxy.example.com/anthropic/v1/chat/completions", "not api.anthropic.com"},
      },
      "authorization", "Bearer ");
  UpstreamPlan p = plan_chat_call("claude-proxy", "anthropic", "", "m");
  CHECK_FALSE(p.ok);
  CHECK(contains(p.error, "\"claude-proxy\" needs an api_base"));
  CHECK(p.protocol == WireProtocol::Anthropic);
}

TEST_CASE("plan_chat_call: Azure OpenAI deployment URLs") {
  const std::string q = "/chat/completions?api-version=" + std::string(kAzureApiVersion);
  const std::string deployment = "https://myres.openai.azure.com/openai/deployments/";
  const std::string gpt = deployment + "gpt-4o-prod" + q;
  check_plans(
      {
          {"azure", "azure-openai", "https://myres.openai.azure.com", "gpt-4o-prod", gpt.c_str(), nullptr},
          {"azure", "azure-openai", "https://myres.openai.azure.com/", "gpt-4o-prod", gpt.c_str(), nullptr},
          {"azure", "azure-openai", "myres.openai.azure.com", "gpt-4o-prod", gpt.c_str(), "added https://"},
          {"azure", "azure-openai", "myres", "gpt-4o-prod", gpt.c_str(), "resource name"},
          {"azure", "azure-openai", " MyRes ", "gpt-4o-prod", gpt.c_str(), "resource name"},
          {"", "azure-openai", "https://MYRES.openai.azure.com", "gpt-4o-prod", gpt.c_str(), nullptr},
      },
      "api-key", "");
  std::string encoded = deployment + "my%20deployment%2Fx%3Fy" + q;
  std::string apim = "https://apim.example.com/aoai/openai/deployments/d" + q;
  check_plans(
      {
          {"azure", "azure-openai", "https://myres.openai.azure.com", "my deployment/x?y", encoded.c_str(), nullptr},
          // Any other root is used verbatim, like the gateway's override.
          {"azure", "azure-openai", "https://apim.example.com/aoai", "d", apim.c_str(), nullptr},
      },
      "api-key", "");
  CHECK(contains(gpt, "api-version=2024-10-21"));

  const Refusal refusals[] = {
      {"", "needs an api_base", nullptr},
      {"https://myres.openai.azure.com?api-version=2024-10-21", "api-version is added", nullptr},
      {"https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions", "/openai/deployments", nullptr},
      {"https://myres.openai.azure.com/openai/deployments", "/openai/deployments", nullptr},
      {"https://myres.openai.azure.com/openai/v1", "adapter openai", nullptr},
      {"https://myres.openai.azure.com/openai/", "ends with /openai", nullptr},
      {"https://key:s3cr3t@myres.openai.azure.com", "credentials", "s3cr3t"},
      {"https://myres.openai.azure.com#frag", "fragment", nullptr},
      {"ftp://myres.openai.azure.com", "\"ftp:\"", nullptr},
      {"-myres", "'-'", nullptr},  // not a resource name, and not a valid host either
  };
  for (const auto& r : refusals) {
    CAPTURE(r.base);
    UpstreamPlan p = plan_chat_call("azure", "azure-openai", r.base, "gpt-4o");
    CHECK_FALSE(p.ok);
    CHECK(p.url.empty());
    CHECK(contains(p.error, r.says));
    if (r.secret) CHECK_FALSE(contains(p.error, r.secret));
    CHECK(p.protocol == WireProtocol::AzureOpenAI);
  }
  CHECK(contains(plan_chat_call("azure", "azure-openai", "myres", "").error, "deployment name"));
  CHECK(contains(plan_chat_call("azure", "azure-openai", "myres", "..").error, "not a deployment name"));
  CHECK(contains(plan_chat_call("azure", "azure-openai", "myres", ".").error, "not a deployment name"));
}

TEST_CASE("plan_chat_call: unsupported protocols are refused with the reason") {
  UpstreamPlan bedrock = plan_chat_call("bedrock", "bedrock", "", "anthropic.claude-3");
  CHECK_FALSE(bedrock.ok);
  CHECK(bedrock.protocol == WireProtocol::Unsupported);
  CHECK(contains(bedrock.error, "\"bedrock\""));
  CHECK(contains(bedrock.error, "OpenAI-compatible"));
  CHECK(contains(bedrock.error, "own API"));
  UpstreamPlan vertex = plan_chat_call("google", "vertex", "https://x.example", "gemini");
  CHECK(contains(vertex.error, "\"google\""));
  CHECK(contains(vertex.error, "\"vertex\""));
  UpstreamPlan nothing = plan_chat_call("", "", "https://api.deepseek.com", "m");
  CHECK(contains(nothing.error, "(none)"));
  CHECK(contains(nothing.error, "set adapter"));
  UpstreamPlan deepseek = plan_chat_call("deepseek", "", "https://api.deepseek.com", "m");
  CHECK(contains(deepseek.error, "\"deepseek\""));
  CHECK(contains(deepseek.error, "set adapter"));
  // Long provider strings are cut in the message.
  UpstreamPlan long_name = plan_chat_call(std::string(5000, 'p'), "", "", "m");
  CHECK(long_name.error.size() < 600);
}

TEST_CASE("upstream: to_json shapes") {
  json ok = to_json(upstream_url("api.x.ai/v1", "/chat/completions"));
  CHECK(ok == json{{"ok", true},
                   {"url", "https://api.x.ai/v1/chat/completions"},
                   {"notes", json::array({"added https:// in front of the base URL, which had no scheme"})}});
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
  json refused = to_json(plan_chat_call("bedrock", "bedrock", "", "m"));
  CHECK(refused["ok"] == false);
  CHECK(refused["protocol"] == "unsupported");
  CHECK(refused["error"].is_string());
  CHECK_FALSE(refused.contains("url"));
}
