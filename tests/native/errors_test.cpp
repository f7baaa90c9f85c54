// parse_error: every provider envelope we know (fixtures in tests/fixtures/errors/),
// bodies that are not envelopes (HTML, text, empty, other JSON), and hostile bodies.
#include <doctest/doctest.h>

#include "support/cpu_time.h"

#include "core/provider/provider_error.h"

#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

using namespace pg;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/errors/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProviderError parse_fixture(const std::string& name, int status, const std::string& content_type) {
  return parse_error(status, content_type, fixture(name));
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// What every message must be, whatever the body: one line, bounded, valid UTF-8 when the
// body was.
void check_message_shape(const ProviderError& e) {
  CHECK(e.message.size() <= 500);
  CHECK(e.message.find('\n') == std::string::npos);
  CHECK(e.message.find('\r') == std::string::npos);
  CHECK(e.type.size() <= 100);
  CHECK_FALSE(e.type.empty());
}

}  // namespace

TEST_CASE("OpenAI envelopes: type, code, param and the message as sent") {
  auto e = parse_fixture("openai-401-invalid-key.json", 401, "application/json; charset=utf-8");
  CHECK(e.type == "invalid_request_error");
  CHECK(e.code == std::optional<std::string>("invalid_api_key"));
  CHECK(e.message == "Incorrect API key provided: sk-proj-" + std::string(152, '*') +
                         "WxYz. You can find your API key at https://platform.openai.com/account/api-keys.");
  CHECK_FALSE(e.param);  // "param": null is absent, not the string "null"

  e = parse_fixture("openai-404-model.json", 404, "application/json");
  CHECK(e.type == "invalid_request_error");
  CHECK(e.code == std::optional<std::string>("model_not_found"));
  CHECK(e.message == "The model `gpt-7-turbo-preview` does not exist or you do not have access to it.");

  e = parse_fixture("openai-429-quota.json", 429, "application/json");
  CHECK(e.type == "insufficient_quota");
  CHECK(e.code == std::optional<std::string>("insufficient_quota"));
  CHECK(e.message.rfind("You exceeded your current quota, please check your plan and billing details.", 0) == 0);

  e = parse_fixture("openai-400-unsupported-parameter.json", 400, "application/json");
  CHECK(e.code == std::optional<std::string>("unsupported_parameter"));
  CHECK(e.param == std::optional<std::string>("max_tokens"));
  check_message_shape(e);
}

TEST_CASE("Anthropic envelopes take their type from the inner error") {
  auto e = parse_fixture("anthropic-401.json", 401, "application/json");
  CHECK(e.type == "authentication_error");
  CHECK_FALSE(e.code);
  CHECK(e.message == "invalid x-api-key");

  e = parse_fixture("anthropic-529.json", 529, "application/json");
  CHECK(e.type == "overloaded_error");
  CHECK(e.message == "Overloaded");
}

TEST_CASE("Azure envelopes: string codes, no type, innererror") {
  auto e = parse_fixture("azure-401.json", 401, "application/json");
  CHECK(e.type == "error");
  CHECK(e.code == std::optional<std::string>("401"));
  CHECK(e.message.rfind("Access denied due to invalid subscription key or wrong API endpoint.", 0) == 0);

  e = parse_fixture("azure-404-deployment.json", 404, "application/json");
  CHECK(e.type == "error");
  CHECK(e.code == std::optional<std::string>("DeploymentNotFound"));
  CHECK(e.message.rfind("The API deployment for this resource does not exist.", 0) == 0);

  // "type": null and a numeric "status": the inner code is the most specific type there is.
  e = parse_fixture("azure-400-content-filter.json", 400, "application/json");
  CHECK(e.type == "ResponsibleAIPolicyViolation");
  CHECK(e.code == std::optional<std::string>("content_filter"));
  CHECK(e.param == std::optional<std::string>("prompt"));
  CHECK(e.message.rfind("The response was filtered due to the prompt", 0) == 0);

  // An envelope with a code and no words still says something.
  e = parse_error(404, "application/json", R"({"error":{"code":"DeploymentNotFound"}})");
  CHECK(e.code == std::optional<std::string>("DeploymentNotFound"));
  CHECK(e.message.find("DeploymentNotFound") != std::string::npos);
}

