// The Result shape, and the validator of a whole (non-streaming) chat completion.
// The stream validator is in chat_stream.cpp; the rules both share in completion_rules.
#include "core/answer/response.h"

#include "core/answer/detail/completion_rules.h"

namespace pg {

json to_json(const Result& r) {
  json out = json::object();
  out["ok"] = r.ok();
  out["content"] = r.content;
  out["reasoning"] = r.reasoning;
  out["toolCalls"] = r.tool_calls.is_array() ? r.tool_calls : json::array();
  out["functionCall"] = r.function_call ? *r.function_call : json(nullptr);
  out["finishReason"] = r.finish_reason ? json(*r.finish_reason) : json(nullptr);
  out["usage"] = r.usage ? *r.usage : json(nullptr);
  out["model"] = r.model ? json(*r.model) : json(nullptr);
  out["done"] = r.done;
  if (r.relay_event) {
    const RelayEvent& e = *r.relay_event;
    out["relayEvent"] =
        json{{"kind", e.kind}, {"message", e.message}, {"phase", e.phase}, {"reason", e.reason}, {"nonce", e.nonce}};
  } else {
    out["relayEvent"] = nullptr;
  }
  if (r.provider_error) {
    json e = to_json(r.provider_error->error);
    e["midStream"] = r.provider_error->mid_stream;
    out["providerError"] = std::move(e);
  } else {
    out["providerError"] = nullptr;
  }
  out["findings"] = to_json(r.findings);
  return out;
}

namespace {

const std::string kMessagePath = "choices[0].message";

void error(Result& r, FindingCode code, std::string path, std::string message) {
  r.findings.push_back(error_finding(code, std::move(path), std::move(message)));
}
void warning(Result& r, FindingCode code, std::string path, std::string message) {
  r.findings.push_back(warning_finding(code, std::move(path), std::move(message)));
}

const char* type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "not a JSON value";
  }
}

void check_envelope_fields(const json& body, Result& r) {
  const json* object = member(body, "object");
  if (!object) {
    warning(r, FindingCode::ObjectMissing, "object", "object is missing (expected \"chat.completion\")");
  } else if (!object->is_string()) {
    error(r, FindingCode::ObjectWrong, "object",
          std::string("object is ") + type_name(*object) + ", expected \"chat.completion\"");
  } else if (const auto& name = object->get_ref<const std::string&>(); name != "chat.completion") {
    std::string message = "object is \"" + excerpt(name, 60) + "\", expected \"chat.completion\"";
    if (name == "chat.completion.chunk") message += ": a stream chunk came back to a non-streaming request";
    error(r, FindingCode::ObjectWrong, "object", std::move(message));
  }

  const auto* id = string_member(body, "id");
  if (!id || id->empty()) warning(r, FindingCode::IdMissing, "id", "id is missing");
  if (!number_member(body, "created"))
    warning(r, FindingCode::CreatedMissing, "created", "created (a Unix time) is missing");
  const auto* model = string_member(body, "model");
  if (model && !model->empty())
    r.model = *model;
  else
    warning(r, FindingCode::ModelMissing, "model", "model is missing: the response does not say which model answered");
}

// Normalises message.tool_calls into Result.tool_calls; shape errors become findings.
void read_tool_calls(const json& calls, Result& r) {
  const std::string path = kMessagePath + ".tool_calls";
  if (!calls.is_array()) {
    error(r, FindingCode::ToolCallsInvalid, path, std::string("tool_calls is ") + type_name(calls) + ", not an array");
    return;
  }
  std::size_t i = 0;
  for (const json& call : calls) {
    const std::string where = index_path(path, i++);
    if (!call.is_object()) {
      error(r, FindingCode::ToolCallNotObject, where,
            std::string("the tool call is ") + type_name(call) + ", not an object");
      continue;
    }
    const json* function = member(call, "function");
    if (!function || !function->is_object()) {
      error(r, FindingCode::ToolCallNoFunction, where + ".function", "the tool call has no function object");
      continue;
    }
    const auto* id = string_member(call, "id");
    const auto* type = string_member(call, "type");
    const auto* name = string_member(*function, "name");
    std::string arguments;
    if (const json* args = member(*function, "arguments"); args && !args->is_null()) {
      if (args->is_string()) {
        arguments = args->get_ref<const std::string&>();
      } else if (args->is_object() || args->is_array()) {
        arguments = dump_json(*args);
        warning(r, FindingCode::ToolCallArgumentsObject, where + ".function.arguments",
                "arguments is an object; OpenAI sends a JSON-encoded string and its clients expect one");
      } else {
        error(r, FindingCode::ToolCallArgumentsInvalid, where + ".function.arguments",
              std::string("arguments is ") + type_name(*args) + ", not a string");
      }
    }
    r.tool_calls.push_back(json{{"id", id ? json(*id) : json(nullptr)},
                                {"type", type ? *type : std::string("function")},
                                {"function", {{"name", name ? *name : std::string()}, {"arguments", arguments}}}});
  }
  check_tool_calls(r.tool_calls, path, r.findings);
}

