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

namespace {

const std::vector<ProviderRule>& provider_rules() {
  static const std::vector<ProviderRule> rules = {
      {"anthropic",
       "Anthropic's OpenAI-compatible endpoint",
       1.0,
       {"presence_penalty", "frequency_penalty", "seed", "response_format"},
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
