// core.diagnose: one table of outcomes, as the page would hand them over (relay errors,
// provider error responses with their real envelopes, 2xx bodies and decoded streams),
// each with the five step statuses, the conditions, the verdict and the phrases a user
// must see. Streams are decoded by the real ChatStream, so the diagnosis is tested against
// the findings the response validator really writes. Then: secrets, garbage, bounds.
#include <doctest/doctest.h>

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/diagnose/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json model(const char* provider, const char* name, const char* api_base) {
  return json{{"provider", provider}, {"model_name", name}, {"api_base", api_base}};
}
json openai() { return model("openai", "gpt-4o", "https://api.openai.com/v1"); }
json anthropic() { return model("anthropic", "claude-sonnet-4-5", "https://api.anthropic.com/v1/"); }
json azure() { return model("azure", "gpt4o-prod", "https://contoso.openai.azure.com"); }
json deepseek() { return model("deepseek", "deepseek-reasoner", "https://api.deepseek.com"); }
json openrouter() { return model("openrouter", "meta-llama/llama-3.3-70b-instruct", "https://openrouter.ai/api/v1"); }
json gemini() {
  return model("gemini", "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/openai/");
}
json vllm() { return model("openai", "Qwen/Qwen3-8B", "http://10.0.0.5:8000/v1"); }
json vllm_without_v1() { return model("openai", "Qwen/Qwen3-8B", "http://10.0.0.5:8000"); }
json llamacpp() { return model("openai", "local", "http://127.0.0.1:8080/v1"); }
json ollama_without_v1() { return model("openai", "llama3.2", "http://localhost:11434"); }
json mistral() { return model("mistral", "mistral-large-latest", "https://api.mistral.ai/v1"); }

// An upstream HTTP answer.
json http(int status, const char* content_type, std::string body, json m) {
  return json{{"status", status}, {"contentType", content_type}, {"body", std::move(body)}, {"model", std::move(m)}};
}
json http_json(int status, std::string body, json m) {
  return http(status, "application/json", std::move(body), std::move(m));
}

// A relay failure before the provider answered (the page sees the relay's own status).
json relay(const char* kind, const char* message, json m, json extra = json::object()) {
  json error = {{"kind", kind}, {"message", message}};
  error.update(extra);
  return json{{"relayError", error}, {"status", 502}, {"model", std::move(m)}};
}

// A streamed answer, decoded by the core as the page decodes it.
json streamed(const std::string& sse_fixture, json m) {
  ChatStream stream;
  json deltas = json::array();
  const std::string bytes = fixture(sse_fixture);
  // Split in small pieces, as the network would.
  for (std::size_t at = 0; at < bytes.size(); at += 37) stream.push(bytes.substr(at, 37), deltas);
  return json{{"status", 200},
              {"contentType", "text/event-stream"},
              {"result", to_json(stream.end())},
              {"model", std::move(m)}};
}

// The nonce of tests/fixtures/diagnose/relay-idle-timeout.sse's relay_error event.
const char* const kFixtureNonce = "Q2hhdFN0cmVhbU5vbmNlMQ";

// The headers the relay puts on a forwarded answer: its source, and the nonce its own
// relay_error event carries.
json forwarded(const char* nonce = kFixtureNonce) {
  return json{{"x-playground-source", "upstream"}, {"x-playground-relay-nonce", nonce}};
}

// A stream whose last event is the relay's relay_error with these fields (nonce as given).
json relay_event_stream(json fields, json m) {
  json error = {{"source", "relay"}};
  error.update(fields);
  const std::string bytes =
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
      "[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
      "event: relay_error\ndata: " +
      json{{"error", error}}.dump() + "\n\n";
  ChatStream stream;
  json deltas = json::array();
  stream.push(bytes, deltas);
  return json{{"status", 200},
              {"contentType", "text/event-stream"},
              {"result", to_json(stream.end())},
              {"model", std::move(m)}};
}

struct Case {
  const char* name;
  json outcome;
  const char* steps;       // reach, endpoint, key, model, answer: P pass, F fail, N not reached
  const char* conditions;  // the condition kinds, comma-separated, in order
  const char* verdict;
  // "<where>:<text>": <text> is in that place. where: a step name (its evidence + advice),
  // "summary", "cond" (every condition's message + advice). "!<text>": nowhere in the output.
  std::vector<std::string> expect;
};

char letter(const std::string& status) { return status == "pass" ? 'P' : status == "fail" ? 'F' : 'N'; }

std::string place_text(const json& d, const std::string& where) {
  if (where == "summary") return d["summary"].get<std::string>();
  std::string out;
  if (where == "cond") {
    for (const auto& c : d["conditions"])
      out += c["message"].get<std::string>() + " | " + c["advice"].get<std::string>() + " || ";
    return out;
  }
  for (const auto& s : d["steps"])
    if (s["step"] == where) out = s["evidence"].get<std::string>() + " | " + s["advice"].get<std::string>();
  return out;
}

