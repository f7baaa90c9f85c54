// A finding: one deviation from the expected shape, found while validating a request or a
// response. The core reports findings instead of throwing; severity decides `ok`.
//
// Every finding carries a code from one closed list (kFindingCodes below). Code is what
// programs read — the diagnosis decides from it, tests assert it, the page may group by
// it; `message` is for people and may be reworded at any time without changing anything
// else. A new kind of finding is a new row here and in web/core.d.ts's FindingCode (a
// native test keeps the two equal).
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

enum class Severity { Error, Warning };

// clang-format off
// X(enumerator, "wire_code"), grouped by what they are about.
#define PG_FINDING_CODES(X)                                                                          \
  /* the body or the stream as a whole */                                                            \
  X(NotJson, "not_json")                          /* a body or chunk that does not parse as JSON */  \
  X(NotObject, "not_object")                      /* JSON, but not an object */                      \
  X(EventStreamBody, "event_stream_body")         /* a stream answered a non-streaming request */    \
  X(StreamEmpty, "stream_empty")                  /* no data event (or [DONE] before any) */         \
  X(StreamCutMidEvent, "stream_cut_mid_event")    /* the bytes stopped inside an event */            \
  X(StreamCut, "stream_cut")                      /* no [DONE] and not every choice finished */      \
  X(StreamEndedWithoutDone, "stream_ended_without_done") /* no [DONE], every choice finished */     \
  X(StreamUndecodable, "stream_undecodable")      /* past the event-stream decoder's limits */       \
  X(DataAfterDone, "data_after_done")                                                                \
  X(InvalidUtf8, "invalid_utf8")                                                                     \
  X(ProviderError, "provider_error")              /* an error envelope in a 2xx body or a stream */  \
  X(AnthropicNative, "anthropic_native")          /* Anthropic's Messages API, not OpenAI's */       \
  X(RelayEventMalformed, "relay_event_malformed") /* an event named relay_error we cannot read */    \
  X(DoneMarkerUnexpected, "done_marker_unexpected") /* [DONE] from a key whose streams carry none */\
  /* the envelope */                                                                                 \
  X(ObjectMissing, "object_missing")                                                                 \
  X(ObjectWrong, "object_wrong")                                                                     \
  X(ObjectCompletionInStream, "object_completion_in_stream") /* Perplexity's chunks */               \
  X(IdMissing, "id_missing")                                                                         \
  X(IdChanged, "id_changed")                                                                         \
  X(CreatedMissing, "created_missing")                                                               \
  X(ModelMissing, "model_missing")                                                                   \
  X(ChoicesInvalid, "choices_invalid")            /* missing, or not an array */                     \
  X(ChoicesEmpty, "choices_empty")                                                                   \
  X(MultipleChoices, "multiple_choices")                                                             \
  X(ChoiceNotObject, "choice_not_object")                                                            \
  X(ChoiceIndexMissing, "choice_index_missing")                                                      \
  /* the message or delta */                                                                         \
  X(MessageMissing, "message_missing")                                                               \
  X(MessageFiltered, "message_filtered")          /* no message, finish_reason content_filter */     \
  X(DeltaNotObject, "delta_not_object")                                                              \
  X(RoleUnexpected, "role_unexpected")            /* missing, or not "assistant" */                  \
  X(ContentInvalid, "content_invalid")            /* of a type no client reads */                    \
  X(ContentMissing, "content_missing")            /* null or absent with nothing else: empty */      \
  X(ContentParts, "content_parts")                /* an array of typed parts (Mistral) */            \
  X(ContentPartIgnored, "content_part_ignored")                                                      \
  X(Refusal, "refusal")                                                                              \
  X(EmptyAnswer, "empty_answer")                                                                     \
  /* why the answer ended */                                                                         \
  X(FinishReasonMissing, "finish_reason_missing")                                                    \
  X(FinishReasonInvalid, "finish_reason_invalid") /* not a string */                                 \
  X(FinishReasonUnknown, "finish_reason_unknown") /* a string OpenAI does not send */                \
  X(FinishReasonToolCallsWithoutCalls, "finish_reason_tool_calls_without_calls")                     \
  X(Truncated, "truncated")                       /* finish_reason length */                         \
  X(ContentFiltered, "content_filtered")          /* finish_reason content_filter */                 \
  X(FinishReasonError, "finish_reason_error")     /* finish_reason error */                          \
  /* usage */                                                                                        \
  X(UsageMissing, "usage_missing")                                                                   \
  X(UsageInvalid, "usage_invalid")                /* not an object */                                \
  X(UsageInXGroq, "usage_in_x_groq")              /* only Groq's x_groq.usage */                     \
  X(UsageFieldMissing, "usage_field_missing")                                                        \
  X(UsageFieldInvalid, "usage_field_invalid")     /* negative, fractional, not a number */           \
  X(UsageTotalMismatch, "usage_total_mismatch")                                                      \
  /* tool calls and the legacy function call */                                                     \
  X(ToolCallsInvalid, "tool_calls_invalid")       /* not an array */                                 \
  X(ToolCallNotObject, "tool_call_not_object")                                                       \
  X(ToolCallNoFunction, "tool_call_no_function")                                                     \
  X(ToolCallBadIndex, "tool_call_bad_index")                                                         \
  X(ToolCallIndexMissing, "tool_call_index_missing")                                                 \
  X(ToolCallIndexReused, "tool_call_index_reused")                                                   \
  X(ToolCallTooMany, "tool_call_too_many")                                                           \
  X(ToolCallIdMissing, "tool_call_id_missing")                                                       \
  X(ToolCallTypeUnexpected, "tool_call_type_unexpected")                                             \
  X(ToolCallNameMissing, "tool_call_name_missing")                                                   \
  X(ToolCallArgumentsObject, "tool_call_arguments_object") /* an object, not JSON text */            \
  X(ToolCallArgumentsInvalid, "tool_call_arguments_invalid") /* neither string nor object */         \
  X(ToolCallArgumentsNotJson, "tool_call_arguments_not_json")                                        \
  X(FunctionCallLegacy, "function_call_legacy")                                                      \
  X(FunctionCallNotObject, "function_call_not_object")                                               \
  X(FunctionCallNameMissing, "function_call_name_missing")                                           \
  X(FunctionCallArgumentsInvalid, "function_call_arguments_invalid")                                 \
  X(FunctionCallArgumentsNotJson, "function_call_arguments_not_json")                                \
  /* the request (buildRequest's warnings) */                                                        \
  X(SystemMessageUnsupported, "system_message_unsupported") /* the model takes no instructions */    \
  X(LastMessageNotUser, "last_message_not_user")                                                     \
  X(ValueCapped, "value_capped")                  /* the provider caps the value */                  \
  X(ParameterRenamed, "parameter_renamed")        /* sent under another name */                      \
  X(ParameterMayBeRejected, "parameter_may_be_rejected")                                             \
  X(ParameterIgnored, "parameter_ignored")                                                           \
  X(JsonNotMentioned, "json_not_mentioned")       /* json_object without "JSON" in a message */      \
  X(ImageFormatMismatch, "image_format_mismatch")
