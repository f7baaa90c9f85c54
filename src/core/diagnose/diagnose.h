// Turns what one playground run produced into the checklist a user reads: reach →
// endpoint → key → model → answer, each pass / fail / not reached, with evidence and one
// line of advice; plus provider-side and prompt-side conditions that are nobody's setting.
#pragma once

#include "core/base/json_util.h"

#include <string>
#include <string_view>
#include <vector>

namespace pg {

enum class StepStatus { Pass, Fail, NotReached };

struct Step {
  std::string step;  // "reach" | "endpoint" | "key" | "model" | "answer"
  StepStatus status = StepStatus::NotReached;
  // Why a failed step failed, from a closed list (web/core.d.ts's StepCode): what a provider
  // error means (key_rejected, model_not_found, endpoint_path, …), the relay's error kind
  // (dns, refused, tls, timeout, …), or what was wrong with the answer (answer_invalid,
  // empty_answer, format_mismatch, anthropic_native, …). "" when the step did not fail.
  std::string code;
  std::string evidence;  // what was seen: status, provider error type/code, message (redacted)
  std::string advice;    // one line the user can act on ("" when passed)
};

struct Condition {
  std::string kind;  // rate_limit | quota | outage | overloaded | context_length | content_filter |
                     // unsupported_parameter | truncated | timeout | relay_limit
  std::string side;  // "provider" | "prompt" | "relay"
  std::string message;
  std::string advice;
};

struct Diagnosis {
  std::vector<Step> steps;  // always five, in order
  std::vector<Condition> conditions;
  std::string summary;  // one sentence: what works and what to fix first
  std::string verdict;  // "pass" | "fail" | "warn" (passed with a condition, e.g. cut by max_tokens)
};

// The closed lists a diagnosis draws its codes from (web/core.d.ts's StepCode and
// ConditionKind; a native test keeps them equal, and checks that diagnose() uses no other).
inline constexpr std::string_view kStepCodes[] = {
    // what a provider's error means (diagnose_rules' Kind)
    "rate_limit",
    "quota",
    "overloaded",
    "outage",
    "timeout",
    "region",
    "context_length",
    "unsupported_parameter",
    "content_filter",
    "request_too_large",
    "invalid_request",
    "key_rejected",
    "key_or_endpoint",
    "key_permission",
    "model_not_found",
    "deployment_not_found",
    "endpoint_path",
    "endpoint_web_page",
    "endpoint_redirect",
    "provider_error",
    // the relay's error kinds that fail a step
    "dns",
    "refused",
    "tls",
    "blocked_address",
    "upstream_reset",
    "config",
    "redirect",
    "too_large",
    "internal",
    // what was wrong with an answer
    "no_answer_recorded",
    "answer_invalid",
    "empty_answer",
    "format_mismatch",
    "anthropic_native",
};
inline constexpr std::string_view kConditionKinds[] = {
    "rate_limit",        "quota",
    "overloaded",        "outage",
    "timeout",           "region",
    "context_length",    "unsupported_parameter",
    "content_filter",    "request_too_large",
    "invalid_request",   "provider_error",
    "truncated",         "refusal",
    "relay_limit",       "relay_error",
    "relay_unreachable", "session",
    "unknown_model",     "not_testable",
    "stopped",           "model_deadline",
    "no_outcome",
};

// `outcome` is an Outcome (docs/contracts.md): { relayError?: {kind, message, ...}, status?,
// contentType?, headers?: {name: value}, body?, result?: Result (a decoded stream or a
// validated body), timings?, model?: {provider, model_name, api_base}, secrets?: [...]
// (redacted from evidence) }.
Diagnosis diagnose(const json& outcome);

json to_json(const Diagnosis& d);  // {steps:[{step,status,evidence,advice}], conditions, summary, verdict}

const char* to_string(StepStatus status);  // "pass" | "fail" | "not_reached"

}  // namespace pg