// Content given as an array of parts (Mistral's reasoning models): text parts make the
// answer, thinking parts the reasoning.
void read_content_parts(const json& parts, Result& r) {
  warning(r, FindingCode::ContentParts, kMessagePath + ".content", kContentPartsNote);
  const std::size_t skipped = pg::read_content_parts(
      parts, [&](const std::string& text) { r.content += text; },
      [&](const std::string& text) { r.reasoning += text; });
  if (skipped)
    warning(r, FindingCode::ContentPartIgnored, kMessagePath + ".content",
            "a content part that is neither text nor thinking was ignored");
}

// The legacy function_call ({name, arguments}) beside or instead of content.
void read_function_call(const json& call, Result& r) {
  const std::string path = kMessagePath + ".function_call";
  if (!call.is_object()) {
    error(r, FindingCode::FunctionCallNotObject, path,
          std::string("function_call is ") + type_name(call) + ", not an object");
    return;
  }
  const auto* name = string_member(call, "name");
  std::string arguments;
  if (const json* args = member(call, "arguments"); args && args->is_string())
    arguments = args->get<std::string>();
  else if (args && !args->is_null())
    warning(r, FindingCode::FunctionCallArgumentsInvalid, path + ".arguments",
            std::string("arguments is ") + type_name(*args) + ", not a string");
  r.function_call = json{{"name", name ? *name : std::string()}, {"arguments", arguments}};
  check_function_call(*r.function_call, path, r.findings);
}

void check_message(const json& choice, Result& r) {
  const json* message = member(choice, "message");
  if ((!message || message->is_null()) && r.finish_reason && *r.finish_reason == "content_filter") {
    // Azure leaves the message out when its filter stopped the answer: nothing to read, and
    // nothing wrong with the settings (the finish reason says why).
    warning(r, FindingCode::MessageFiltered, kMessagePath,
            "the message is missing: the provider's content filter removed the answer "
            "(finish_reason \"content_filter\"; Azure OpenAI leaves the message out)");
    return;
  }
  if (!message || !message->is_object()) {
    std::string text = "choices[0].message is missing";
    if (member(choice, "delta"))
      text += ": the choice has a delta, as a stream chunk does";
    else if (member(choice, "text"))
      text += ": the choice has text, as the legacy /completions API does";
    error(r, FindingCode::MessageMissing, kMessagePath, std::move(text));
    return;
  }

  const auto* role = string_member(*message, "role");
  if (!role)
    warning(r, FindingCode::RoleUnexpected, kMessagePath + ".role", "role is missing (expected \"assistant\")");
  else if (*role != "assistant")
    warning(r, FindingCode::RoleUnexpected, kMessagePath + ".role",
            "role is \"" + excerpt(*role, 40) + "\", expected \"assistant\"");

  if (const auto* reasoning = reasoning_text(*message)) r.reasoning = *reasoning;

  const auto* refusal = string_member(*message, "refusal");
  if (refusal && refusal->empty()) refusal = nullptr;
  if (refusal) warning(r, FindingCode::Refusal, kMessagePath + ".refusal", "the model refused: " + excerpt(*refusal));

  if (const json* calls = member(*message, "tool_calls"); calls && !calls->is_null()) read_tool_calls(*calls, r);
  if (const json* call = member(*message, "function_call"); call && !call->is_null()) read_function_call(*call, r);
  // A legacy function call answers as a tool call does: content null beside it is normal.
  const bool has_tool_calls = !r.tool_calls.empty() || r.function_call.has_value();

  const json* content = member(*message, "content");
  const std::string content_path = kMessagePath + ".content";
  if (content && content->is_string()) {
    r.content = content->get<std::string>();
  } else if (content && content->is_array()) {
    read_content_parts(*content, r);
  } else if (content && !content->is_null()) {
    error(r, FindingCode::ContentInvalid, content_path,
          std::string("content is ") + type_name(*content) + ", not a string");
    return;
  } else if (!has_tool_calls && !refusal) {
    // null (or absent) content is how OpenAI marks an answer made only of tool calls or a
    // refusal; with neither, there is no answer at all — unless the limit or the filter
    // explains it.
    const bool explained = r.finish_reason && (*r.finish_reason == "length" || *r.finish_reason == "content_filter");
    if (explained)
      warn_empty_answer(r.finish_reason, content_path, r.findings);
    else
      error(r, FindingCode::ContentMissing, content_path,
            std::string("content is ") + (content ? "null" : "missing") +
                " and there are no tool_calls: the answer is empty");
    return;
  }
  if (r.content.empty() && !has_tool_calls && !refusal) warn_empty_answer(r.finish_reason, content_path, r.findings);
}

