#include "core/answer/detail/completion_rules.h"

#include <cmath>
#include <cstdint>

namespace pg {

namespace {

bool is_one_of(const std::string& value, std::initializer_list<const char*> options) {
  for (const char* option : options)
    if (value == option) return true;
  return false;
}

void warn(Findings& findings, FindingCode code, const std::string& path, std::string message) {
  findings.push_back(warning_finding(code, path, std::move(message)));
}

// A token count: a non-negative integer, or nullopt (with a warning unless it is absent
// and optional).
std::optional<std::uint64_t> token_count(const json& object, const char* key, const std::string& path, bool required,
                                         Findings& findings) {
  const json* value = member(object, key);
  const std::string where = join_path(path, key);
  if (!value || value->is_null()) {
    if (required) warn(findings, FindingCode::UsageFieldMissing, where, std::string(key) + " is missing from usage");
    return std::nullopt;
  }
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer()) {
    if (value->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(value->get<std::int64_t>());
    warn(findings, FindingCode::UsageFieldInvalid, where,
         std::string(key) + " is negative (" + dump_json(*value) + ")");
    return std::nullopt;
  }
  if (value->is_number_float()) {
    const double d = value->get<double>();
    if (d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d) return static_cast<std::uint64_t>(d);
    warn(findings, FindingCode::UsageFieldInvalid, where,
         std::string(key) + " is not a non-negative integer (" + dump_json(*value) + ")");
    return std::nullopt;
  }
  warn(findings, FindingCode::UsageFieldInvalid, where, std::string(key) + " is not a number");
  return std::nullopt;
}

json count_or_null(const std::optional<std::uint64_t>& n) { return n ? json(*n) : json(nullptr); }

}  // namespace

std::string describe(const ProviderError& error) {
  std::string out = error.message;
  const bool type = has_provider_type(error);
  if (type || error.code) {
    out += " (";
    if (type) out += "type " + error.type;
    if (type && error.code) out += ", ";
    if (error.code) out += "code " + *error.code;
    out += ")";
  }
  return out;
}

json error_delta(const ProviderError& error) {
  json out = {{"code", error.code ? json(*error.code) : json(nullptr)}, {"message", error.message}};
  if (has_provider_type(error)) out["type"] = error.type;  // core.d.ts: type?: string
  return out;
}

const char* const kAnthropicNativeAdvice =
    "this is Anthropic's native Messages API format, not an OpenAI chat completion: the base URL "
    "points at the native Anthropic API; use its OpenAI-compatible endpoint "
    "(base URL https://api.anthropic.com/v1/, which serves /chat/completions)";

json read_usage(const json& usage, const std::string& path, Findings& findings) {
  const auto prompt = token_count(usage, "prompt_tokens", path, true, findings);
  const auto completion = token_count(usage, "completion_tokens", path, true, findings);
  auto total = token_count(usage, "total_tokens", path, true, findings);

  std::optional<std::uint64_t> reasoning, cached;
  if (const json* details = member(usage, "completion_tokens_details"); details && details->is_object())
    reasoning =
        token_count(*details, "reasoning_tokens", join_path(path, "completion_tokens_details"), false, findings);
  if (const json* details = member(usage, "prompt_tokens_details"); details && details->is_object())
    cached = token_count(*details, "cached_tokens", join_path(path, "prompt_tokens_details"), false, findings);
  if (!cached)  // DeepSeek reports its cache hits at the top level.
    cached = token_count(usage, "prompt_cache_hit_tokens", path, false, findings);

  if (prompt && completion) {
    const std::uint64_t sum = *prompt + *completion;
    if (!total) {
      total = sum;
    } else if (*total != sum && !(reasoning && *total == sum + *reasoning)) {
      // Some providers count reasoning beside completion_tokens, not inside it: both add up.
      warn(findings, FindingCode::UsageTotalMismatch, join_path(path, "total_tokens"),
           "total_tokens (" + std::to_string(*total) + ") is not prompt_tokens + completion_tokens (" +
               std::to_string(sum) + ")");
    }
  }

  json out = {{"prompt_tokens", count_or_null(prompt)},
              {"completion_tokens", count_or_null(completion)},
              {"total_tokens", count_or_null(total)}};
  if (reasoning) out["reasoning_tokens"] = *reasoning;
  if (cached) out["cached_tokens"] = *cached;
  return out;
}

void check_finish_reason(const std::string& reason, const std::string& path, bool has_answer,
                         bool error_already_reported, Findings& findings) {
  if (is_one_of(reason, {"stop", "tool_calls", "function_call"})) return;
  if (reason == "length" || reason == "content_filter") {
    // Without an answer, warn_empty_answer says the same thing in its own words.
    if (!has_answer) return;
    if (reason == "length")
      warn(findings, FindingCode::Truncated, path,
           "the answer stopped at the token limit (finish_reason \"length\") and may be cut off: raise "
           "max_tokens / max_completion_tokens");
    else
      warn(findings, FindingCode::ContentFiltered, path,
           "the provider's content filter stopped the answer (finish_reason \"content_filter\")");
    return;
  }
  if (reason == "error") {
    if (!error_already_reported)
      findings.push_back(error_finding(FindingCode::FinishReasonError, path,
                                       "the provider ended the answer with finish_reason \"error\""));
    return;
  }
  warn(findings, FindingCode::FinishReasonUnknown, path,
       "finish_reason \"" + excerpt(reason, 60) +
           "\" is not one of OpenAI's (stop, length, tool_calls, content_filter, function_call)");
}

void warn_empty_answer(const std::optional<std::string>& finish_reason, const std::string& path, Findings& findings) {
  if (finish_reason && *finish_reason == "length") {
    warn(findings, FindingCode::Truncated, path,
         "the token limit cut the answer before any text (finish_reason \"length\"): raise max_tokens / "
         "max_completion_tokens; reasoning models can spend the whole limit on reasoning");
  } else if (finish_reason && *finish_reason == "content_filter") {
    warn(findings, FindingCode::ContentFiltered, path,
         "the provider's content filter removed the answer (finish_reason \"content_filter\")");
  } else if (finish_reason) {
    warn(findings, FindingCode::EmptyAnswer, path,
         "the answer is empty: no content and no tool calls (finish_reason \"" + excerpt(*finish_reason, 60) + "\")");
  } else {
    warn(findings, FindingCode::EmptyAnswer, path, "the answer is empty: no content and no tool calls");
  }
}

void check_tool_calls(const json& calls, const std::string& path, Findings& findings) {
  if (!calls.is_array()) return;
  std::size_t i = 0;
  for (const json& call : calls) {
    const std::string where = index_path(path, i++);
    const auto* id = string_member(call, "id");
    if (!id || id->empty())
      warn(findings, FindingCode::ToolCallIdMissing, join_path(where, "id"), "the tool call has no id");
    const auto* type = string_member(call, "type");
    if (type && *type != "function")
      warn(findings, FindingCode::ToolCallTypeUnexpected, join_path(where, "type"),
           "tool call type \"" + excerpt(*type, 40) + "\" is not \"function\"");
    const json* function = member(call, "function");
    const auto* name = function ? string_member(*function, "name") : nullptr;
    if (!name || name->empty()) {
      findings.push_back(error_finding(FindingCode::ToolCallNameMissing, join_path(where, "function.name"),
                                       "the tool call has no function name"));
    }
    const auto* arguments = function ? string_member(*function, "arguments") : nullptr;
    if (arguments && !arguments->empty()) {
      auto parsed = parse_json(*arguments);
      if (!parsed.value)
        warn(findings, FindingCode::ToolCallArgumentsNotJson, join_path(where, "function.arguments"),
             "the tool call's arguments are not valid JSON: " + parsed.error);
    }
  }
}

const char* const kContentPartsNote =
    "content is an array of typed parts (Mistral's reasoning models), not a string: text parts were read as the "
    "answer and thinking parts as reasoning; a client that expects a string content gets the parts instead";

const json* x_groq_usage(const json& chunk_or_body) {
  const json* groq = member(chunk_or_body, "x_groq");
  const json* usage = groq ? member(*groq, "usage") : nullptr;
  return usage && usage->is_object() ? usage : nullptr;
}

const char* const kXGroqUsageNote =
    "the token counts came only in x_groq.usage (Groq's own field) and were read from there: OpenAI clients read "
    "the top-level usage, which this answer did not carry";

void check_function_call(const json& call, const std::string& path, Findings& findings) {
  warn(findings, FindingCode::FunctionCallLegacy, path,
       "the answer is a legacy function_call (the form before tool_calls, answering `functions`): a client that "
       "reads only tool_calls does not see it");
  const auto* name = string_member(call, "name");
  if (!name || name->empty())
    findings.push_back(
        error_finding(FindingCode::FunctionCallNameMissing, join_path(path, "name"), "the function call has no name"));
  const auto* arguments = string_member(call, "arguments");
  if (arguments && !arguments->empty()) {
    auto parsed = parse_json(*arguments);
    if (!parsed.value)
      warn(findings, FindingCode::FunctionCallArgumentsNotJson, join_path(path, "arguments"),
           "the function call's arguments are not valid JSON: " + parsed.error);
  }
}

const std::string* reasoning_text(const json& message_or_delta) {
  for (const char* key : {"reasoning_content", "reasoning"}) {
    const auto* text = string_member(message_or_delta, key);
    if (text && !text->empty()) return text;
  }
  return nullptr;
}

}  // namespace pg
