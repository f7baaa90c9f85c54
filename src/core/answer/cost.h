// What a run cost: usage × the model's prices (AISIX `cost`: USD per 1,000 tokens).
#pragma once

#include "core/base/json_util.h"

namespace pg {

struct Cost {
  bool known = false;  // false when usage or prices are missing
  double input_usd = 0;
  double output_usd = 0;
  double total_usd = 0;
  std::string note;  // why it is unknown, or what it does not include
};

// usage: {prompt_tokens, completion_tokens, ...}; prices: {input_per_1k, output_per_1k}.
// Reasoning tokens are part of completion_tokens (billed as output), as providers report them.
Cost compute_cost(const json& usage, const json& prices);

json to_json(const Cost& c);  // {known, inputUsd, outputUsd, totalUsd, note}

}  // namespace pg
