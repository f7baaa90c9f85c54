// core.upstream: upstream_url (joins, normalisations, refusals, host and port rules) and
// wire_protocol (the gateway's dispatch).
#include <doctest/doctest.h>

#include "support/upstream.h"

#include "core/upstream/upstream.h"

#include <string>
#include <vector>

using namespace pg;

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
    if (c.note)
      CHECK(any_note_contains(r.notes, c.note));
    else
      CHECK(r.notes.empty());
  }
}

TEST_CASE("upstream_url: normalisations, each with its note") {
  const UrlCase cases[] = {
      {"https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1/chat/completions",
       "removed /chat/completions"},
      {"https://api.openai.com/v1/chat/completions/", "https://api.openai.com/v1/chat/completions",
       "removed /chat/completions"},
      {"https://api.openai.com/v1/completions", "https://api.openai.com/v1/chat/completions", "removed /completions"},
      {"https://api.openai.com/v1/embeddings", "https://api.openai.com/v1/chat/completions", "removed /embeddings"},
      {"https://h.example/v1/images/generations", "https://h.example/v1/chat/completions",
       "removed /images/generations"},
      {"https://h.example/v1/audio/transcriptions", "https://h.example/v1/chat/completions",
       "removed /audio/transcriptions"},
      {"https://h.example/v1/audio/translations", "https://h.example/v1/chat/completions",
       "removed /audio/translations"},
      {"https://h.example/v1/audio/speech", "https://h.example/v1/chat/completions", "removed /audio/speech"},
      {"https://h.example/chat/completions", "https://h.example/chat/completions", "removed /chat/completions"},
      // Only one pasted endpoint is removed, and only the OpenAI family's.
      {"https://h.example/v1/chat/completions/chat/completions",
       "https://h.example/v1/chat/completions/chat/completions", "removed /chat/completions"},
      {"\t\nhttps://api.x.ai/v1\r\n", "https://api.x.ai/v1/chat/completions", nullptr},
      {"https://api.openai.com./v1", "https://api.openai.com/v1/chat/completions", "trailing dot"},
      {"http://2130706433/v1", "http://127.0.0.1/v1/chat/completions", "127.0.0.1"},
      {"http://0x7f.1:8000", "http://127.0.0.1:8000/chat/completions", "127.0.0.1"},
      {"http://0177.0.0.1", "http://127.0.0.1/chat/completions", "127.0.0.1"},
      // Dot segments are resolved, as the gateway's URL parser resolves them.
      {"https://h.example/v1/../admin", "https://h.example/admin/chat/completions", "resolved"},
      {"https://h.example/v1/./x", "https://h.example/v1/x/chat/completions", "resolved"},
      {"https://h.example/v1/%2E%2e/admin", "https://h.example/admin/chat/completions", "resolved"},
      {"https://h.example/..", "https://h.example/chat/completions", "resolved"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.base);
    UrlResult r = upstream_url(c.base, "/chat/completions");
    REQUIRE(r.ok);
    CHECK(r.url == c.url);
    if (c.note)
      CHECK(any_note_contains(r.notes, c.note));
    else
      CHECK(r.notes.empty());
  }
}

TEST_CASE("upstream_url: /responses is not a pasted endpoint the gateway removes") {
  UrlResult r = upstream_url("https://api.openai.com/v1/responses", "/chat/completions");
  REQUIRE(r.ok);
  CHECK(r.url == "https://api.openai.com/v1/responses/chat/completions");
  CHECK(r.notes.empty());
}

TEST_CASE("upstream_url: a base without a scheme is refused, not given https://") {
  for (const char* base : {"api.x.ai/v1", "  api.x.ai/v1  ", "localhost:11434/v1", "//api.x.ai/v1", "api.openai.com"}) {
    CAPTURE(base);
    UrlResult r = upstream_url(base, "/chat/completions");
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, "no scheme"));
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
      {"https://h.example/v1/@x", "https://h.example/v1/@x/chat/completions",
       nullptr},  // '@' in the path is not user info
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
  CHECK(contains(upstream_url("javascript:alert(1)", "").error, "\"javascript:\""));
}

TEST_CASE("upstream_url: refusals name the problem and never repeat secrets") {
  const Refusal cases[] = {
      {"", "empty", nullptr},
      {"   \t ", "empty", nullptr},
      {"https://user:pw@host.example/v1", "credentials", "pw"},
      {"https://sk-proj-abc123@api.openai.com/v1", "api_key", "sk-proj-abc123"},
      {"user:hunter2@host.example/v1", "\"user:\"", "hunter2"},
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
      {"https://b\xC3\xBC"
       "cher.example/v1",
       "non-ASCII", nullptr},
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
