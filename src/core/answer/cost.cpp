#include "core/answer/cost.h"

#include <cmath>
#include <cstdint>

namespace pg {

namespace {

std::optional<double> tokens(const json& usage, std::string_view key) {
  auto n = number_member(usage, key);
  if (!n || *n < 0) return std::nullopt;
  return n;
}

struct Prices {
  double input = 0, output = 0;
  std::string problem;  // set when they cannot be used
};

Prices read_prices(const json& prices) {
  Prices p;
  if (!prices.is_object()) {
    p.problem = "no prices are configured for this model (cost in the model settings)";
    return p;
  }
  const auto in_price = number_member(prices, "input_per_1k");
  const auto out_price = number_member(prices, "output_per_1k");
  if (!in_price || !out_price || !(*in_price >= 0) || !(*out_price >= 0) || !std::isfinite(*in_price) ||
      !std::isfinite(*out_price)) {
    p.problem = "the model's prices are incomplete";
    return p;
  }
  p.input = *in_price;
  p.output = *out_price;
  return p;
}

bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Per message, the chat format's own tokens (role, separators), and the reply's start.
constexpr std::size_t kPerMessageTokens = 4;
constexpr std::size_t kReplyTokens = 3;

void add(std::size_t& total, std::size_t n) { total = total > SIZE_MAX - n ? SIZE_MAX : total + n; }

std::size_t content_tokens(const json& content, std::size_t& images) {
  if (content.is_string()) return estimate_tokens(*content.get_ptr<const std::string*>());
  std::size_t n = 0;
  if (!content.is_array()) return n;
  for (const auto& part : content) {
    const json* type = member(part, "type");
    if (!type || !type->is_string()) continue;
    if (*type->get_ptr<const std::string*>() == "image_url") {
      ++images;
      add(n, kImageTokensEstimate);
    } else if (const std::string* text = string_member(part, "text")) {
      add(n, estimate_tokens(*text));
    }
  }
  return n;
}

// A completion limit of the body: a whole number of at least 1 (the builder's), else 0.
std::int64_t completion_limit(const json& body) {
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    const json* v = member(body, key);
    if (!v || !v->is_number()) continue;
    const double d = v->get<double>();
    if (d >= 1 && d <= 9007199254740992.0 && d == std::floor(d)) return static_cast<std::int64_t>(d);
  }
  return 0;
}

}  // namespace

Cost compute_cost(const json& usage, const json& prices) {
  Cost c;
  const Prices p = read_prices(prices);
  if (!p.problem.empty()) {
    c.note = p.problem;
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
  c.input_usd = *in / 1000.0 * p.input;
  c.output_usd = *out / 1000.0 * p.output;
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

std::size_t estimate_tokens(std::string_view text) {
  std::size_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_ascii_letter(c) || is_ascii_digit(c)) {
      const bool letters = is_ascii_letter(c);
      std::size_t run = 0;
      while (i < text.size() && (letters ? is_ascii_letter(static_cast<unsigned char>(text[i]))
                                         : is_ascii_digit(static_cast<unsigned char>(text[i])))) {
        ++run;
        ++i;
      }
      const std::size_t per = letters ? 4 : 3;
      add(total, (run + per - 1) / per);
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;  // joins the next word
    } else if (c < 0x80) {
      add(total, 1);
      ++i;
    } else {
      // One token per character: skip its continuation bytes (a stray one counts as its own).
      add(total, 1);
      ++i;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return total;
}

WorstCase worst_case_cost(const json& body, const json& prices) {
  WorstCase w;
  const json* messages = body.is_object() ? member(body, "messages") : nullptr;
  std::size_t images = 0;
  if (messages && messages->is_array() && !messages->empty()) {
    w.prompt_tokens = kReplyTokens;
    for (const auto& m : *messages) {
      add(w.prompt_tokens, kPerMessageTokens);
      if (const json* content = member(m, "content")) add(w.prompt_tokens, content_tokens(*content, images));
    }
  }
  w.max_tokens = body.is_object() ? completion_limit(body) : 0;
  const Prices p = read_prices(prices);
  if (!p.problem.empty()) {
    w.note = p.problem;
    w.reason = "no_prices";
    return w;
  }
  if (w.prompt_tokens == 0) {
    w.note = "the request has no messages to estimate";
    w.reason = "no_messages";
    return w;
  }
  if (w.max_tokens == 0) {
    w.note = "no max tokens is set, so nothing bounds the answer's length or its cost: set Max tokens";
    w.reason = "no_limit";
    return w;
  }
  w.known = true;
  w.input_usd = static_cast<double>(w.prompt_tokens) / 1000.0 * p.input;
  w.output_usd = static_cast<double>(w.max_tokens) / 1000.0 * p.output;
  w.total_usd = w.input_usd + w.output_usd;
  w.note = "the prompt's tokens are estimated";
  if (images) w.note += "; each image counted as " + std::to_string(kImageTokensEstimate) + " tokens";
  return w;
}

json to_json(const WorstCase& w) {
  return json{{"known", w.known},          {"reason", w.reason},      {"promptTokens", w.prompt_tokens},
              {"maxTokens", w.max_tokens}, {"inputUsd", w.input_usd}, {"outputUsd", w.output_usd},
              {"totalUsd", w.total_usd},   {"note", w.note}};
}

}  // namespace pg