TEST_CASE("OpenRouter: numeric codes become strings; the upstream's own words are kept") {
  auto e = parse_fixture("openrouter-402.json", 402, "application/json");
  CHECK(e.type == "error");
  CHECK(e.code == std::optional<std::string>("402"));
  CHECK(e.message == "Insufficient credits. Add more using https://openrouter.ai/settings/credits");

  e = parse_fixture("openrouter-provider-error.json", 400, "application/json");
  CHECK(e.code == std::optional<std::string>("400"));
  CHECK(e.message == "Provider returned error (Anthropic: messages.1.content: Input should be a valid list)");
}

TEST_CASE("Gemini: status is the type, code is the HTTP number, also inside an array") {
  auto e = parse_fixture("gemini-400.json", 400, "application/json; charset=UTF-8");
  CHECK(e.type == "INVALID_ARGUMENT");
  CHECK(e.code == std::optional<std::string>("400"));
  CHECK(e.message == "API key not valid. Please pass a valid API key.");

  e = parse_fixture("gemini-array-404.json", 404, "application/json");
  CHECK(e.type == "NOT_FOUND");
  CHECK(e.code == std::optional<std::string>("404"));
  CHECK(e.message.rfind("models/gemini-9-flash is not found", 0) == 0);
}

TEST_CASE("vLLM flat and nested envelopes, llama.cpp extras") {
  auto e = parse_fixture("vllm-flat-400.json", 400, "application/json");
  CHECK(e.type == "BadRequestError");
  CHECK(e.code == std::optional<std::string>("400"));
  CHECK(e.message.rfind("This model's maximum context length is 32768 tokens.", 0) == 0);
  CHECK_FALSE(e.param);

  e = parse_fixture("vllm-nested-404.json", 404, "application/json");
  CHECK(e.type == "NotFoundError");
  CHECK(e.code == std::optional<std::string>("404"));
  CHECK(e.param == std::optional<std::string>("model"));

  e = parse_fixture("llamacpp-400-context.json", 400, "application/json; charset=utf-8");
  CHECK(e.type == "exceed_context_size_error");
  CHECK(e.code == std::optional<std::string>("400"));
  CHECK(e.message == "request (9120 tokens) exceeds the available context size (8192 tokens), try increasing it");
}

TEST_CASE("Mistral: a message that is an object, or that object JSON-encoded") {
  auto e = parse_fixture("mistral-422-object.json", 422, "application/json");
  CHECK(e.type == "invalid_request_error");
  CHECK_FALSE(e.code);
  CHECK(e.message == "Extra inputs are not permitted at messages[2].assistant.reasoning_content (and 1 more)");

  e = parse_fixture("mistral-422-string.json", 422, "application/json");
  CHECK(e.code == std::optional<std::string>("1000"));
  CHECK(e.message == "Extra inputs are not permitted at messages[0].user.name");

  // A numeric code and a message that is a detail object without a list.
  e = parse_error(
      400, "application/json",
      R"({"object":"error","message":{"detail":"Invalid model: mistral-huge"},"type":"invalid_model","code":3001})");
  CHECK(e.type == "invalid_model");
  CHECK(e.code == std::optional<std::string>("3001"));
  CHECK(e.message == "Invalid model: mistral-huge");

  // Codes of every JSON number kind come out as their digits.
  CHECK(parse_error(400, "", R"({"error":{"message":"m","code":18446744073709551615}})").code ==
        std::optional<std::string>("18446744073709551615"));
  CHECK(parse_error(400, "", R"({"error":{"message":"m","code":-32600}})").code ==
        std::optional<std::string>("-32600"));
  CHECK(parse_error(400, "", R"({"error":{"message":"m","code":429.0}})").code == std::optional<std::string>("429"));
  CHECK(parse_error(400, "", R"({"error":{"message":"m","code":true}})").code == std::nullopt);
}

