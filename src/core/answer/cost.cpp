#include "core/answer/cost.h"

namespace pg {

namespace {

std::optional<double> tokens(const json& usage, std::string_view key) {
  auto n = number_member(usage, key);
  if (!n || *n < 0) return std::nullopt;
  return n;
}

}  // namespace

Cost compute_cost(const json& usage, const json& prices) {
  Cost c;
  if (!prices.is_object()) {
    c.note = "no prices are configured for this model (cost in the model settings)";
    return c;
  }
  const auto in_price = number_member(prices, "input_per_1k");
  const auto out_price = number_member(prices, "output_per_1k");
  if (!in_price || !out_price || *in_price < 0 || *out_price < 0) {
    c.note = "the model's prices are incomplete";
    return c;
  }
  if (!usage.is_object()) {
    c.note = "the provider reported no token usage";
    return c;
  }
  const auto in = tokens(usage, "prompt_tokens");
  const auto out = tokens(usage, "completion_tokens");
  if (!in || !out) {
    c.note = "the provider's usage lacks prompt or completion tokens";
    return c;
  }
  c.known = true;
  c.input_usd = *in / 1000.0 * *in_price;
  c.output_usd = *out / 1000.0 * *out_price;
  c.total_usd = c.input_usd + c.output_usd;
  if (const json* details = member(usage, "prompt_tokens_details");
      details && number_member(*details, "cached_tokens").value_or(0) > 0)
    c.note = "cached prompt tokens are counted at the full input price";
  return c;
}

json to_json(const Cost& c) {
  return json{{"known", c.known},
              {"inputUsd", c.input_usd},
              {"outputUsd", c.output_usd},
              {"totalUsd", c.total_usd},
              {"note", c.note}};
}

}  // namespace pg
