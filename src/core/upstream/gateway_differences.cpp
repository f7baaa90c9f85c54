// What a playground pass does not prove (gateway_shaping.h): the differences between the
// playground's direct call and gateway traffic for one model, only those its configuration
// makes real. Where each rule was read: docs/gateway-parity.md ("What a pass does not prove").
#include "core/upstream/gateway_shaping.h"

#include "core/base/text.h"

#include <unordered_map>

namespace pg {

namespace {

std::string code_span(std::string_view s) { return "`" + excerpt(s, 60) + "`"; }

// "a, b, c" — at most four names, then "and N more".
std::string names(const std::vector<std::string>& list) {
  constexpr std::size_t kShown = 4;
  std::string out;
  for (std::size_t i = 0; i < list.size() && i < kShown; ++i) out += (i ? ", " : "") + code_span(list[i]);
  if (list.size() > kShown) out += " and " + std::to_string(list.size() - kShown) + " more";
  return out;
}

bool enabled(const json& doc) {
  const json* e = member(doc, "enabled");
  return !(e && e->is_boolean() && !e->get<bool>());
}

bool non_empty_object(const json* v) { return v && v->is_object() && !v->empty(); }

// A single-`*` glob as the gateway matches allowed_models (any other text matches itself).
bool glob_matches(std::string_view pattern, std::string_view name) {
  const std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == name;
  const std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  return name.size() >= head.size() + tail.size() && name.substr(0, head.size()) == head &&
         name.substr(name.size() - tail.size()) == tail;
}

std::string doc_name(const json& doc) {
  const std::string* n = string_member(doc, "name");
  if (!n || n->empty()) n = string_member(doc, "display_name");
  return n ? *n : std::string();
}

}  // namespace

struct GatewayViews::Index {
  struct CallerKey {
    std::string id;
    bool any_model = false;          // neither allowed_models nor allowed_model_ids (not confirmed: see the docs)
    std::vector<std::string> globs;  // allowed_models entries holding `*`
    bool rate_limited = false;
  };
  std::vector<CallerKey> keys;                                        // enabled caller keys
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;  // allowed_models entry → keys
  std::unordered_map<std::string, std::vector<std::size_t>> by_id;    // allowed_model_ids entry → keys
  std::vector<std::size_t> open_keys;                                 // any_model or with a glob
  std::unordered_map<std::string, std::string> guardrail_names;       // enabled guardrail id → name
};

GatewayViews::GatewayViews(const Resources& resources) : resources_(resources), index_(std::make_unique<Index>()) {
  Index& ix = *index_;
  for (const auto& e : resources.traffic.api_keys) {
    const json& d = e.doc;
    const json* disabled = member(d, "disabled");
    if (disabled && disabled->is_boolean() && disabled->get<bool>()) continue;
    Index::CallerKey k;
    k.id = e.id;
    k.rate_limited = non_empty_object(member(d, "rate_limit"));
    const json* models = member(d, "allowed_models");
    const json* ids = member(d, "allowed_model_ids");
    k.any_model = !(models && models->is_array()) && !(ids && ids->is_array());
    const std::size_t at = ix.keys.size();
    if (models && models->is_array())
      for (const auto& p : *models) {
        if (!p.is_string()) continue;
        const std::string& pattern = p.get_ref<const std::string&>();
        if (pattern.find('*') != std::string::npos)
          k.globs.push_back(pattern);
        else
          ix.by_name[pattern].push_back(at);
      }
    if (ids && ids->is_array())
      for (const auto& p : *ids)
        if (p.is_string()) ix.by_id[p.get<std::string>()].push_back(at);
    if (k.any_model || !k.globs.empty()) ix.open_keys.push_back(at);
    ix.keys.push_back(std::move(k));
  }
  for (const auto& g : resources.traffic.guardrails)
    if (enabled(g.doc)) ix.guardrail_names[g.id] = doc_name(g.doc);
}

GatewayViews::~GatewayViews() = default;

std::vector<Difference> GatewayViews::differences(const Model& model, const ProviderKey& key) const {
  const Index& ix = *index_;
  const TrafficContext& t = resources_.traffic;
  const CallShaping shaping = read_shaping(model, key);
  const json& m = model.canonical;
  std::vector<Difference> out;

  // The protocol itself: the gateway speaks Anthropic's native Messages API to this key.
  if (shaping.protocol == WireProtocol::Anthropic) {
    const UpstreamPlan plan = plan_chat_call(key.provider, key.adapter, chat_base(key), model.model_name);
    out.push_back({"anthropic_messages_api",
                   "The gateway calls this key's native Messages API (POST " +
                       (plan.gateway_url.empty() ? std::string("<base>/v1/messages") : excerpt(plan.gateway_url, 100)) +
                       " with x-api-key and anthropic-version); this test used Anthropic's OpenAI-compatible "
                       "/v1/chat/completions on the same base with a Bearer key."});
    const json* caching = member(m, "auto_prompt_caching");
    if (caching && caching->is_object()) {
      const json* on = member(*caching, "enabled");
      if (on && on->is_boolean() && on->get<bool>())
        out.push_back({"prompt_caching_not_applied",
                       "The gateway adds prompt-cache breakpoints to this model's Messages calls "
                       "(auto_prompt_caching); this test sent none."});
    }
  }

  // Caller keys: which enabled ones may call this model.
  std::vector<std::size_t> allowing;
  std::vector<bool> marked(ix.keys.size(), false);
  auto allow = [&](std::size_t i) {
    if (!marked[i]) marked[i] = true, allowing.push_back(i);
  };
  if (auto it = ix.by_name.find(model.display_name); it != ix.by_name.end())
    for (std::size_t i : it->second) allow(i);
  if (auto it = ix.by_id.find(model.id); it != ix.by_id.end())
    for (std::size_t i : it->second) allow(i);
  for (std::size_t i : ix.open_keys) {
    const auto& k = ix.keys[i];
    bool matches = k.any_model;
    for (const auto& g : k.globs) matches = matches || glob_matches(g, model.display_name);
    if (matches) allow(i);
  }
  if (!t.api_keys.empty()) {
    const std::size_t total = t.api_keys.size();
    out.push_back(
        {"caller_key_not_checked", "No caller API key was used: the gateway checks the caller's key first — " +
                                       std::to_string(allowing.size()) + " of the " + std::to_string(total) +
                                       " caller key" + (total == 1 ? "" : "s") +
                                       " may call this model (allowed_models); any other gets 403 there, "
                                       "and its expiry and budget are not checked here."});
  }

  // Rate limits: the model's own, the allowing keys', and the policies that may apply.
  std::vector<std::string> limits;
  if (non_empty_object(member(m, "rate_limit"))) limits.push_back("the model's own rate_limit");
  std::size_t limited_keys = 0;
  for (std::size_t i : allowing) limited_keys += ix.keys[i].rate_limited ? 1 : 0;
  if (limited_keys)
    limits.push_back("the rate_limit of " + std::to_string(limited_keys) + " caller key" +
                     (limited_keys == 1 ? "" : "s"));
  std::vector<std::string> policies;
  for (const auto& p : t.rate_limit_policies) {
    const json& d = p.doc;
    if (!enabled(d)) continue;
    const std::string* scope = string_member(d, "scope");
    const std::string* ref = string_member(d, "scope_ref");
    if (scope && ref) {
      // The legacy form names one target: a policy on another model does not apply.
      if (*scope == "model" && *ref != model.id) continue;
      if (*scope == "api_key") {
        bool applies = false;
        for (std::size_t i : allowing) applies = applies || ix.keys[i].id == *ref;
        if (!applies) continue;
      }
    }
    policies.push_back(doc_name(d));
  }
  if (!policies.empty()) limits.push_back("the policies " + names(policies));
  if (!limits.empty()) {
    std::string list;
    for (std::size_t i = 0; i < limits.size(); ++i)
      list += (i ? (i + 1 == limits.size() ? " and " : ", ") : "") + limits[i];
    out.push_back({"rate_limits_not_applied", "Rate limits were not applied: " + list + "."});
  }

  // Guardrails: attached to this model, to every call (env), or to some callers (api_key,
  // team); with no attachments at all, a file's guardrails apply to every call.
  std::vector<std::string> guards;
  bool callers_only = true;
  if (!ix.guardrail_names.empty()) {
    if (t.guardrail_attachments.empty()) {
      for (const auto& g : t.guardrails)
        if (enabled(g.doc)) guards.push_back(doc_name(g.doc));
      callers_only = false;
    } else {
      for (const auto& a : t.guardrail_attachments) {
        if (!enabled(a.doc)) continue;
        const std::string* gid = string_member(a.doc, "guardrail_id");
        const auto g = gid ? ix.guardrail_names.find(*gid) : ix.guardrail_names.end();
        if (g == ix.guardrail_names.end()) continue;
        const std::string scope = string_or_empty(a.doc, "scope_type");
        const std::string* sid = string_member(a.doc, "scope_id");
        const bool all = scope == "env" || (scope == "model" && sid && *sid == model.id);
        const bool some = scope == "api_key" || scope == "team";
        if (!all && !some) continue;
        if (all) callers_only = false;
        if (std::find(guards.begin(), guards.end(), g->second) == guards.end()) guards.push_back(g->second);
      }
    }
  }
  if (!guards.empty())
    out.push_back({"guardrails_not_run",
                   "Guardrails were not run: " + names(guards) + (callers_only ? " (attached to some callers)" : "") +
                       "; through the gateway they may block or change this prompt or its answer."});

  // Response cache: the first enabled policy that matches serves repeated prompts.
  std::vector<std::string> caches;
  for (const auto& c : t.cache_policies) {
    if (!enabled(c.doc)) continue;
    const std::string* raw = string_member(c.doc, "applies_to");
    const std::string_view applies = raw ? trim(*raw) : std::string_view("all");
    if (applies.substr(0, 6) == "model:" && trim(applies.substr(6)) != model.display_name) continue;
    caches.push_back(doc_name(c.doc) + (applies.substr(0, 8) == "api_key:" ? " (for one caller key)" : ""));
  }
  if (!caches.empty())
    out.push_back({"cache_not_used", "The gateway's response cache was not used (" + names(caches) +
                                         "): through the gateway a repeated prompt may be answered from the cache "
                                         "without reaching the provider."});

  if (const json* r = member(m, "retries"); r && r->is_number_integer() && r->get<std::int64_t>() > 0)
    out.push_back({"retries_not_exercised", "No retries: the gateway retries this model up to " +
                                                std::to_string(r->get<std::int64_t>()) +
                                                " times after a retryable failure; this test called once."});
  if (const json* c = member(m, "cooldown"); c && c->is_object()) {
    const json* on = member(*c, "enabled");
    if (on && on->is_boolean() && on->get<bool>())
      out.push_back({"cooldown_not_exercised",
                     "No cooldown: after failures the gateway takes this model out of "
                     "rotation for a while (cooldown); this test does not."});
  }
  if (const json* cidrs = member(m, "allowed_cidrs"); cidrs && cidrs->is_array() && !cidrs->empty())
    out.push_back({"client_ip_not_checked",
                   "The gateway accepts calls to this model only from allowed_cidrs; the "
                   "caller's address was not checked here."});

  if (!shaping.forward_client_headers.empty())
    out.push_back({"client_headers_not_forwarded",
                   "The key forwards callers' headers (forward_client_headers); a playground call has no caller, so "
                   "none were forwarded."});
  if (!shaping.forward_jwt_header.empty())
    out.push_back(
        {"caller_jwt_not_forwarded", "The gateway relays a caller's verified JWT in " + shaping.forward_jwt_header +
                                         " (forward_jwt_header); a playground call has no caller, so none was sent."});
  std::vector<std::string> caller_headers;
  for (const auto& [name, value] : shaping.default_headers)
    if (value.find("request.api_key.") != std::string::npos) caller_headers.push_back(name);
  if (!caller_headers.empty())
    out.push_back({"caller_header_dropped", "Default header " + names(caller_headers) +
                                                " names the caller's API key, so it was not sent here; the gateway "
                                                "sends it with each caller's value."});
  if (shaping.has_tls && !shaping.tls_verify && chat_base(key).find("https://") != std::string::npos)
    out.push_back({"tls_verify_off",
                   "The key turns certificate checks off (tls.verify: false): the gateway, and this "
                   "test as the gateway does, accept any certificate from this upstream, an "
                   "intercepting one included; trust its CA with tls.ca_cert instead."});
  return out;
}

json GatewayViews::public_json(const Model& model, const ProviderKey& key) const {
  json differences = json::array();
  for (const auto& d : this->differences(model, key)) differences.push_back(to_json(d));
  return json{{"shaping", shaping_to_json(read_shaping(model, key), true, key.api_key)},
              {"differences", std::move(differences)}};
}

std::vector<Difference> differences_for(const Model& model, const ProviderKey& key, const Resources& resources) {
  return GatewayViews(resources).differences(model, key);
}

json to_relay_shaping_json(const Resources& resources) {
  std::unordered_map<std::string_view, const ProviderKey*> keys;
  keys.reserve(resources.provider_keys.size());
  for (const auto& k : resources.provider_keys) keys.emplace(k.id, &k);
  json models = json::object();
  for (const auto& m : resources.models) {
    if (m.kind != "direct") continue;
    const auto found = keys.find(m.provider_key_id);
    if (found == keys.end()) continue;
    models[m.id] = shaping_to_json(read_shaping(m, *found->second), false);
  }
  return json{{"models", std::move(models)}};
}

}  // namespace pg
