// Which models the playground can test, and why not the others. The playground sends one
// OpenAI-compatible chat call to one provider key, base URL and model name, so it can test a
// direct model whose key the gateway itself could dispatch over that protocol.
#include "core/resources/resources.h"

#include "core/resources/detail/credentials.h"
#include "core/upstream/upstream.h"

#include <string_view>
#include <unordered_map>

namespace pg {

namespace {

// The gateway's dispatch rule (reference §2): the exact provider "openai"/"anthropic" picks a
// specialized bridge, otherwise the key's adapter picks a family bridge.
WireProtocol key_protocol(const ProviderKey& key) { return wire_protocol(key.provider, key.adapter); }

std::string code_span(const std::string& s) { return "`" + excerpt(s, 80) + "`"; }

// "a, b, c" — at most eight names, then "and N more", so a huge group keeps a short reason.
std::string name_list(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 8;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) out += (i ? ", " : "") + excerpt(names[i], 80);
  if (names.size() > kShown) out += " and " + std::to_string(names.size() - kShown) + " more";
  return out.empty() ? "no models" : out;
}

std::vector<std::string> names_at(const json& canonical, const char* block, const char* list, const char* field) {
  std::vector<std::string> out;
  const json* b = member(canonical, block);
  const json* items = b ? member(*b, list) : nullptr;
  if (!items || !items->is_array()) return out;
  for (const auto& item : *items)
    if (const std::string* s = string_member(item, field)) out.push_back(*s);
  return out;
}

std::string nested_string(const json& canonical, const char* block, const char* field) {
  const json* b = member(canonical, block);
  const std::string* s = b ? string_member(*b, field) : nullptr;
  return s ? *s : std::string();
}

constexpr const char* kOneAtATime = "the playground tests one provider key, base URL and model name at a time; ";

std::string multi_target_reason(const Model& m) {
  if (m.kind == "routing") {
    std::string strategy = nested_string(m.canonical, "routing", "strategy");
    if (strategy.empty()) strategy = "failover";
    return "a routing model (" + strategy + " over " + name_list(names_at(m.canonical, "routing", "targets", "model")) +
           "): " + kOneAtATime + "test each target here, or send traffic through the managed gateway to test routing";
  }
  if (m.kind == "ensemble") {
    const json* ensemble = member(m.canonical, "ensemble");
    const json* judge = ensemble ? member(*ensemble, "judge") : nullptr;
    const std::string* judge_model = judge ? string_member(*judge, "model") : nullptr;
    return "an ensemble model (panel " + name_list(names_at(m.canonical, "ensemble", "panel", "model")) + "; judge " +
           (judge_model ? excerpt(*judge_model, 80) : std::string("none")) + "): " + kOneAtATime +
           "test each member here, or send traffic through the managed gateway to test the ensemble";
  }
  return "a semantic router (routes to " + name_list(names_at(m.canonical, "semantic", "routes", "target")) +
         "; default " + excerpt(nested_string(m.canonical, "semantic", "default"), 80) + "; embeddings by " +
         excerpt(nested_string(m.canonical, "semantic", "embedding_model"), 80) + "): " + kOneAtATime +
         "test each target here, or send traffic through the managed gateway to test semantic routing";
}

// A process reads its environment once, when it starts: no signal can change it, so a reload
// of the resources file sees the same variables. Only a restart with the variable set helps.
std::string unset_reason(const std::string& owner, const std::vector<std::string>& vars) {
  std::vector<std::string> quoted_vars;
  for (const auto& v : vars) quoted_vars.push_back("${" + v + "}");
  return owner + " needs " + name_list(quoted_vars) + ", unset or empty where the playground runs: set " +
         (vars.size() == 1 ? "it" : "them") +
         " in the relay's environment and restart it (a reload of the resources file keeps the environment the "
         "relay started with)";
}

// Why the key cannot be called as OpenAI-compatible chat, or "" when it can.
std::string protocol_problem(const ProviderKey& key) {
  const std::string who = "provider key " + code_span(key.display_name);
  const std::string supported =
      "the playground speaks only OpenAI-compatible chat: provider openai or anthropic, or adapter openai, "
      "anthropic or azure-openai";
  if (key_protocol(key) != WireProtocol::Unsupported) return "";
  if (key.adapter == "bedrock" || key.adapter == "vertex")
    return who + " uses adapter " + key.adapter + ", and " + supported +
           " (the key's `adapter` decides it); test this model through the gateway";
  if (key.adapter.empty())
    return who + " has provider \"" + excerpt(key.provider, 60) +
           "\" and no adapter, so the gateway cannot dispatch it either: only provider openai and anthropic are "
           "recognised by name, any other vendor needs `adapter` (adapter: openai for an OpenAI-compatible API)";
  return who + " has adapter \"" + excerpt(key.adapter, 60) + "\"; " + supported;
}

// Why the call itself cannot be made, or "": the same plan the relay makes. A base the gateway
// refuses (400) is said so; a call the gateway makes to a wrong URL is made here too, with a
// note that it fails; a base only the playground refuses (credentials, a query, a fragment) is
// not called. A key pasted into the URL is never called.
std::string call_problem(const ProviderKey& key, const std::string& model_name) {
  const std::string who = "provider key " + code_span(key.display_name);
  const std::string base = chat_base(key);
  if (!key.api_key.empty() && base.find(key.api_key) != std::string::npos)
    return "the base URL of " + who + " holds its key: put the key only in api_key, and give the base URL without it";
  const UpstreamPlan plan = plan_chat_call(key.provider, key.adapter, base, model_name);
  if (plan.ok) return "";
  if (plan.gateway_outcome == GatewayOutcome::ConfigError)
    return "the gateway refuses " + who + " before any request (400 invalid upstream config): " + plan.error;
  return "the base URL of " + who + " cannot be used: " + plan.error;
}

// Provider keys by id, first definition wins (as key_by_id): one lookup per model instead of
// a scan, so 10,000 models over 10,000 keys (an etcd store) resolve in linear time.
using KeyIndex = std::unordered_map<std::string_view, const ProviderKey*>;

void decide(const KeyIndex& keys, Model& m) {
  m.testable = false;
  m.reason.clear();
  if (m.kind != "direct") {
    m.reason = multi_target_reason(m);
    return;
  }
  if (m.display_name.find('*') != std::string::npos) {
    m.reason = "a wildcard model (" + code_span(m.display_name) +
               "): it stands for every model name its `*` matches, so there is no single model name to test; "
               "add a model with a concrete name to test one";
    return;
  }
  if (!m.unset_vars.empty()) {
    m.reason = unset_reason("this model", m.unset_vars);
    return;
  }
  const auto found = keys.find(m.provider_key_id);
  const ProviderKey* key = found == keys.end() ? nullptr : found->second;
  if (!key) {
    m.reason = "its provider key (id " + excerpt(m.provider_key_id, 80) + ") is not defined";
    return;
  }
  if (!key->unset_vars.empty()) {
    m.reason = unset_reason("its provider key " + code_span(key->display_name), key->unset_vars);
    return;
  }
  m.reason = protocol_problem(*key);
  // The gateway checks Azure's URL before its secret, the other bridges the secret first.
  const bool azure = key_protocol(*key) == WireProtocol::AzureOpenAI;
  if (m.reason.empty() && !azure) m.reason = resources_detail::credential_problem(*key);
  if (m.reason.empty()) m.reason = call_problem(*key, m.model_name);
  if (m.reason.empty() && azure) m.reason = resources_detail::credential_problem(*key);
  m.testable = m.reason.empty();
}

}  // namespace

std::string chat_base(const ProviderKey& key) {
  if (key_protocol(key) != WireProtocol::Anthropic) return key.api_base;
  const auto first = key.messages_base.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? key.api_base : key.messages_base;
}

void resolve_models(Resources& resources) {
  KeyIndex keys;
  keys.reserve(resources.provider_keys.size());
  for (const auto& k : resources.provider_keys) keys.emplace(k.id, &k);
  for (auto& m : resources.models) decide(keys, m);
}

}  // namespace pg
