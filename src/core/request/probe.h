// What a model takes for reasoning_effort, and the cost-safe "Test connection" request: the
// page's probe and `node relay/main.js check` both ask the core for it. Pure, never throws.
#pragma once

#include "core/base/json_util.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

struct ReasoningEffort {
  bool supported = false;           // the page offers the parameter for this model
  std::string family;               // the family's name, for people ("" when none)
  std::vector<std::string> values;  // lowest (cheapest) first; empty when not supported
  std::string note;                 // why it is not offered, when it is not
};

// The reasoning_effort values the model's family takes (request/detail/model_rules.cpp says
// where each list comes from). A model of no known family, or of a reasoning family whose
// values are not known, is not offered it.
ReasoningEffort reasoning_effort_for(std::string_view model_name);
json to_json(const ReasoningEffort& e);  // {supported, family, values, lowest, note}

// The probe's completion budget: enough for a model that thinks first to think and still say
// "OK" (recorded answers to one-line prompts, tests/fixtures/recordings: gpt-5, gpt-5-mini and
// o4-mini spent 64 to 128 reasoning tokens at their default effort, where the probe asks for
// the lowest; deepseek-reasoner 198), and the small one the probe always had for the rest.
// It is a cap, not a spend: the worst case the page shows is this many output tokens.
constexpr std::int64_t kProbeBudgetThinking = 1024;
constexpr std::int64_t kProbeBudget = 64;

// The "Test connection" PlaygroundForm for a model: "Reply with OK", not streamed, the budget
// above, and for a family that takes reasoning_effort its lowest value.
json probe_form(std::string_view model_name, std::string_view provider);

}  // namespace pg