// clang-format on

enum class FindingCode {
#define PG_FINDING_ENUM(name, text) name,
  PG_FINDING_CODES(PG_FINDING_ENUM)
#undef PG_FINDING_ENUM
};

struct FindingCodeName {
  FindingCode code;
  std::string_view text;
};

inline constexpr FindingCodeName kFindingCodes[] = {
#define PG_FINDING_NAME(name, text) {FindingCode::name, text},
    PG_FINDING_CODES(PG_FINDING_NAME)
#undef PG_FINDING_NAME
};

inline std::string_view to_string(FindingCode code) {
  const auto at = static_cast<std::size_t>(code);
  return at < std::size(kFindingCodes) ? kFindingCodes[at].text : std::string_view("unknown");
}

struct Finding {
  Severity severity;
  FindingCode code;
  std::string path;     // JSON-path-like location, e.g. "choices[0].delta.content"
  std::string message;  // one sentence, for people
};

using Findings = std::vector<Finding>;

inline Finding error_finding(FindingCode code, std::string path, std::string message) {
  return {Severity::Error, code, std::move(path), std::move(message)};
}
inline Finding warning_finding(FindingCode code, std::string path, std::string message) {
  return {Severity::Warning, code, std::move(path), std::move(message)};
}

inline bool has_error(const Findings& findings) {
  for (const auto& f : findings)
    if (f.severity == Severity::Error) return true;
  return false;
}

inline json to_json(const Finding& f) {
  return json{{"severity", f.severity == Severity::Error ? "error" : "warning"},
              {"code", std::string(to_string(f.code))},
              {"path", f.path},
              {"message", f.message}};
}

inline json to_json(const Findings& findings) {
  json out = json::array();
  for (const auto& f : findings) out.push_back(to_json(f));
  return out;
}

}  // namespace pg
