// core.diagnose, the key step: provider error responses (real envelopes) that reject the key.
#include <doctest/doctest.h>

#include "support/diagnose.h"

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

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
