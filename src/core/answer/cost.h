// What a run cost: usage × the model's prices (AISIX `cost`: USD per 1,000 tokens), and
// before a run, what it can cost at most: the prompt's estimated tokens and the request's
// completion limit at those prices.
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Tokens a text takes, estimated on the high side without a provider's tokenizer: a run of
// ASCII letters is a token per 4 of them (at least one), digits a token per 3, every other
// visible ASCII character and every non-ASCII character a token; spaces join the next word.
std::size_t estimate_tokens(std::string_view text);

// An image in a prompt, counted as this many tokens: providers count images by their size
// and detail, which the body does not say, so the estimate takes a large one.
inline constexpr std::size_t kImageTokensEstimate = 1500;

struct WorstCase {
  bool known = false;             // prices, a prompt and a completion limit were all there
  std::size_t prompt_tokens = 0;  // estimated (0 when the body has no messages)
  std::int64_t max_tokens = 0;    // the body's max_completion_tokens or max_tokens (0: none)
  double input_usd = 0;           // prompt_tokens × input price
  double output_usd = 0;          // max_tokens × output price: reasoning tokens are inside it
  double total_usd = 0;
  std::string note;  // why it is unknown, or what the estimate assumed
  // Why it is unknown, for programs: "no_prices", "no_messages", "no_limit" ("" when known).
  std::string reason;
};

// body: a chat-completions body (core.buildRequest's); prices as for compute_cost.
WorstCase worst_case_cost(const json& body, const json& prices);

json to_json(const WorstCase& w);  // {known, reason, promptTokens, maxTokens, inputUsd, outputUsd, totalUsd, note}

}  // namespace pg