TEST_CASE("other JSON shapes: error strings, FastAPI details, JSON strings, unknown JSON") {
  auto e = parse_fixture("ollama-404.json", 404, "application/json; charset=utf-8");
  CHECK(e.type == "error");
  CHECK(e.message == "model \"llama9:70b\" not found, try pulling it first");

  e = parse_fixture("fastapi-404.json", 404, "application/json");
  CHECK(e.type == "error");
  CHECK(e.message == "Not Found");

  e = parse_fixture("json-string-401.json", 401, "application/json");
  CHECK(e.type == "text");
  CHECK(e.message == "Unauthorized: missing or invalid bearer token");

  // A JSON string that holds a whole envelope (double-encoded by a proxy).
  e = parse_error(401, "application/json",
                  R"("{\"error\":{\"message\":\"bad key\",\"type\":\"authentication_error\"}}")");
  CHECK(e.type == "authentication_error");
  CHECK(e.message == "bad key");

  e = parse_fixture("unknown-json-200.json", 200, "application/json");
  CHECK(e.type == "json");
  CHECK_FALSE(e.code);
  CHECK(e.message.rfind(R"({"status":"ok","service":"inference-gateway")", 0) == 0);
  CHECK(e.message.size() <= 203);

  // An empty error object is no envelope.
  e = parse_error(500, "application/json", R"({"error":{}})");
  CHECK(e.type == "json");

  // Spring-style: the error string and the message.
  e = parse_error(
      404, "application/json",
      R"({"timestamp":"2026-11-24T10:00:00Z","status":404,"error":"Not Found","message":"No static resource v1/chat/completions.","path":"/v1/chat/completions"})");
  CHECK(e.type == "error");
  CHECK(e.message == "Not Found: No static resource v1/chat/completions.");
}

TEST_CASE("an error event inside an event-stream body") {
  auto e = parse_fixture("anthropic-stream-error.txt", 200, "text/event-stream");
  CHECK(e.type == "overloaded_error");
  CHECK(e.message == "Overloaded");
  // Recognised by its shape even without the header.
  e = parse_fixture("anthropic-stream-error.txt", 500, "");
  CHECK(e.type == "overloaded_error");
  // A stream without an error event is just text.
  e = parse_error(200, "text/event-stream", "data: {\"choices\":[]}\n\ndata: [DONE]\n\n");
  CHECK(e.type == "text");
  // Without the header, a stream that opens with a comment or an id line is a stream too
  // (sniff::is_event_stream, the response validator's rule).
  for (const char* opening : {": keep-alive\n\n", "id: 1\n", "retry: 1000\n\n", "\xEF\xBB\xBF\nData: x\n\n"}) {
    CAPTURE(opening);
    e = parse_error(
        500, "",
        std::string(opening) + "data: {\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    CHECK(e.type == "overloaded_error");
    CHECK(e.message == "Overloaded");
  }
}

TEST_CASE("HTML pages: the title, entity-decoded and collapsed; else the first h1; else the text") {
  auto e = parse_fixture("nginx-404.html", 404, "text/html");
  CHECK(e.type == "html");
  CHECK_FALSE(e.code);
  CHECK(e.message == "404 Not Found");

  e = parse_fixture("cloudflare-502.html", 502, "text/html; charset=UTF-8");
  CHECK(e.message == "api.example-llm.dev | 502: Bad gateway");

  e = parse_fixture("login-page-200.html", 200, "text/html");
  CHECK(e.message == "Sign in \u2014 Acme AI & Research Portal \u2014 \u201CWelcome\u201D back");

  e = parse_fixture("h1-only.html", 503, "text/html");
  CHECK(e.message == "Service Unavailable");

  e = parse_fixture("no-title.html", 502, "text/html");
  CHECK(e.message == "Upstream connect error or disconnect/reset before headers. reset reason: connection termination");
}

TEST_CASE("HTML is sniffed whatever the Content-Type says; HTML headers on text stay readable") {
  for (const char* ct : {"application/json", "text/plain", "", "application/octet-stream"}) {
    auto e = parse_fixture("nginx-404.html", 404, ct);
    CHECK(e.type == "html");
    CHECK(e.message == "404 Not Found");
  }
  auto e = parse_error(
      404, "application/json",
      "\xEF\xBB\xBF  <!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>");
  CHECK(e.type == "html");
  CHECK(e.message == "404 Not Found");
  e = parse_error(
      403, "", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><title>Forbidden</title></html>");
  CHECK(e.type == "html");
  CHECK(e.message == "Forbidden");
  // Labelled HTML but plain words: the words.
  e = parse_error(404, "text/html", "Not Found");
  CHECK(e.type == "html");
  CHECK(e.message == "Not Found");
  // Labelled HTML but a JSON envelope: the envelope wins.
  e = parse_error(401, "text/html",
                  R"({"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}})");
  CHECK(e.type == "invalid_request_error");
  // A title tag lookalike is not the title.
  e = parse_error(200, "text/html", "<html><titlebar>no</titlebar><title>Yes</title></html>");
  CHECK(e.message == "Yes");
}

TEST_CASE("plain text bodies") {
  auto e = parse_fixture("plain-502.txt", 502, "text/plain");
  CHECK(e.type == "text");
  CHECK_FALSE(e.code);
  CHECK(e.message == "Bad Gateway");

  e = parse_fixture("envoy-503.txt", 503, "text/plain");
  CHECK(e.type == "text");
  CHECK(e.message.rfind("upstream connect error or disconnect/reset before headers.", 0) == 0);
  // Truncated JSON is not JSON: it is shown as text.
  e = parse_error(500, "application/json", R"({"error":{"message":"cut)");
  CHECK(e.type == "text");
  CHECK(e.message == R"({"error":{"message":"cut)");
}

TEST_CASE("status-only: empty bodies say so, with the status") {
  auto e = parse_error(404, "", "");
  CHECK(e.type == "empty");
  CHECK_FALSE(e.code);
  CHECK(e.message == "empty response body (HTTP 404)");
  CHECK(parse_error(502, "text/html", " \r\n\t ").message == "empty response body (HTTP 502)");
  CHECK(parse_error(0, "", "").message == "empty response body");
  CHECK(parse_error(-1, "", "\xEF\xBB\xBF").type == "empty");
}

TEST_CASE("to_json: code null or string, param only when present") {
  auto e = parse_fixture("openai-400-unsupported-parameter.json", 400, "application/json");
  json j = to_json(e);
  CHECK(j["type"] == "invalid_request_error");
  CHECK(j["code"] == "unsupported_parameter");
  CHECK(j["param"] == "max_tokens");
  CHECK(j["message"].is_string());

  j = to_json(parse_fixture("anthropic-401.json", 401, "application/json"));
  CHECK(j["code"].is_null());
  CHECK_FALSE(j.contains("param"));
  CHECK(j.size() == 3);
}

TEST_CASE("messages are single-line, bounded, and cut on a character boundary") {
  std::string long_message;
  for (int i = 0; i < 400; ++i) long_message += "\xC3\xA9t\xC3\xA9\n";  // "été" + newline
  json body = {
      {"error", {{"message", long_message}, {"type", std::string(10000, 't')}, {"code", std::string(5000, 'c')}}}};
  auto e = parse_error(400, "application/json", dump_json(body));
  check_message_shape(e);
  CHECK(valid_utf8(e.message));
  CHECK(e.message.size() >= 450);
  CHECK(e.code->size() <= 100);

  e = parse_error(500, "text/plain", std::string(3000, 'x') + "\n" + std::string(3000, 'y'));
  check_message_shape(e);
  CHECK(e.message.size() >= 490);
  CHECK(e.message.size() <= 500);
  CHECK(e.message.substr(e.message.size() - 3) == "...");

  // Entities that decode to nothing valid stay as written; NUL entities are not decoded.
  e = parse_error(200, "text/html", "<title>a &#0; b &#xD800; c &bogus; d &#1114112; e &amp</title>");
  CHECK(e.message == "a &#0; b &#xD800; c &bogus; d &#1114112; e &amp");
}

TEST_CASE("hostile bodies are handled quickly and never break the shape") {
  const std::size_t big = 10 * 1024 * 1024;
  struct Case {
    std::string name;
    std::string content_type;
    std::string body;
  };
  std::vector<Case> cases;
  cases.push_back({"10 MB of text", "text/plain", std::string(big, 'a')});
  cases.push_back({"deep JSON arrays", "application/json", std::string(big, '[')});
  cases.push_back({"deep JSON objects", "application/json", [&] {
                     std::string s;
                     for (std::size_t i = 0; i < big / 6; ++i) s += "{\"a\":";
                     return s;
                   }()});
  cases.push_back({"title never closed", "text/html", "<html><title>" + std::string(big, 'x')});
  cases.push_back({"title tag never closed", "text/html", "<html><title" + std::string(big, ' ')});
  cases.push_back({"only '<'", "text/html", "<html>" + std::string(big, '<')});
  cases.push_back({"only '&'", "text/html", "<html>" + std::string(big, '&')});
  cases.push_back({"'&' and ';' far apart", "text/html", "<html>&" + std::string(big, 'a') + ";"});
  cases.push_back({"unclosed comments", "text/html", [&] {
                     std::string s = "<!doctype html>";
                     while (s.size() < big) s += "<!--";
                     return s;
                   }()});
  cases.push_back({"unclosed scripts", "text/html", [&] {
                     std::string s = "<html>";
                     while (s.size() < big) s += "<script>";
                     return s;
                   }()});
  cases.push_back({"title lookalikes", "text/html", [&] {
                     std::string s = "<html>";
                     while (s.size() < big) s += "<titlex<h1x";
                     return s;
                   }()});
  cases.push_back({"many data lines", "text/event-stream", [&] {
                     std::string s;
                     while (s.size() < big) s += "data: {\"x\":1}\n";
                     return s;
                   }()});
  cases.push_back({"binary", "application/octet-stream", [&] {
                     std::string s(big, '\0');
                     for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((i * 131) & 0xFF);
                     return s;
                   }()});
  cases.push_back({"huge JSON message", "application/json",
                   "{\"error\":{\"message\":\"" + std::string(big, 'm') + "\",\"type\":\"t\"}}"});

  for (const auto& c : cases) {
    CAPTURE(c.name);
    ProviderError e;
    const double t = cpu_seconds([&] { e = parse_error(400, c.content_type, c.body); });
    check_message_shape(e);
    (void)dump_json(to_json(e));  // serialisable whatever the bytes were
    // Linear work on 10 MB is milliseconds; anything quadratic would take hours.
    CHECK(t < 3.0);
  }
}

TEST_CASE(
    "a type, status, code or param with nothing printable in it counts as absent (found by the parse_error fuzzer)") {
  // The fuzzer's input: an event stream whose error event has "type":"" inside; these are
  // the same holes in plain envelopes.
  for (const char* blank : {R"(" ")", R"("\u0000")", R"("\t\n")", R"("\u0001\u0002")"}) {
    const std::string b = blank;
    CAPTURE(b);
    ProviderError e = parse_error(500, "application/json", R"({"error":{"type":)" + b + R"(,"message":"boom"}})");
    CHECK(e.type == "error");
    CHECK(e.message == "boom");
    e = parse_error(500, "application/json", R"({"error":{"type":)" + b + R"(,"status":"INTERNAL","message":"boom"}})");
    CHECK(e.type == "INTERNAL");
    e = parse_error(
        400, "application/json",
        R"({"object":"error","type":)" + b + R"(,"param":)" + b + R"(,"code":)" + b + R"(,"message":"bad"})");
    CHECK(e.type == "error");
    CHECK_FALSE(e.param.has_value());
    CHECK_FALSE(e.code.has_value());
    e = parse_error(404, "application/json", R"({"error":"model not found","type":)" + b + "}");
    CHECK(e.type == "error");
    e = parse_error(
        500, "text/event-stream",
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":" + b + ",\"message\":\"mid-stream\"}}\n\n");
    CHECK_FALSE(e.type.empty());
  }
}
