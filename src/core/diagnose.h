// Turns what one playground run produced into the checklist a user reads: reach →
// endpoint → key → model → answer, each pass / fail / not reached, with evidence and one
// line of advice; plus provider-side and prompt-side conditions that are nobody's setting.
#pragma once

#include "core/json_util.h"

#include <string>
#include <vector>

namespace pg {

enum class StepStatus { Pass, Fail, NotReached };

struct Step {
  std::string step;      // "reach" | "endpoint" | "key" | "model" | "answer"
  StepStatus status = StepStatus::NotReached;
  std::string evidence;  // what was seen: status, provider error type/code, message (redacted)
  std::string advice;    // one line the user can act on ("" when passed)
};

struct Condition {
  std::string kind;     // rate_limit | quota | outage | overloaded | context_length | content_filter | unsupported_parameter | truncated | timeout | relay_limit
  std::string side;     // "provider" | "prompt" | "relay"
  std::string message;
  std::string advice;
};

struct Diagnosis {
  std::vector<Step> steps;  // always five, in order
  std::vector<Condition> conditions;
  std::string summary;      // one sentence: what works and what to fix first
  std::string verdict;      // "pass" | "fail" | "warn" (passed with a condition, e.g. cut by max_tokens)
};

// `outcome` is design.md's Outcome: { relayError?: {kind, message, ...}, status?, contentType?,
// headers?: {name: value}, body?, result?: Result (a decoded stream or validated body),
// timings?, model?: {provider, model_name, api_base}, secrets?: [...] (redacted from evidence) }.
Diagnosis diagnose(const json& outcome);

json to_json(const Diagnosis& d);  // {steps:[{step,status,evidence,advice}], conditions, summary, verdict}

const char* to_string(StepStatus status);  // "pass" | "fail" | "not_reached"

}  // namespace pg
