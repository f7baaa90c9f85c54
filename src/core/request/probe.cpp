// reasoning_effort per model and the cost-safe probe (probe.h).
#include "core/request/probe.h"

#include "core/request/detail/builder.h"

#include <utility>

namespace pg {

using namespace request_detail;

ReasoningEffort reasoning_effort_for(std::string_view model_name) {
  ReasoningEffort e;
  const EffortFamily* family = effort_family(model_name);
  if (!family) {
    e.note =
        "reasoning_effort is offered for OpenAI's o1, o3, o4-mini and gpt-5 reasoning models; for another "
        "model whose provider takes it, set it under extra";
    return e;
  }
  e.family = std::string(family->name);
  if (family->values.empty()) {
    e.note = "which reasoning_effort values " + e.family + " take is not known; set it under extra to send it";
    return e;
  }
  e.supported = true;
  for (auto v : family->values) e.values.emplace_back(v);
  return e;
}

json to_json(const ReasoningEffort& e) {
  json values = json::array();
  for (const auto& v : e.values) values.push_back(v);
  json out{{"supported", e.supported}, {"family", e.family}, {"values", std::move(values)}, {"note", e.note}};
  out["lowest"] = e.values.empty() ? json() : json(e.values.front());
  return out;
}

json probe_form(std::string_view model_name, std::string_view provider) {
  json params{{"max_tokens", thinks_before_answering(model_name) ? kProbeBudgetThinking : kProbeBudget}};
  const ReasoningEffort effort = reasoning_effort_for(model_name);
  if (effort.supported) params["reasoning_effort"] = effort.values.front();
  json messages = json::array();
  messages.push_back(json{{"role", "user"}, {"content", "Reply with OK"}});
  return json{{"messages", std::move(messages)},
              {"params", std::move(params)},
              {"stream", false},
              {"model", json{{"model_name", std::string(model_name)}, {"provider", std::string(provider)}}}};
}

}  // namespace pg
