// ChatStream's reading of a chunk parsed whole: every chunk the scanner does not take (the
// first and last of most streams, usage, tool calls, reasoning under a key's own field, an
// error, any chunk that is not plain OpenAI). It runs for a few chunks of a typical stream,
// so the page's module builds it for size; the per-event path is chat_stream.cpp.
#include "core/answer/chat_stream.h"

#include "core/answer/detail/chat_stream_findings.h"
#include "core/answer/detail/completion_rules.h"
#include "core/base/text.h"

namespace pg {

using namespace answer_detail;

namespace {

// Whether any choice carries a delta. Azure's filter chunks (object "") carry none: the
// first, with prompt_filter_results and no choices, and, in its asynchronous filter mode,
// annotation chunks whose choices hold only content_filter_results / content_filter_offsets.
bool carries_delta(const json* choices) {
  if (!choices || !choices->is_array()) return false;
  for (const json& choice : *choices)
    if (const json* delta = member(choice, "delta"); delta && !delta->is_null()) return true;
  return false;
}

// Finds a member for moving out of (the chunk is ours: parsed for this event only).
json* mutable_member(json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

const std::string* ChatStream::reasoning_at(const json& delta) const {
  const json* at = &delta;
  for (const std::string& key : reasoning_path_) {
    at = member(*at, key);
    if (!at) return nullptr;
  }
  const std::string* text = at->is_string() ? at->get_ptr<const std::string*>() : nullptr;
  return text && !text->empty() ? text : nullptr;
}

void ChatStream::report_decoder_failure() {
  if (decoder_failure_reported_) return;
  decoder_failure_reported_ = true;
  result_.findings.push_back(
      err(FindingCode::StreamUndecodable, "", "the event stream could not be decoded: " + decoder_.error()));
  deltas_.error(json{{"type", "stream_error"}, {"code", "sse_limit"}, {"message", decoder_.error()}});
}

void ChatStream::on_provider_error(const ProviderError& error, const std::string& path) {
  ++provider_errors_;
  if (!result_.provider_error) result_.provider_error = AnswerError{error, true};
  issues_.note(result_.findings, "errors from the provider", kKeepEach, [&] {
    return err(FindingCode::ProviderError, path, "the provider sent an error in the stream: " + describe(error));
  });
  deltas_.error(error_delta(error));
}

void ChatStream::on_chunk(json& chunk, std::size_t number, bool error_event) {
  auto path_to = [number](const char* rest) { return chunk_path(number) + rest; };
  const auto provider_error = error_in_answer(chunk);
  if (provider_error) {
    on_provider_error(*provider_error, chunk_path(number));
    // OpenRouter puts its last choice (finish_reason "error") beside the error: read it.
    if (!member(chunk, "choices")) return;
  } else if (error_event) {
    on_provider_error(unreadable_error(dump_json(chunk)), chunk_path(number));
    return;
  }
  if (!chunk.is_object()) {
    issues_.note(result_.findings, "chunks that are not JSON objects", kKeepEach, [&] {
      return err(FindingCode::NotObject, chunk_path(number),
                 "chunk " + std::to_string(number + 1) + " is JSON but not an object");
    });
    return;
  }
  if (is_anthropic_stream_event(chunk)) {
    issues_.note(result_.findings, "chunks in Anthropic's native format", 1,
                 [&] { return err(FindingCode::AnthropicNative, path_to(".type"), kAnthropicNativeAdvice); });
    return;
  }

  json* choices = mutable_member(chunk, "choices");
  const json* object = member(chunk, "object");
  if (!provider_error) {
    const std::string* name = object && object->is_string() ? object->get_ptr<const std::string*>() : nullptr;
    const bool azure_filter_chunk = name && name->empty() && !carries_delta(choices);
    if (!object) {
      issues_.note(result_.findings, "chunks without object", 1, [&] {
        return warn(FindingCode::ObjectMissing, path_to(".object"),
                    "object is missing (expected \"chat.completion.chunk\")");
      });
    } else if (name && *name == "chat.completion") {
      // Perplexity names every chunk like a whole completion (with the message so far
      // beside the delta); clients read the delta and never look at object.
      issues_.note(result_.findings, "chunks named chat.completion", 1, [&] {
        return warn(FindingCode::ObjectCompletionInStream, path_to(".object"),
                    "object is \"chat.completion\", expected \"chat.completion.chunk\" (Perplexity "
                    "names its stream chunks so): the deltas were read as usual");
      });
    } else if (!azure_filter_chunk && (!name || *name != "chat.completion.chunk")) {
      issues_.note(result_.findings, "chunks with the wrong object", 1, [&] {
        return err(FindingCode::ObjectWrong, path_to(".object"),
                   "object is " + (name ? "\"" + excerpt(*name, 60) + "\"" : dump_json(*object)) +
                       ", expected \"chat.completion.chunk\"");
      });
    }
  }

  if (const auto* id = string_member(chunk, "id")) note_id(*id, number);
  if (number_member(chunk, "created")) saw_created_ = true;
  if (!result_.model)
    if (const auto* model = string_member(chunk, "model"); model && !model->empty()) result_.model = *model;

  if (!choices || choices->is_null()) {
    if (!provider_error)
      issues_.note(result_.findings, "chunks without choices", 1,
                   [&] { return err(FindingCode::ChoicesInvalid, path_to(".choices"), "choices is missing"); });
  } else if (!choices->is_array()) {
    issues_.note(result_.findings, "chunks whose choices is not an array", 1,
                 [&] { return err(FindingCode::ChoicesInvalid, path_to(".choices"), "choices is not an array"); });
  } else {
    std::size_t i = 0;
    for (json& choice : *choices) on_choice(choice, number, i++);
  }

  on_usage(chunk, number);
}

// The top-level usage; failing that Groq's x_groq.usage, until a top-level one arrives.
void ChatStream::on_usage(json& chunk, std::size_t number) {
  json* usage = mutable_member(chunk, "usage");
  bool from_x_groq = false;
  if (!usage || usage->is_null()) {
    if (usage_ && !usage_from_x_groq_) return;
    json* groq = mutable_member(chunk, "x_groq");
    usage = groq ? mutable_member(*groq, "usage") : nullptr;  // as x_groq_usage() finds it
    if (!usage || !usage->is_object()) return;
    from_x_groq = true;
  } else if (!usage->is_object()) {
    issues_.note(result_.findings, "chunks whose usage is not an object", 1, [&] {
      return warn(FindingCode::UsageInvalid, chunk_path(number) + ".usage", "usage is not an object");
    });
    return;
  }
  Findings scratch;  // the final usage is validated once, in end()
  deltas_.usage(read_usage(*usage, "usage", scratch));
  usage_ = std::move(*usage);
  usage_from_x_groq_ = from_x_groq;
}

void ChatStream::on_choice(json& choice, std::size_t number, std::size_t i) {
  auto path_to = [number, i](const char* rest) { return choice_path(number, i, rest); };
  if (!choice.is_object()) {
    issues_.note(result_.findings, "choices that are not objects", 1,
                 [&] { return err(FindingCode::ChoiceNotObject, path_to(""), "the choice is not an object"); });
    return;
  }
  const json* index = member(choice, "index");
  const json* reason = member(choice, "finish_reason");
  const bool has_index = index && index->is_number();
  note_choice_end(has_index ? index->get<double>() : 0, reason && reason->is_string());
  if (!has_index) {
    issues_.note(result_.findings, "choices without index", 1, [&] {
      return warn(FindingCode::ChoiceIndexMissing, path_to(".index"), "the choice has no index; taken as choice 0");
    });
  } else if (index->get<double>() != 0) {
    issues_.note(result_.findings, "chunks with other choices", 1, [&] {
      return warn(FindingCode::MultipleChoices, path_to(".index"),
                  "the stream carries more than one choice; the playground asks for one (n=1) "
                  "and shows choice 0 only");
    });
    return;
  }

  if (json* delta = mutable_member(choice, "delta"); delta && !delta->is_null()) {
    // Azure sends annotation chunks without a delta; anything else must be an object.
    if (delta->is_object())
      on_delta(*delta, number, i);
    else
      issues_.note(result_.findings, "deltas that are not objects", 1,
                   [&] { return err(FindingCode::DeltaNotObject, path_to(".delta"), "delta is not an object"); });
  }

  if (reason && reason->is_string()) {
    result_.finish_reason = reason->get<std::string>();
    deltas_.finish_reason(*result_.finish_reason);
  } else if (reason && !reason->is_null()) {
    issues_.note(result_.findings, "finish_reasons that are not strings", 1, [&] {
      return warn(FindingCode::FinishReasonInvalid, path_to(".finish_reason"), "finish_reason is not a string");
    });
  }
}

void ChatStream::on_delta(json& delta, std::size_t number, std::size_t i) {
  auto path_to = [number, i](const char* rest) { return choice_path(number, i, rest); };
  if (const auto* role = string_member(delta, "role"); role && *role != "assistant")
    issues_.note(result_.findings, "deltas with another role", 1, [&] {
      return warn(FindingCode::RoleUnexpected, path_to(".delta.role"),
                  "role is \"" + excerpt(*role, 40) + "\", expected \"assistant\"");
    });

  // Reasoning first: providers that send both in one delta think before they answer.
  const std::string* reasoning = reasoning_path_.empty() ? nullptr : reasoning_at(delta);
  if (!reasoning) reasoning = reasoning_text(delta);
  if (reasoning) {
    result_.reasoning += *reasoning;
    deltas_.reasoning(*reasoning);
  }
  if (const json* content = member(delta, "content"); content && !content->is_null()) {
    if (content->is_string()) {
      const auto& text = content->get_ref<const std::string&>();
      result_.content += text;
      deltas_.content(text);
    } else if (content->is_array()) {
      on_content_parts(*content, number, i);
    } else {
      issues_.note(result_.findings, "deltas whose content is not a string", 1, [&] {
        return err(FindingCode::ContentInvalid, path_to(".delta.content"), "content is not a string");
      });
    }
  }
  if (const auto* refusal = string_member(delta, "refusal")) refusal_ += *refusal;
  if (const json* call = member(delta, "function_call"); call && !call->is_null()) on_function_call(*call, number, i);

  if (json* fragments = mutable_member(delta, "tool_calls"); fragments && !fragments->is_null()) {
    if (fragments->is_array())
      on_tool_calls(*fragments, number, i);
    else
      issues_.note(result_.findings, "deltas whose tool_calls is not an array", 1, [&] {
        return err(FindingCode::ToolCallsInvalid, path_to(".delta.tool_calls"), "tool_calls is not an array");
      });
  }
}

void ChatStream::on_tool_calls(json& fragments, std::size_t number, std::size_t choice) {
  std::size_t i = 0;
  for (json& fragment : fragments) {
    const std::size_t at = i++;
    const unsigned notes = tool_calls_.add(fragment);
    using A = ToolCallAssembler;
    auto note = [&](unsigned flag, const char* kind, Severity severity, FindingCode code, const char* message) {
      if (notes & flag)
        issues_.note(result_.findings, kind, 1, [&] {
          return Finding{severity, code, index_path(choice_path(number, choice, ".delta.tool_calls"), at), message};
        });
    };
    note(A::kNotObject, "tool-call fragments that are not objects", Severity::Error, FindingCode::ToolCallNotObject,
         "the tool-call fragment is not an object");
    note(A::kBadIndex, "tool-call fragments with a bad index", Severity::Error, FindingCode::ToolCallBadIndex,
         "the tool-call fragment's index is not a small non-negative integer; the fragment was ignored");
    note(A::kMissingIndex, "tool-call fragments without index", Severity::Warning, FindingCode::ToolCallIndexMissing,
         "the tool-call fragment has no index; it was placed by its id");
    note(A::kIndexReused, "tool-call fragments reusing an index", Severity::Warning, FindingCode::ToolCallIndexReused,
         "a new tool-call id arrived at an index already used by another call; it was taken as a new call");
    note(A::kArgumentsNotString, "tool-call arguments that are objects", Severity::Warning,
         FindingCode::ToolCallArgumentsObject,
         "function.arguments is an object; OpenAI streams a JSON-encoded string in pieces");
    note(A::kArgumentsBadType, "tool-call arguments of the wrong type", Severity::Error,
         FindingCode::ToolCallArgumentsInvalid, "function.arguments is neither a string nor an object");
    note(A::kTooManyCalls, "tool calls beyond the limit", Severity::Error, FindingCode::ToolCallTooMany,
         "more than 128 tool calls; the rest were ignored");
    if (fragment.is_object()) deltas_.tool_call(std::move(fragment));
  }
}

}  // namespace pg
