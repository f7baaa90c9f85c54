// Rules that depend on the model or the provider (detail/builder.h). One row per
// provider in provider_rules(); add rows freely.
#include "core/request/detail/builder.h"

namespace pg::request_detail {

std::string normalized_model(std::string_view name) {
  std::string n = lower_ascii(trim(name));
  const std::size_t slash = n.rfind('/');
  if (slash != std::string::npos) n.erase(0, slash + 1);
  if (starts_with(n, "ft:")) n.erase(0, 3);
  return n;
}

bool is_family(std::string_view name, std::string_view family) {
  if (!starts_with(name, family)) return false;
  if (name.size() == family.size()) return true;
  const char next = name[family.size()];
  return next == '-' || next == '.' || next == '_' || next == ':' || next == '@';
}

bool takes_sampling_without_reasoning(std::string_view model_name) {
  const std::string n = normalized_model(model_name);
  return starts_with(n, "gpt-5.") && n.size() > 6 && is_digit(n[6]) && n[6] != '0';
}

bool takes_no_instructions(std::string_view model_name) {
  const std::string n = normalized_model(model_name);
  return is_family(n, "o1-mini") || is_family(n, "o1-preview");
}

// reasoning_effort, per family. Where the lists come from (docs we were given, not guesses):
// - the chat-completions wire format names reasoning_effort "low", "medium" or "high" for
//   OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and its mini and nano);
// - OpenAI's GPT-5.1 notes (as quoted by the SDKs) add "none" for gpt-5.1 and later, the value
//   that also lets them take sampling parameters (takes_sampling_without_reasoning above);
// - for the first o1 models (o1-mini, o1-preview) nothing we have says whether they take it,
//   so their list is empty: the builder says so instead of guessing.
// Other providers' models (DeepSeek, Gemini, Ollama, …) are in no family here: what they
// accept is not documented in what we have, so reasoning_effort goes in `extra` for them, as
// it is, and Anthropic's OpenAI-compatible endpoint ignores it (provider_rules below).
const EffortFamily* effort_family(std::string_view model_name) {
  static const EffortFamily kOpenAi{"OpenAI's o-series and gpt-5 reasoning models", {"low", "medium", "high"}};
  static const EffortFamily kGpt51{"gpt-5.1 and later", {"none", "low", "medium", "high"}};
  static const EffortFamily kFirstO1{"the first o1 models (o1-mini, o1-preview)", {}};
  if (!is_reasoning_model(model_name)) return nullptr;
  if (takes_no_instructions(model_name)) return &kFirstO1;
  if (takes_sampling_without_reasoning(model_name)) return &kGpt51;
  return &kOpenAi;
}

const std::vector<std::string_view>& all_efforts() {
  static const std::vector<std::string_view> all{"none", "low", "medium", "high"};
  return all;
}

// DeepSeek's reasoner counts its chain of thought in max_tokens (its newer documentation), and
// a recorded DeepSeek-R1 answer spent a 50-token limit inside <think> (the fixture
// recordings/hf-router-json-r1-length.json).
bool thinks_before_answering(std::string_view model_name) {
  if (is_reasoning_model(model_name)) return true;
  const std::string n = normalized_model(model_name);
  return is_family(n, "deepseek-reasoner") || is_family(n, "deepseek-r1");
}

namespace {

const std::vector<ProviderRule>& provider_rules() {
  static const std::vector<ProviderRule> rules = {
      {"anthropic",
       "Anthropic's OpenAI-compatible endpoint",
       1.0,
       {"presence_penalty", "frequency_penalty", "seed", "response_format", "reasoning_effort"},
       true},
  };
  return rules;
}

}  // namespace

const ProviderRule* find_provider_rule(std::string_view provider) {
  const std::string p = lower_ascii(trim(provider));
  for (const auto& rule : provider_rules())
    if (rule.provider == p) return &rule;
  return nullptr;
}

}  // namespace pg::request_detail
