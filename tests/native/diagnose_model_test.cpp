// core.diagnose, the model step: provider error responses for a model name the provider
// does not know.
#include <doctest/doctest.h>

#include "support/diagnose.h"

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

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