void check(const Case& c) {
  const json d = to_json(diagnose(c.outcome));
  const std::string dumped = d.dump(2);
  INFO("case: " << std::string(c.name) << "\n" << dumped);

  REQUIRE(d["steps"].size() == 5);
  std::string steps;
  for (const auto& s : d["steps"]) steps += letter(s["status"].get<std::string>());
  CHECK(steps == c.steps);
  std::string conditions;
  for (const auto& cond : d["conditions"])
    conditions += (conditions.empty() ? "" : ",") + cond["kind"].get<std::string>();
  CHECK(conditions == c.conditions);
  CHECK(d["verdict"] == c.verdict);

  for (const std::string& e : c.expect) {
    if (e[0] == '!') {
      CHECK_MESSAGE(dumped.find(e.substr(1)) == std::string::npos, "must not appear: " << e.substr(1));
      continue;
    }
    const auto colon = e.find(':');
    const std::string where = e.substr(0, colon), text = e.substr(colon + 1);
    CHECK_MESSAGE(place_text(d, where).find(text) != std::string::npos, where << " should contain: " << text);
  }
  // Every line is one line and short; a failing step always says what to do.
  for (const auto& s : d["steps"]) {
    const std::string ev = s["evidence"], adv = s["advice"];
    CHECK(!ev.empty());
    CHECK(ev.size() <= 300);
    CHECK(adv.size() <= 300);
    CHECK(ev.find('\n') == std::string::npos);
    if (s["status"] == "fail") CHECK(!adv.empty());
    if (s["status"] == "pass") CHECK(adv.empty());
  }
  CHECK(!d["summary"].get<std::string>().empty());
  CHECK(d["summary"].get<std::string>().find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("diagnose: reach — the relay cannot get to the host") {
  const std::vector<Case> cases = {
      {"dns typo",
       relay("dns", "the host api.openai.cmo could not be resolved (ENOTFOUND)",
             model("openai", "gpt-4o", "https://api.openai.cmo/v1"), {{"reason", "ENOTFOUND"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:check the host name in the base URL", "reach:api.openai.cmo", "reach:relay error dns",
        "summary:cannot reach", "endpoint:not checked"}},
      {"dns short docker name",
       relay("dns", "the host ollama could not be resolved (EAI_AGAIN)",
             model("openai", "llama3", "http://ollama:11434/v1"), {{"reason", "EAI_AGAIN"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:short name", "reach:Docker"}},
      {"refused on localhost (llama.cpp)",
       relay("refused", "127.0.0.1:8080 refused the connection", llamacpp(), {{"reason", "ECONNREFUSED"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:nothing listens at 127.0.0.1:8080", "reach:localhost means the relay itself, not your computer"}},
      {"refused on a private vLLM",
       relay("refused", "10.0.0.5:8000 refused the connection", vllm(), {{"reason", "ECONNREFUSED"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:nothing listens at 10.0.0.5:8000", "reach:check the port", "!relay itself"}},
      {"unreachable network",
       relay("refused", "10.0.0.5:8000 is unreachable (EHOSTUNREACH)", vllm(), {{"reason", "EHOSTUNREACH"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:unreachable from the relay"}},
      {"tls self-signed",
       relay("tls", "TLS with llm.corp.example:443 failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
             model("openai", "m", "https://llm.corp.example/v1"), {{"reason", "DEPTH_ZERO_SELF_SIGNED_CERT"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:not trusted", "reach:self-signed"}},
      {"tls to a plain-http port",
       relay("tls", "TLS with 10.0.0.5:8000 failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)",
             model("openai", "m", "https://10.0.0.5:8000/v1"), {{"reason", "ERR_SSL_WRONG_VERSION_NUMBER"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:does not speak TLS: use http://"}},
      {"tls host name mismatch",
       relay("tls",
             "TLS with llm.example:443 failed: Hostname/IP does not match certificate's altnames "
             "(ERR_TLS_CERT_ALTNAME_INVALID)",
             model("openai", "m", "https://llm.example/v1"), {{"reason", "ERR_TLS_CERT_ALTNAME_INVALID"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:another host name"}},
      {"connect timeout",
       relay("timeout", "could not connect to api.example.com within 10 s",
             model("openai", "m", "https://api.example.com/v1"), {{"phase", "connect"}, {"reason", "connect_timeout"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:could not connect to api.example.com:443", "reach:firewall"}},
      {"blocked private address",
       relay("blocked_address",
             "10.0.0.5 resolves to 10.0.0.5, a private address; the relay only calls public addresses.", vllm(),
             {{"category", "private"}, {"reason", "private"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:a private address", "reach:ALLOWED_PRIVATE_UPSTREAMS=10.0.0.5:8000", "reach:ALLOW_PRIVATE_UPSTREAMS=1",
        "summary:refused the base URL's address"}},
      {"blocked loopback",
       relay("blocked_address",
             "localhost resolves to 127.0.0.1, a loopback address; the relay only calls public addresses.",
             ollama_without_v1(), {{"category", "loopback"}, {"reason", "loopback"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:resolves to a loopback address", "reach:ALLOWED_PRIVATE_UPSTREAMS=localhost:11434"}},
      // Without a category nothing is guessed from the message's words.
      {"blocked, no category",
       relay("blocked_address",
             "localhost resolves to 127.0.0.1, a loopback address; the relay only calls public addresses.",
             ollama_without_v1()),
       "FNNNN",
       "",
       "fail",
       {"reach:resolves to a non-public address", "reach:ALLOWED_PRIVATE_UPSTREAMS=localhost:11434"}},
      {"blocked metadata address",
       relay("blocked_address", "meta.internal resolves to 169.254.169.254, a metadata address",
             model("openai", "m", "http://meta.internal/v1"), {{"category", "metadata"}, {"reason", "metadata"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:never a model server", "!ALLOW_PRIVATE_UPSTREAMS"}},
      {"connection reset before any answer",
       relay("upstream_reset", "llm.example closed the connection (ECONNRESET)",
             model("openai", "m", "https://llm.example/v1"), {{"reason", "ECONNRESET"}}),
       "FNNNN",
       "",
       "fail",
       {"reach:dropped the connection before answering"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: a connected but silent provider is reachable: a timeout condition, not a reach failure") {
  json o = relay("timeout", "api.openai.com accepted the connection but sent no response within 60 s", openai());
  o["timings"] = {{"dns", 3}, {"connect", 25}};
  check({"first-byte timeout",
         o,
         "PNNNN",
         "timeout",
         "fail",
         {"reach:connected to api.openai.com:443", "cond:turn streaming on", "summary:Not a settings problem"}});
  // The relay says which phase timed out; the phase decides, never the wording.
  json phased = relay("timeout", "timed out", openai(), {{"phase", "connect"}});
  check({"phase connect", phased, "FNNNN", "", "fail", {"reach:could not connect"}});
}

TEST_CASE("diagnose: endpoint — the base URL is not an OpenAI-compatible API") {
  const std::vector<Case> cases = {
      {"config: unusable base URL",
       relay("config", "the model's base URL cannot be used: the scheme ftp is not http or https", vllm(),
             {{"field", "api_base"}, {"reason", "bad_base_url"}, {"detail", "the scheme ftp is not http or https"}}),
       "NFNNN",
       "",
       "fail",
       {"endpoint:fix the model's base URL: the scheme ftp is not http or https", "reach:not checked",
        "summary:The base URL cannot be used"}},
      {"redirect http to https",
       relay("redirect",
             "the provider answered 301 redirecting to api.example.com; the relay does not follow redirects",
             model("openai", "m", "http://api.example.com/v1"),
             {{"status", 301}, {"location", "https://api.example.com/v1/chat/completions"}}),
       "PFNNN",
       "",
       "fail",
       {"endpoint:use https:// in the base URL"}},
      {"redirect to a login page",
       relay("redirect", "the provider answered 302 redirecting to sso.example.com",
             model("openai", "m", "https://llm.example.com/v1"),
             {{"status", 302}, {"location", "https://sso.example.com/login?next=%2Fv1"}}),
       "PFNNN",
       "",
       "fail",
       {"endpoint:login page"}},
      {"vLLM without /v1: nginx 404 page",
       http(404, "text/html", fixture("nginx-404.html"), vllm_without_v1()),
       "PFNNN",
       "",
       "fail",
       {"endpoint:HTTP 404 HTML page \"404 Not Found\"", "endpoint:does the base URL end in /v1?",
        "endpoint:try http://10.0.0.5:8000/v1", "summary:does not lead to an OpenAI-compatible API"}},
      {"Ollama without /v1: plain-text 404",
       http(404, "text/plain; charset=utf-8", "404 page not found", ollama_without_v1()),
       "PFNNN",
       "",
       "fail",
       {"endpoint:HTTP 404 plain text: 404 page not found", "endpoint:try http://localhost:11434/v1"}},
      {"/v1 present but still a 404 page",
       http(404, "text/html", fixture("nginx-404.html"), model("openai", "m", "https://llm.example.com/v1")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:does not point at an OpenAI-compatible API", "!end in /v1?"}},
      {"405 from a FastAPI app",
       http_json(405, R"j({"detail":"Method Not Allowed"})j", vllm_without_v1()),
       "PFNNN",
       "",
       "fail",
       {"endpoint:HTTP 405", "endpoint:Method Not Allowed", "endpoint:/v1"}},
      {"OpenAI: JSON 404 that is not about the model",
       http_json(
           404,
           R"j({"error":{"message":"Invalid URL (POST /v1/chat/completion)","type":"invalid_request_error","param":null,"code":null}})j",
           model("openai", "gpt-4o", "https://api.openai.com/v1/chat/completion")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:Invalid URL", "endpoint:https://api.openai.com/v1"}},
      {"Azure: resource not found",
       http_json(404, R"j({"error":{"code":"404","message":"Resource not found"}})j", azure()),
       "PFNNN",
       "",
       "fail",
       {"endpoint:HTTP 404: Resource not found", "endpoint:resource endpoint", "endpoint:api-version"}},
      {"Anthropic: not_found_error without a model",
       http_json(404, R"j({"type":"error","error":{"type":"not_found_error","message":"Not Found"}})j",
                 model("anthropic", "claude-sonnet-4-5", "https://api.anthropic.com")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:not_found_error", "endpoint:https://api.anthropic.com/v1/"}},
      {"a product site at 200",
       http(200, "text/html; charset=utf-8", fixture("product-site.html"), model("openai", "m", "https://example.ai")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:HTTP 200 HTML page \"Example AI", "endpoint:a web page answered, not an API", "summary:a web site"}},
      {"Anthropic's native Messages API at 200",
       http_json(200, fixture("anthropic-native-message.json"),
                 model("openai", "claude-sonnet-4-5", "https://claude-proxy.example/v1")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:Anthropic Messages body", "endpoint:https://api.anthropic.com/v1/"}},
      {"plain HTTP to an HTTPS port",
       http(400, "text/html",
            "<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body></body></html>",
            model("openai", "m", "http://llm.example:443/v1")),
       "PFNNN",
       "",
       "fail",
       {"endpoint:use https://"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: key — the provider rejects the key") {
  const std::vector<std::string> secret = {"sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123"};
  json openai_401 = http_json(
      401,
      R"j({"error":{"message":"Incorrect API key provided: sk-proj-****************************0123. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})j",
      openai());
  openai_401["secrets"] = secret;
  const std::vector<Case> cases = {
      {"OpenAI invalid_api_key, masked echo",
       openai_401,
       "PPFNN",
       "",
       "fail",
       {"key:HTTP 401 invalid_request_error/invalid_api_key: Incorrect API key provided: [REDACTED]",
        "key:check the provider key's value", "summary:The key was rejected", "!0123", "model:not checked"}},
      {"Anthropic authentication_error",
       http_json(
           401,
           R"j({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CABC"})j",
           anthropic()),
       "PPFNN",
       "",
       "fail",
       {"key:HTTP 401 authentication_error: invalid x-api-key"}},
      {"Azure: key or resource endpoint",
       http_json(
           401,
           R"j({"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}})j",
           azure()),
       "PPFNN",
       "",
       "fail",
       {"key:HTTP 401: Access denied", "key:the resource the key belongs to", "summary:another resource"}},
      {"OpenRouter 401",
       http_json(401, R"j({"error":{"message":"No auth credentials found","code":401}})j", openrouter()),
       "PPFNN",
       "",
       "fail",
       {"key:No auth credentials found"}},
      {"Anthropic 403 permission_error",
       http_json(
           403,
           R"j({"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}})j",
           anthropic()),
       "PPFNN",
       "",
       "fail",
       {"key:permission_error", "key:lacks permission", "!model:not found"}},
      {"Gemini: API key not valid (a 400, wrapped in an array)",
       http_json(
           400,
           R"j([{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}])j",
           gemini()),
       "PPFNN",
       "",
       "fail",
       {"key:API key not valid", "!unsupported"}},
      {"DeepSeek 401",
       http_json(
           401,
           R"j({"error":{"message":"Authentication Fails, Your api key: ****0123 is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}})j",
           deepseek()),
       "PPFNN",
       "",
       "fail",
       {"key:authentication_error/invalid_request_error: Authentication Fails"}},
      {"vLLM started with --api-key",
       http_json(401, R"j({"error":"Unauthorized"})j", vllm()),
       "PPFNN",
       "",
       "fail",
       {"key:HTTP 401: Unauthorized"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: model — the provider does not know the model name") {
  const std::vector<Case> cases = {
      {"OpenAI model_not_found",
       http_json(
           404,
           R"j({"error":{"message":"The model `gpt-99` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})j",
           model("openai", "gpt-99", "https://api.openai.com/v1")),
       "PPPFN",
       "",
       "fail",
       {"model:the provider says model `gpt-99` does not exist for this key: check the model name (Azure: the "
        "deployment name)",
        "key:the provider accepted the key", "endpoint:the API answered in its own error format",
        "summary:The model name was not found"}},
      {"Anthropic not_found_error naming the model",
       http_json(404, R"j({"type":"error","error":{"type":"not_found_error","message":"model: claude-nope"}})j",
                 model("anthropic", "claude-nope", "https://api.anthropic.com/v1/")),
       "PPPFN",
       "",
       "fail",
       {"model:`claude-nope`", "model:not_found_error: model: claude-nope"}},
      {"Azure DeploymentNotFound",
       http_json(
           404,
           R"j({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}})j",
           azure()),
       "PPPFN",
       "",
       "fail",
       {"model:DeploymentNotFound", "model:no deployment named `gpt4o-prod`", "model:deployment name"}},
      {"Gemini NOT_FOUND",
       http_json(
           404,
           R"j([{"error":{"code":404,"message":"models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.","status":"NOT_FOUND"}}])j",
           model("gemini", "gemini-9", "https://generativelanguage.googleapis.com/v1beta/openai/")),
       "PPPFN",
       "",
       "fail",
       {"model:NOT_FOUND", "model:`gemini-9`"}},
      {"DeepSeek 400 Model Not Exist",
       http_json(
           400,
           R"j({"error":{"message":"Model Not Exist","type":"invalid_request_error","param":null,"code":"invalid_request_error"}})j",
           model("deepseek", "deepseek-chatt", "https://api.deepseek.com")),
       "PPPFN",
       "",
       "fail",
       {"model:Model Not Exist", "model:`deepseek-chatt`"}},
      {"vLLM flat NotFoundError",
       http_json(
           404,
           R"j({"object":"error","message":"The model `qwen` does not exist.","type":"NotFoundError","param":null,"code":404})j",
           model("openai", "qwen", "http://10.0.0.5:8000/v1")),
       "PPPFN",
       "",
       "fail",
       {"model:NotFoundError: The model `qwen` does not exist."}},
      {"OpenRouter invalid model id",
       http_json(400, R"j({"error":{"message":"meta-llama/llama-9 is not a valid model ID","code":400}})j",
                 model("openrouter", "meta-llama/llama-9", "https://openrouter.ai/api/v1")),
       "PPPFN",
       "",
       "fail",
       {"model:is not a valid model ID"}},
      {"Ollama model not pulled",
       http_json(404, R"j({"error":"model \"llama9\" not found, try pulling it first"})j",
                 model("openai", "llama9", "http://localhost:11434/v1")),
       "PPPFN",
       "",
       "fail",
       {"model:try pulling it first"}},
      {"no model name in the outcome: the provider's backticks",
       http_json(
           404,
           R"j({"error":{"message":"The model `gpt-x` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})j",
           json{{"provider", "openai"}}),
       "PPPFN",
       "",
       "fail",
       {"model:model `gpt-x` does not exist"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: provider-side conditions are not settings failures") {
  json rate = http_json(
      429,
      R"j({"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 30000, Requested 890. Please try again in 1.78s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}})j",
      openai());
  rate["headers"] = {{"Retry-After", "2"}, {"x-ratelimit-remaining-tokens", "0"}};
  const std::vector<Case> cases = {
      {"OpenAI rate limit with Retry-After",
       rate,
       "PPPNN",
       "rate_limit",
       "fail",
       {"cond:Retry-After: 2 s", "cond:tokens/rate_limit_exceeded", "summary:Not a settings problem",
        "key:the provider accepted the key", "model:not checked"}},
      {"OpenAI insufficient_quota",
       http_json(
           429,
           R"j({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})j",
           openai()),
       "PPPNN",
       "quota",
       "fail",
       {"cond:billing: retrying won't help", "summary:out of credit or quota"}},
      {"Anthropic credit balance too low (a 400)",
       http_json(
           400,
           R"j({"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}})j",
           anthropic()),
       "PPPNN",
       "quota",
       "fail",
       {"cond:credit balance is too low", "cond:retrying won't help"}},
      {"OpenRouter 402",
       http_json(
           402,
           R"j({"error":{"message":"Insufficient credits. Purchase more at https://openrouter.ai/settings/credits","code":402}})j",
           openrouter()),
       "PPPNN",
       "quota",
       "fail",
       {"cond:Insufficient credits"}},
      {"DeepSeek 402 Insufficient Balance",
       http_json(
           402,
           R"j({"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}})j",
           deepseek()),
       "PPPNN",
       "quota",
       "fail",
       {"cond:Insufficient Balance"}},
      {"Anthropic 429 rate_limit_error",
       http_json(
           429,
           R"j({"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50,000 input tokens per minute."}})j",
           anthropic()),
       "PPPNN",
       "rate_limit",
       "fail",
       {"cond:rate_limit_error"}},
      {"Gemini quota per minute (RESOURCE_EXHAUSTED with a retry)",
       http_json(
           429,
           R"j([{"error":{"code":429,"message":"You exceeded your current quota. Please retry in 23.4s.","status":"RESOURCE_EXHAUSTED"}}])j",
           gemini()),
       "PPPNN",
       "rate_limit",
       "fail",
       {"cond:RESOURCE_EXHAUSTED"}},
      {"Azure 429 with retry after",
       http_json(
           429,
           R"j({"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}})j",
           azure()),
       "PPPNN",
       "rate_limit",
       "fail",
       {"cond:retry after 6 seconds"}},
      {"OpenAI 500",
       http_json(
           500,
           R"j({"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}})j",
           openai()),
       "PPNNN",
       "outage",
       "fail",
       {"cond:HTTP 500 server_error", "cond:status page", "summary:Not a settings problem"}},
      {"nginx 502 page in front of a dead vLLM",
       http(502, "text/html", fixture("nginx-502.html"), vllm()),
       "PNNNN",
       "outage",
       "fail",
       {"cond:502 Bad Gateway", "cond:10.0.0.5", "endpoint:not checked"}},
      {"OpenRouter 503 no provider",
       http_json(503, R"j({"error":{"message":"No available providers for this request","code":503}})j", openrouter()),
       "PPNNN",
       "outage",
       "fail",
       {"cond:No available providers"}},
      {"Anthropic 529 overloaded",
       http_json(529, R"j({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})j", anthropic()),
       "PPNNN",
       "overloaded",
       "fail",
       {"cond:overloaded_error", "cond:backoff"}},
      {"OpenAI region refused",
       http_json(
           403,
           R"j({"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}})j",
           openai()),
       "PPNNN",
       "region",
       "fail",
       {"cond:run the relay where the provider is available", "!lacks permission"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: prompt-side conditions: settings pass, the answer step names the prompt") {
  const std::vector<Case> cases = {
      {"OpenAI context_length_exceeded",
       http_json(
           400,
           R"j({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})j",
           openai()),
       "PPPPF",
       "context_length",
       "fail",
       {"answer:context_length_exceeded", "answer:shorten the conversation or lower max tokens",
        "summary:Not a settings problem", "model:got past the model name"}},
      {"llama.cpp exceed_context_size_error",
       http_json(
           400,
           R"j({"error":{"code":400,"message":"request (36146 tokens) exceeds the available context size (32768 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":36146,"n_ctx":32768}})j",
           llamacpp()),
       "PPPPF",
       "context_length",
       "fail",
       {"answer:exceed_context_size_error"}},
      {"vLLM flat BadRequestError context",
       http_json(
           400,
           R"j({"object":"error","message":"This model's maximum context length is 131072 tokens. However, you requested 156632 tokens (152536 in the messages, 4096 in the completion).","type":"BadRequestError","param":null,"code":400})j",
           vllm()),
       "PPPPF",
       "context_length",
       "fail",
       {"answer:maximum context length"}},
      {"max_tokens on a reasoning model",
       http_json(
           400,
           R"j({"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}})j",
           model("openai", "o3-mini", "https://api.openai.com/v1")),
       "PPPPF",
       "unsupported_parameter",
       "fail",
       {"answer:takes max_completion_tokens, not max_tokens", "answer:send the limit as max_completion_tokens",
        "summary:refuses the parameter max_tokens"}},
      {"temperature only default",
       http_json(
           400,
           R"j({"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}})j",
           model("openai", "gpt-5", "https://api.openai.com/v1")),
       "PPPPF",
       "unsupported_parameter",
       "fail",
       {"answer:only accepts the default temperature: clear temperature"}},
      {"Mistral extra_forbidden",
       http_json(
           422,
           R"j({"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","max_completion_tokens"],"msg":"Extra inputs are not permitted","input":256}]},"type":"invalid_request_error","param":null,"code":null})j",
           mistral()),
       "PPPPF",
       "unsupported_parameter",
       "fail",
       {"answer:send the limit as max_tokens"}},
      {"Anthropic invalid_request_error otherwise",
       http_json(
           400,
           R"j({"type":"error","error":{"type":"invalid_request_error","message":"messages: Unexpected role \"tool\". Allowed roles are \"user\" or \"assistant\"."}})j",
           anthropic()),
       "PPPPF",
       "invalid_request",
       "fail",
       {"answer:Unexpected role", "answer:the settings work", "summary:rejected the request itself"}},
      {"Azure prompt content filter",
       http_json(
           400,
           R"j({"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"violence":{"filtered":true,"severity":"medium"}}}}})j",
           azure()),
       "PPPPF",
       "content_filter",
       "fail",
       {"answer:content management policy", "answer:rephrase the prompt"}},
      {"OpenRouter moderation 403",
       http_json(
           403,
           R"j({"error":{"code":403,"message":"meta-llama/llama-3.3-70b-instruct requires moderation on OpenRouter. Your input was flagged for \"violence\".","metadata":{"reasons":["violence"],"flagged_input":"...","provider_name":"OpenRouter","model_slug":"meta-llama/llama-3.3-70b-instruct"}}})j",
           openrouter()),
       "PPPPF",
       "content_filter",
       "fail",
       {"answer:flagged", "!lacks permission"}},
      {"DeepSeek 422 invalid max_tokens",
       http_json(
           422,
           R"j({"error":{"message":"Invalid max_tokens value, the valid range of max_tokens is [1, 8192]","type":"invalid_request_error","param":null,"code":"invalid_request_error"}})j",
           deepseek()),
       "PPPPF",
       "invalid_request",
       "fail",
       {"answer:Invalid max_tokens value"}},
      {"Anthropic 413 request_too_large",
       http_json(
           413,
           R"j({"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}})j",
           anthropic()),
       "PPNNN",
       "request_too_large",
       "fail",
       {"cond:shrink the image"}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: the relay's own refusals are nobody's model setting") {
  const std::vector<Case> cases = {
      {"request too large",
       relay("too_large", "the request is 30000000 bytes; the relay accepts at most 20971520 (images included)",
             openai(), {{"reason", "request_too_large"}}),
       "NNNNN",
       "relay_limit",
       "fail",
       {"cond:shrink or remove the image", "summary:Not a settings problem",
        "reach:not checked: the relay did not call the provider"}},
      {"answer announced too large",
       relay(
           "too_large",
           "the provider announced a 90000000-byte response, more than the relay's response size limit (8388608 bytes)",
           openai(), {{"reason", "response_too_large"}}),
       "NNNNN",
       "relay_limit",
       "fail",
       {"cond:larger than the relay's response size limit", "cond:lower max tokens", "!shrink or remove the image"}},
      {"busy",
       relay("busy",
             "you already have 4 calls running (the limit per user on this relay); wait for one to finish or stop it",
             openai()),
       "NNNNN",
       "relay_limit",
       "fail",
       {"cond:wait for one to finish"}},
      {"playground session, not the provider key",
       relay("unauthorized", "sign in first: open the playground with its login link", openai()),
       "NNNNN",
       "session",
       "fail",
       {"cond:sign in to the playground again", "!key was rejected"}},
      {"cross-site", relay("cross_site", "cross-site requests are refused", openai()), "NNNNN", "session", "fail", {}},
      {"unknown model id",
       relay("unknown_model", "no model with id \"m-1\" (the list may have changed: reload the model list)", openai()),
       "NNNNN",
       "unknown_model",
       "fail",
       {"cond:reload the model list"}},
      {"multi-target model",
       relay("not_testable", "this model has 2 targets; the playground tests single-target models", openai()),
       "NNNNN",
       "not_testable",
       "fail",
       {"cond:single-target"}},
      {"invalid request body",
       relay("invalid_request", "the request body is not valid", openai()),
       "NNNNN",
       "invalid_request",
       "fail",
       {}},
      {"an unknown relay kind",
       relay("internal", "the relay failed unexpectedly", openai()),
       "NNNNN",
       "relay_error",
       "fail",
       {}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: answer — 2xx bodies and streams") {
  json relay_idle = streamed("relay-idle-timeout.sse", vllm());
  relay_idle["headers"] = forwarded();
  json timeout_mid = streamed("openai-stream-cut.sse", openai());
  timeout_mid["relayError"] = {{"kind", "timeout"},
                               {"message", "the provider did not finish within 120 s (total time limit)"}};
  json cut_by_relay_size = streamed("openai-stream-cut.sse", openai());
  cut_by_relay_size["relayError"] = {
      {"kind", "too_large"},
      {"message", "the provider's response passed 8388608 bytes (the relay's response size limit)"}};

  const std::vector<Case> cases = {
      {"OpenAI completion body, validated by the core",
       http_json(200, fixture("openai-completion-ok.json"), openai()),
       "PPPPP",
       "",
       "pass",
       {"summary:All checks passed: the key, base URL and model name work.", "answer:a valid chat completion",
        "answer:finish_reason stop", "model:model `gpt-4o` answered (reported as `gpt-4o-2024-08-06`)"}},
      {"OpenAI stream",
       streamed("openai-stream-ok.sse", openai()),
       "PPPPP",
       "",
       "pass",
       {"answer:12 characters", "summary:All checks passed"}},
      {"Azure stream with a prompt-filter chunk first",
       streamed("azure-stream-ok.sse", azure()),
       "PPPPP",
       "",
       "pass",
       {}},
      {"DeepSeek reasoner stream", streamed("deepseek-reasoner-stream.sse", deepseek()), "PPPPP", "", "pass", {}},
      {"a tool-call answer with null content",
       http_json(200, fixture("tool-call-answer.json"), openai()),
       "PPPPP",
       "",
       "pass",
       {"answer:1 tool call"}},
      {"reasoning model cut by max tokens, no text (body)",
       http_json(200, fixture("reasoning-cut-by-length.json"), model("openai", "o4-mini", "https://api.openai.com/v1")),
       "PPPPP",
       "truncated",
       "warn",
       {"answer:reached, answered, cut short by the token limit",
        "cond:raise max tokens (reasoning models spend tokens thinking first)", "summary:The settings work", "!fail"}},
      {"reasoning model cut by max tokens (stream)",
       streamed("reasoning-stream-cut-by-length.sse", model("openai", "gpt-5-mini", "https://api.openai.com/v1")),
       "PPPPP",
       "truncated",
       "warn",
       {"cond:raise max tokens"}},
      {"stream cut before [DONE]",
       streamed("openai-stream-cut.sse", openai()),
       "PPPPF",
       "",
       "fail",
       {"answer:[DONE]", "answer:retry", "summary:not with a valid chat completion"}},
      {"malformed JSON body",
       http_json(200, R"j({"id":"x","object":"chat.completion","choices":[{"index":0,"message":)j", vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:not a JSON chat completion", "answer:OpenAI-compatible API"}},
      {"JSON without choices",
       http_json(200, R"j({"id":"x","object":"chat.completion","created":1,"model":"m"})j", vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:choices", "answer:chat-completion shape"}},
      {"OpenRouter error event mid-stream",
       streamed("openrouter-midstream-error.sse", openrouter()),
       "PPPPF",
       "outage",
       "fail",
       {"answer:Upstream provider disconnected", "summary:in the middle of the answer"}},
      {"Anthropic-compatible overloaded event mid-stream",
       streamed("anthropic-compat-overloaded.sse", anthropic()),
       "PPPPF",
       "overloaded",
       "fail",
       {"answer:overloaded_error", "cond:backoff"}},
      {"the relay's idle timeout as an event in the stream",
       relay_idle,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout: the provider sent nothing for 30 s", "cond:the provider is stalling",
        "summary:cut short"}},
      {"the relay's total timeout reported beside the result",
       timeout_mid,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout", "cond:lower max tokens"}},
      {"the relay's response size limit mid-stream",
       cut_by_relay_size,
       "PPPPF",
       "relay_limit",
       "fail",
       {"cond:lower max tokens"}},
      {"content_filter finish",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}})j",
           azure()),
       "PPPPP",
       "content_filter",
       "warn",
       {"cond:content filter stopped the answer"}},
      {"llama.cpp error body at 200",
       http_json(
           200,
           R"j({"error":{"code":400,"message":"request (9000 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error"}})j",
           llamacpp()),
       "PPPPF",
       "context_length",
       "fail",
       {"answer:exceeds the available context size"}},
      {"empty answer",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}})j",
           vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:the answer is empty (finish_reason stop)", "summary:the answer is empty"}},
      {"a refusal",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}})j",
           openai()),
       "PPPPP",
       "refusal",
       "warn",
       {"cond:I can't help with that."}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: a page-built Result works without the body (the page's result wins)") {
  json o = {{"status", 200},
            {"contentType", "text/event-stream"},
            {"model", openai()},
            {"result",
             {{"ok", true},
              {"content", "Hi"},
              {"reasoning", ""},
              {"toolCalls", json::array()},
              {"finishReason", "stop"},
              {"usage", nullptr},
              {"model", "gpt-4o"},
              {"done", true},
              {"findings", json::array()}}}};
  check({"page result", o, "PPPPP", "", "pass", {"answer:2 characters"}});
  // A page may send only the start of a long answer, with its whole size beside it.
  o["result"]["contentLength"] = 1000000;
  check({"an excerpt with its length", o, "PPPPP", "", "pass", {"answer:1000000 characters"}});
  // A length smaller than the text, negative or fractional is not believed.
  for (const json& bogus : {json(1), json(-5), json(3.5), json("9")}) {
    o["result"]["contentLength"] = bogus;
    check({"a bogus length", o, "PPPPP", "", "pass", {"answer:2 characters"}});
  }
  o["result"].erase("contentLength");
  // ok:true but an error finding: the finding wins (docs/contracts.md: ok is false when any finding is an error).
  o["result"]["findings"] =
      json::array({{{"severity", "error"}, {"path", "chunks[3]"}, {"message", "chunk 4 is not JSON: syntax error"}}});
  check({"ok contradicted by a finding", o, "PPPPF", "", "fail", {"answer:chunks[3]: chunk 4 is not JSON"}});
}

TEST_CASE("diagnose: secrets never reach evidence, advice, conditions or summary") {
  const std::string key = "sk-or-v1-0123456789abcdef0123456789abcdef";
  const std::vector<json> outcomes = {
      // The key echoed whole in a provider message, in a header, and in a relay message.
      [&] {
        json o =
            http_json(401, R"j({"error":{"message":"key )j" + key + R"j( is not valid","code":401}})j", openrouter());
        o["headers"] = {{"x-debug-key", key}};
        return o;
      }(),
      [&] {
        return relay("redirect", ("redirecting to https://evil.example/?k=" + key).c_str(), openrouter(),
                     {{"location", "https://evil.example/login?k=" + key}});
      }(),
      // Masked echo, and JSON-escaped inside a stream error.
      http_json(
          401,
          R"j({"error":{"message":"Incorrect API key provided: sk-or-v****cdef.","type":"invalid_request_error","code":"invalid_api_key"}})j",
          openrouter()),
      [&] {
        json o = streamed("openai-stream-cut.sse", openrouter());
        o["result"]["findings"].push_back(
            {{"severity", "error"},
             {"path", "chunks[1]"},
             {"message", "the provider sent an error in the stream: bad key " + key + " (code 401)"}});
        return o;
      }(),
      // In the base URL (a key pasted as a query parameter).
      [&] {
        json o = relay("dns", "the host x could not be resolved", json::object());
        o["model"] = model("openrouter", "m", ("https://openrouter.example/api/v1?key=" + key).c_str());
        return o;
      }(),
  };
  for (json o : outcomes) {
    o["secrets"] = json::array({key});
    const std::string out = to_json(diagnose(o)).dump();
    INFO(out);
    CHECK(out.find(key) == std::string::npos);
    CHECK(out.find("cdef") == std::string::npos);
    CHECK(out.find("0123456789abcdef") == std::string::npos);
  }
  // Redaction is what keeps it out: without the secret listed the message is quoted as is.
  json plain = outcomes[0];
  const std::string out = to_json(diagnose(plain)).dump();
  CHECK(out.find(key) != std::string::npos);
}

TEST_CASE("diagnose: a long secret cut by the evidence limit leaves no prefix behind") {
  // The secret sits right where a 300-character line would cut it.
  const std::string key = "sk-ant-api03-" + std::string(80, 'Q') + "ZZ9z";
  const std::string message = std::string(250, 'm') + " " + key + " trailing";
  json o =
      http_json(401, R"j({"type":"error","error":{"type":"authentication_error","message":")j" + message + R"j("}})j",
                anthropic());
  o["secrets"] = json::array({key});
  const std::string out = to_json(diagnose(o)).dump();
  CHECK(out.find("sk-ant-api03-QQQ") == std::string::npos);
  CHECK(out.find("QQQQ") == std::string::npos);
}

TEST_CASE("diagnose: garbage outcomes never throw and still give five steps") {
  const std::vector<json> garbage = {
      json(nullptr),
      json(42),
      json("relayError"),
      json::array({1, 2}),
      json::object(),
      json{{"status", "abc"}},
      json{{"status", -1}},
      json{{"status", 1e300}},
      json{{"status", "404"}, {"body", 42}},
      json{{"relayError", 5}},
      json{{"relayError", json::array()}},
      json{{"relayError", "dns"}},
      json{{"relayError", {{"kind", 7}, {"message", {{"nested", true}}}}}},
      json{{"result", "x"}},
      json{{"result", {{"findings", "no"}}}},
      json{{"result", {{"findings", {1, "a", nullptr, {{"severity", 3}}}}}}},
      json{{"result", {{"ok", "yes"}, {"content", 5}, {"toolCalls", {{"a", 1}}}, {"finishReason", false}}}},
      json{{"model", json::array()}},
      json{{"model", {{"api_base", 5}, {"provider", nullptr}}}},
      json{{"model", {{"api_base", "://"}}}, {"relayError", {{"kind", "refused"}}}},
      json{{"model", {{"api_base", "http://[::1"}}}, {"relayError", {{"kind", "refused"}}}},
      json{{"model", {{"api_base", "@@@:::///"}}}, {"relayError", {{"kind", "blocked_address"}}}},
      json{{"headers", "x"}},
      json{{"headers", {{"retry-after", {1, 2}}}}, {"status", 429}},
      json{{"headers", json::array({json::array({"Retry-After", 3}), "junk", json::array({1, 2})})}, {"status", 429}},
      json{{"secrets", {1, "", nullptr}}, {"status", 401}, {"body", ""}},
      json{{"secrets", "s"}, {"status", 200}},
      json{{"timings", "x"}, {"relayError", {{"kind", "timeout"}}}},
      json{{"status", 200}, {"body", "data: not json\n\n"}},
      json{{"status", 200}, {"body", std::string("\xff\xfe\x00garbage", 10)}},
      json{{"status", 500}, {"body", "{\"error\":{\"message\":{\"deep\":[[[[[]]]]]}}}"}},
      json{{"status", 299}, {"body", "{\"error\":{\"code\":\"9999\",\"message\":\"x\"}}"}},
      json{{"status", 302}},
      json{{"status", 101}},
  };
  for (const json& g : garbage) {
    INFO(g.dump());
    const Diagnosis d = diagnose(g);
    REQUIRE(d.steps.size() == 5);
    CHECK((d.verdict == "pass" || d.verdict == "fail" || d.verdict == "warn"));
    CHECK(!d.summary.empty());
    const json j = to_json(d);
    CHECK(j["steps"][0]["step"] == "reach");
    CHECK(j["steps"][4]["step"] == "answer");
    for (const auto& s : j["steps"]) CHECK(s["evidence"].get<std::string>().size() <= 300);
  }
  // Nothing at all to go on: nothing is claimed to pass.
  const Diagnosis empty = diagnose(json::object());
  for (const Step& s : empty.steps) CHECK(s.status == StepStatus::NotReached);
  CHECK(empty.verdict == "fail");
  CHECK(empty.summary.find("Nothing to diagnose") != std::string::npos);
}

TEST_CASE("diagnose: huge inputs stay bounded") {
  std::string page = "<html><head><title>" + std::string(5000, 'T') + "</title></head><body>" +
                     std::string(4 * 1024 * 1024, 'x') + "</body></html>";
  const Diagnosis d = diagnose(http(404, "text/html", page, vllm_without_v1()));
  CHECK(d.steps[1].status == StepStatus::Fail);
  CHECK(d.steps[1].evidence.size() <= 300);
  CHECK(d.summary.size() <= 400);

  json many = streamed("openai-stream-cut.sse", openai());
  for (int i = 0; i < 5000; ++i)
    many["result"]["findings"].push_back({{"severity", "error"}, {"path", "p"}, {"message", std::string(2000, 'e')}});
  const Diagnosis m = diagnose(many);
  CHECK(m.steps[4].status == StepStatus::Fail);
  CHECK(m.steps[4].evidence.size() <= 300);

  json long_name =
      relay("refused", "refused",
            model("openai", std::string(10000, 'n').c_str(), ("http://" + std::string(5000, 'h') + ":1/v1").c_str()));
  const Diagnosis n = diagnose(long_name);
  CHECK(n.steps[0].advice.size() <= 300);
}

TEST_CASE("diagnose: the JSON shape is the contract the page reads") {
  const json j = to_json(diagnose(http_json(200, fixture("openai-completion-ok.json"), openai())));
  REQUIRE(j.is_object());
  CHECK(j["verdict"] == "pass");
  CHECK(j["conditions"].is_array());
  const char* names[] = {"reach", "endpoint", "key", "model", "answer"};
  for (int i = 0; i < 5; ++i) {
    CHECK(j["steps"][i]["step"] == names[i]);
    CHECK(j["steps"][i]["status"] == "pass");
    CHECK(j["steps"][i]["advice"] == "");
  }
  const json r = to_json(diagnose(relay("too_large", "too big", openai())));
  REQUIRE(r["conditions"].size() == 1);
  CHECK(r["conditions"][0]["side"] == "relay");
  CHECK(r["steps"][0]["status"] == "not_reached");
}

TEST_CASE("diagnose: the same facts in the other forms a page may hand them over") {
  // The relay's error as the body, not lifted into relayError.
  json body_only = http_json(
      502,
      R"j({"error":{"source":"relay","kind":"dns","message":"the host api.openai.cmo could not be resolved (ENOTFOUND)"}})j",
      model("openai", "gpt-4o", "https://api.openai.cmo/v1"));
  body_only["headers"] = {{"x-playground-source", "relay"}};
  check({"relay error in the body",
         body_only,
         "FNNNN",
         "",
         "fail",
         {"reach:check the host name", "reach:relay error dns"}});

  // A stream's raw bytes instead of a decoded result.
  check({"raw stream body, whole",
         http(200, "text/event-stream", fixture("openai-stream-ok.sse"), openai()),
         "PPPPP",
         "",
         "pass",
         {"answer:12 characters"}});
  check({"raw stream body with a mid-stream error",
         http(200, "text/event-stream", fixture("openrouter-midstream-error.sse"), openrouter()),
         "PPPPF",
         "outage",
         "fail",
         {"answer:error event in the stream (code 502): Upstream provider disconnected"}});
  json raw_relay_event = http(200, "text/event-stream", fixture("relay-idle-timeout.sse"), vllm());
  raw_relay_event["headers"] = forwarded();
  check({"raw stream body ending in the relay's event",
         raw_relay_event,
         "PPPPF",
         "timeout",
         "fail",
         {"answer:relay error timeout", "cond:the provider is stalling"}});
  raw_relay_event["headers"] = forwarded("AAAAAAAAAAAAAAAAAAAAAA");
  check({"raw stream body ending in another nonce's event",
         raw_relay_event,
         "PPPPF",
         "",
         "fail",
         {"answer:claims to be the relay's", "!relay error timeout"}});

  // A page that always hands over a result, even an empty one beside a connect failure.
  json empty_result = relay("timeout", "could not connect to api.example.com within 10 s",
                            model("openai", "m", "https://api.example.com/v1"));
  empty_result["result"] = {
      {"ok", false},
      {"content", ""},
      {"toolCalls", json::array()},
      {"done", false},
      {"findings",
       json::array(
           {{{"severity", "error"},
             {"path", ""},
             {"message",
              "the stream carried no data events: it is not a chat-completion event stream, or it was empty"}}})}};
  check({"connect timeout beside an empty result", empty_result, "FNNNN", "", "fail", {"reach:could not connect"}});

  // Groq's wording for a field it refuses.
  check(
      {"Groq unsupported property",
       http_json(
           400,
           R"j({"error":{"message":"'messages.0' : for 'role:user' the following must be satisfied[('messages.0.name' : property 'name' is unsupported)]","type":"invalid_request_error"}})j",
           model("groq", "llama-3.3-70b-versatile", "https://api.groq.com/openai/v1")),
       "PPPPF",
       "unsupported_parameter",
       "fail",
       {"answer:property 'name' is unsupported"}});
}

TEST_CASE("diagnose: every field of real outcomes replaced by values of every type") {
  const std::vector<json> bases = {
      http_json(
          401,
          R"j({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})j",
          openai()),
      relay("blocked_address", "x resolves to 10.0.0.1, a private address", vllm(), {{"category", "private"}}),
      streamed("openrouter-midstream-error.sse", openrouter()),
      streamed("relay-idle-timeout.sse", vllm()),
      http(404, "text/html", fixture("nginx-404.html"), vllm_without_v1()),
  };
  const std::vector<json> values = {
      json(nullptr),
      json(true),
      json(0),
      json(-7),
      json(3.5),
      json(""),
      json("x"),
      json("404"),
      json::array(),
      json::array({"a", 1}),
      json::object(),
      json{{"kind", "timeout"}, {"message", 3}},
      json{{"findings", json::array({{{"severity", "error"}, {"message", nullptr}}})}},
  };
  std::size_t runs = 0;
  for (const json& base : bases) {
    for (auto it = base.begin(); it != base.end(); ++it) {
      for (const json& v : values) {
        json o = base;
        o[it.key()] = v;
        const Diagnosis d = diagnose(o);
        CHECK(d.steps.size() == 5);
        ++runs;
        // One level down too (result.*, model.*, relayError.*).
        if (base[it.key()].is_object()) {
          for (auto inner = base[it.key()].begin(); inner != base[it.key()].end(); ++inner) {
            json deeper = base;
            deeper[it.key()][inner.key()] = v;
            CHECK(diagnose(deeper).steps.size() == 5);
            ++runs;
          }
        }
      }
    }
  }
  CHECK(runs > 300);
}

TEST_CASE("a run the user stopped blames no setting") {
  json streaming = {
      {"aborted", true},
      {"status", 200},
      {"contentType", "text/event-stream"},
      {"result",
       {{"ok", false},
        {"content", "Hel"},
        {"reasoning", ""},
        {"toolCalls", json::array()},
        {"finishReason", nullptr},
        {"usage", nullptr},
        {"model", "gpt-4.1-mini"},
        {"done", false},
        {"findings",
         json::array(
             {{{"severity", "error"}, {"path", ""}, {"message", "stream ended without data: [DONE] (cut short)"}}})}}},
      {"model", {{"provider", "openai"}, {"model_name", "gpt-4.1-mini"}, {"api_base", "https://api.openai.com/v1"}}}};
  auto d = to_json(diagnose(streaming));
  CHECK(d["verdict"] == "warn");
  for (int i = 0; i < 4; ++i) CHECK(d["steps"][i]["status"] == "pass");
  CHECK(d["steps"][4]["status"] == "not_reached");
  CHECK(d["conditions"][0]["kind"] == "stopped");

  auto early = to_json(diagnose(json{{"aborted", true}}));
  CHECK(early["verdict"] == "warn");
  for (int i = 0; i < 5; ++i) CHECK(early["steps"][i]["status"] == "not_reached");
}

TEST_CASE("the page not reaching the relay is the relay's condition, not a setting") {
  auto d = to_json(diagnose(json{{"relayError", {{"kind", "relay_unreachable"}, {"message", "Failed to fetch"}}}}));
  CHECK(d["verdict"] == "fail");
  CHECK(d["conditions"][0]["kind"] == "relay_unreachable");
  for (int i = 0; i < 5; ++i) CHECK(d["steps"][i]["status"] == "not_reached");
}

TEST_CASE("diagnose: the relay's own relay_error event (this call's nonce) decides by its fields, never its wording") {
  // The nonce matches: kind, phase and reason are the relay's, whatever its message says.
  json idle = relay_event_stream({{"kind", "timeout"},
                                  {"message", "stopped"},
                                  {"phase", "idle"},
                                  {"reason", "idle_timeout"},
                                  {"nonce", kFixtureNonce}},
                                 openai());
  idle["headers"] = forwarded();
  check(
      {"idle, in plain words",
       idle,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout: stopped", "cond:the provider is stalling", "summary:cut short", "!claims to be"}});

  // The words of one limit with the phase of another: the phase decides.
  json total = relay_event_stream({{"kind", "timeout"},
                                   {"message", "the provider sent nothing for 30 s (idle limit between chunks)"},
                                   {"phase", "total"},
                                   {"nonce", kFixtureNonce}},
                                  openai());
  total["headers"] = forwarded();
  check({"total phase, idle wording",
         total,
         "PPPPF",
         "timeout",
         "fail",
         {"cond:the relay stops a call at its total time limit", "!stalling"}});

  json size = relay_event_stream(
      {{"kind", "too_large"}, {"message", "enough"}, {"reason", "response_size"}, {"nonce", kFixtureNonce}}, openai());
  size["headers"] = forwarded();
  check({"the response size limit", size, "PPPPF", "relay_limit", "fail", {"cond:lower max tokens"}});

  json reset = relay_event_stream(
      {{"kind", "upstream_reset"}, {"message", "gone"}, {"reason", "ECONNRESET"}, {"nonce", kFixtureNonce}}, openai());
  reset["headers"] = forwarded();
  check({"the provider closed the connection",
         reset,
         "PPPPF",
         "",
         "fail",
         {"summary:closed the connection in the middle"}});

  // The relay's wording without a kind the relay uses mid-stream: still the relay's, not the provider's.
  json other = relay_event_stream(
      {{"kind", "internal"}, {"message", "the provider sent nothing (idle limit)"}, {"nonce", kFixtureNonce}},
      openai());
  other["headers"] = forwarded();
  check({"another relay kind",
         other,
         "PPPPF",
         "",
         "fail",
         {"summary:the relay failed in the middle of the answer", "!stalling"}});
}

TEST_CASE(
    "diagnose: a relay_error event without this call's nonce is the provider's error event, posing as the relay") {
  // No nonce at all (the upstream cannot know it), the relay's very words and phase.
  json posed = streamed("relay-error-posed-by-upstream.sse", openai());
  posed["headers"] = forwarded();
  check({"no nonce",
         posed,
         "PPPPF",
         "",
         "fail",
         {"answer:the provider sent an event that claims to be the relay's (relay_error without the relay's nonce)",
          "answer:error event in the stream timeout: the provider sent nothing for 60 s",
          "summary:the provider sent an error", "!relay error timeout", "!stalling"}});

  // A nonce, but not this response's; and one beside a response without the relay's headers.
  json wrong = relay_event_stream(
      {{"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"nonce", "AAAAAAAAAAAAAAAAAAAAAA"}}, openai());
  wrong["headers"] = forwarded();
  check({"another nonce", wrong, "PPPPF", "", "fail", {"answer:with a nonce that is not this call's", "!relay error"}});
  wrong.erase("headers");
  check({"no header to compare with", wrong, "PPPPF", "", "fail", {"answer:claims to be the relay's", "!relay error"}});

  // An empty nonce never matches an absent header.
  json empty = relay_event_stream({{"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"nonce", ""}}, openai());
  check({"empty nonce, no header", empty, "PPPPF", "", "fail", {"answer:without the relay's nonce"}});
  empty["headers"] = {{"x-playground-relay-nonce", ""}};
  check({"empty nonce, empty header", empty, "PPPPF", "", "fail", {"answer:without the relay's nonce"}});

  // The provider's error type in the posing event is read as a provider's would be.
  json quota =
      relay_event_stream({{"kind", "insufficient_quota"}, {"message", "You exceeded your current quota"}}, openai());
  quota["headers"] = forwarded();
  check({"a posing event with a provider's meaning",
         quota,
         "PPPPF",
         "quota",
         "fail",
         {"answer:claims to be the relay's"}});

  // A provider error event earlier in the stream explains the run; the posing is still said.
  json both = streamed("openrouter-midstream-error.sse", openrouter());
  both["result"]["relayEvent"] = {
      {"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"reason", ""}, {"nonce", ""}};
  both["headers"] = forwarded();
  check({"a provider error first",
         both,
         "PPPPF",
         "outage",
         "fail",
         {"answer:claims to be the relay's", "answer:Upstream provider disconnected"}});

  // Whatever else explains the run (the page's own relay error here), the posing is said.
  json beside = posed;
  beside["relayError"] = {{"kind", "upstream_reset"}, {"message", "the stream was cut off (network error)"}};
  check({"beside the page's relay error", beside, "PPPPF", "", "fail", {"answer:claims to be the relay's"}});
}

TEST_CASE("diagnose: a relay-shaped body is the relay's only with x-playground-source: relay") {
  const char* body =
      R"j({"error":{"source":"relay","kind":"blocked_address","message":"api.example.com resolves to 10.0.0.5, a private address","category":"private"}})j";
  json o = http_json(502, body, model("openai", "m", "https://api.example.com/v1"));
  // No header: the upstream's body, an error at HTTP 502 like any other.
  check({"no header",
         o,
         "PPNNN",
         "outage",
         "fail",
         {"cond:the provider failed with HTTP 502", "!ALLOWED_PRIVATE_UPSTREAMS", "!relay error"}});
  o["headers"] = {{"x-playground-source", "upstream"}};
  check({"forwarded", o, "PPNNN", "outage", "fail", {"!ALLOWED_PRIVATE_UPSTREAMS", "!relay error"}});
  o["headers"] = {{"X-Playground-Source", "Relay "}};  // not the relay's exact value
  check({"another value", o, "PPNNN", "outage", "fail", {"!relay error"}});
  o["headers"] = {{"x-playground-source", "relay"}};
  check({"the relay's",
         o,
         "FNNNN",
         "",
         "fail",
         {"reach:relay error blocked_address", "reach:ALLOWED_PRIVATE_UPSTREAMS"}});
  // The Fetch API's [name, value] pairs carry it too.
  o["headers"] = json::array({json::array({"x-playground-source", "relay"})});
  check({"as pairs", o, "FNNNN", "", "fail", {"reach:relay error blocked_address"}});

  // At a 2xx a forged relay body is the provider's error instead of a completion.
  json ok_status = http_json(200, body, model("openai", "m", "https://api.example.com/v1"));
  check({"at 200", ok_status, "PPPPF", "", "fail", {"answer:error with a success status", "!relay error"}});
}

TEST_CASE("diagnose: the relay's timeouts take their phase from the phase field") {
  // The relay's words for the first-byte limit, without a phase and without a connect time:
  // nothing shows the connection was made, so it is read as a connect failure.
  json words = relay("timeout", "api.openai.com accepted the connection but sent no response within 60 s", openai());
  check({"wording only", words, "FNNNN", "", "fail", {"reach:could not connect"}});
  json phased = relay("timeout", "timed out", openai(), {{"phase", "first_byte"}, {"reason", "first_byte_timeout"}});
  check({"phase first_byte", phased, "PNNNN", "timeout", "fail", {"reach:connected to api.openai.com:443"}});
}
