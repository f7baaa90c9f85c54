// Builds an OpenAI chat-completions request body from the playground's form, validating
// every value first. Pure: no I/O, never throws.
#pragma once

#include "core/base/finding.h"
#include "core/base/json_util.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

struct FieldError {
  std::string field;    // the form field: "params.temperature", "messages[2].content[1].image_url.url"
  std::string message;  // one sentence a user can act on
};

struct RequestLimits {
  std::size_t max_body_bytes = 20u << 20;  // the serialised body, images included
  std::size_t max_messages = 500;
  std::size_t max_text_bytes = 4u << 20;  // one text field
  std::size_t max_stop = 4;
  // Errors listed before the rest are summed up in one last entry: a hostile form with a
  // million bad parts must not produce a million-entry reply.
  std::size_t max_errors = 100;
};

struct BuildResult {
  bool ok = false;
  json body;                       // the chat-completions body when ok (null otherwise)
  Findings warnings;               // things that will be sent but deserve a word
  std::vector<FieldError> errors;  // when !ok: every problem found, not just the first
  std::size_t body_bytes = 0;      // when ok: dump_json(body).size(), as measured for the size limit
};

// `form` is a PlaygroundForm (docs/contracts.md):
//   { system?, messages: [{role, content}], params?: {temperature?, top_p?, max_tokens?,
//     stop?, presence_penalty?, frequency_penalty?, seed?, response_format?, reasoning_effort?}, stream?,
//     model?: {model_name, provider}, extra? }
BuildResult build_request(const json& form, const RequestLimits& limits = {});

// True for OpenAI reasoning families (o1, o3, o4…, gpt-5 except gpt-5-chat), which take
// max_completion_tokens and only default sampling. A vendor prefix ("openai/o3") and a
// fine-tune prefix ("ft:o4-mini:…") are ignored; case does not matter.
bool is_reasoning_model(std::string_view model_name);

// Exactly dump_json(body).size(), without building the text: a body may carry 20 MB of
// images, and serialising it only to measure it made buildRequest markedly slower in WASM.
std::size_t body_size(const json& body);

json to_json(const BuildResult& result);  // BuildResult (docs/contracts.md)

// The playground's parameters: the one list the request builder, the relay's body check and
// the page (core.parameters()) read. In the order the page shows them.
struct Parameter {
  std::string_view key;
  std::string_view kind;  // "number", "integer", "stop", "response_format" or "reasoning_effort"
  double min = 0, max = 0;
  bool ranged = false;  // min and max apply
};
extern const Parameter kParameters[9];
bool is_parameter(std::string_view key);
json parameters_json();  // [{key, kind, min?, max?}]

}  // namespace pg