void check_finish(const json& choice, Result& r) {
  const std::string path = "choices[0].finish_reason";
  const json* reason = member(choice, "finish_reason");
  if (!reason || reason->is_null()) {
    warning(r, FindingCode::FinishReasonMissing, path,
            "finish_reason is null: the response does not say why the answer ended");
    return;
  }
  if (!reason->is_string()) {
    warning(r, FindingCode::FinishReasonInvalid, path,
            std::string("finish_reason is ") + type_name(*reason) + ", not a string");
    return;
  }
  const bool has_answer = !r.content.empty() || !r.tool_calls.empty() || r.function_call.has_value();
  check_finish_reason(*r.finish_reason, path, has_answer, false, r.findings);
  if (*r.finish_reason == "tool_calls" && r.tool_calls.empty())
    warning(r, FindingCode::FinishReasonToolCallsWithoutCalls, path,
            "finish_reason is \"tool_calls\" but the message has no tool_calls");
}

void check_usage(const json& body, Result& r) {
  const json* usage = member(body, "usage");
  if ((!usage || usage->is_null()) && x_groq_usage(body)) {
    r.usage = read_usage(*x_groq_usage(body), "x_groq.usage", r.findings);
    warning(r, FindingCode::UsageInXGroq, "x_groq.usage", kXGroqUsageNote);
  } else if (!usage || usage->is_null()) {
    warning(r, FindingCode::UsageMissing, "usage",
            "usage is missing: the response does not say how many tokens it used");
  } else if (!usage->is_object()) {
    warning(r, FindingCode::UsageInvalid, "usage", std::string("usage is ") + type_name(*usage) + ", not an object");
  } else {
    r.usage = read_usage(*usage, "usage", r.findings);
  }
}

}  // namespace

Result validate_completion(std::string_view body) {
  Result r;
  auto parsed = parse_json(body);
  if (!parsed.value) {
    if (sniff::is_event_stream(body))  // the provider streamed although the request did not ask
      error(r, FindingCode::EventStreamBody, "",
            "the body is an event stream (data: lines), not one JSON object: the provider streamed "
            "an answer to a non-streaming request");
    else
      error(r, FindingCode::NotJson, "", "the response body is not a JSON chat completion: " + parsed.error);
    return r;
  }
  const json& v = *parsed.value;
  if (auto provider_error = error_in_answer(v)) {
    error(r, FindingCode::ProviderError, "error",
          "the provider returned an error instead of a completion: " + describe(*provider_error));
    r.provider_error = AnswerError{std::move(*provider_error), false};
    return r;
  }
  if (!v.is_object()) {
    error(r, FindingCode::NotObject, "", std::string("the body is ") + type_name(v) + ", not a JSON object");
    return r;
  }
  if (is_anthropic_message(v)) {
    error(r, FindingCode::AnthropicNative, "type", kAnthropicNativeAdvice);
    return r;
  }

  check_envelope_fields(v, r);

  const json* choices = member(v, "choices");
  if (!choices || !choices->is_array()) {
    error(r, FindingCode::ChoicesInvalid, "choices",
          choices ? std::string("choices is ") + type_name(*choices) + ", not an array"
                  : std::string("choices is missing"));
  } else if (choices->empty()) {
    error(r, FindingCode::ChoicesEmpty, "choices", "choices is empty: the response carries no answer");
  } else {
    if (choices->size() > 1)
      warning(r, FindingCode::MultipleChoices, "choices",
              std::to_string(choices->size()) + " choices; the playground asks for one (n=1) and shows choices[0]");
    const json& choice = choices->front();
    if (!choice.is_object()) {
      error(r, FindingCode::ChoiceNotObject, "choices[0]",
            std::string("choices[0] is ") + type_name(choice) + ", not an object");
    } else {
      if (const auto* reason = string_member(choice, "finish_reason")) r.finish_reason = *reason;
      check_message(choice, r);
      check_finish(choice, r);
    }
  }
  check_usage(v, r);
  return r;
}

}  // namespace pg
