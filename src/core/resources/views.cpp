// What a loaded configuration looks like from outside: the gateway's canonical rows, the
// public model list (no secret) and the relay's keys (the secret, for the relay only).
#include "core/resources/resources.h"

#include "core/secrets/redact.h"
#include "core/upstream/gateway_shaping.h"
#include "core/upstream/upstream.h"

#include <string_view>
#include <unordered_map>

namespace pg {

const ProviderKey* Resources::key_by_id(std::string_view id) const {
  for (const auto& k : provider_keys)
    if (k.id == id) return &k;
  return nullptr;
}

const Model* Resources::model_by_id(std::string_view id) const {
  for (const auto& m : models)
    if (m.id == id) return &m;
  return nullptr;
}

json to_canonical_rows(const Resources& resources) {
  json rows = json::array();
  for (const auto& k : resources.provider_keys) {
    json value = k.canonical.is_object() ? k.canonical : json::object();
    value["display_name"] = k.display_name;
    value["provider"] = k.provider;
    if (!k.adapter.empty()) value["adapter"] = k.adapter;
    if (!k.api_base.empty()) value["api_base"] = k.api_base;
    value["api_key"] = k.api_key;
    rows.push_back({{"key", "provider_keys/" + k.id}, {"value", std::move(value)}});
  }
  for (const auto& m : resources.models) {
    json value = m.canonical.is_object() ? m.canonical : json::object();
    value["display_name"] = m.display_name;
    if (m.kind == "direct") {
      value["provider"] = m.provider;
      value["model_name"] = m.model_name;
      value["provider_key_id"] = m.provider_key_id;
      if (m.cost) value["cost"] = {{"input_per_1k", m.cost->input_per_1k}, {"output_per_1k", m.cost->output_per_1k}};
    }
    rows.push_back({{"key", "models/" + m.id}, {"value", std::move(value)}});
  }
  return rows;
}

json to_public_json(const Resources& resources) {
  // An index, not key_by_id's scan: an etcd store can hold 10,000 models and 10,000 keys.
  std::unordered_map<std::string_view, const ProviderKey*> keys;
  keys.reserve(resources.provider_keys.size());
  for (const auto& k : resources.provider_keys) keys.emplace(k.id, &k);  // first definition wins
  const GatewayViews gateway(resources);
  json models = json::array();
  for (const auto& m : resources.models) {
    const bool direct = m.kind == "direct";
    const auto found = direct ? keys.find(m.provider_key_id) : keys.end();
    const ProviderKey* key = found == keys.end() ? nullptr : found->second;
    json item = {{"id", m.id},
                 {"display_name", m.display_name},
                 {"kind", m.kind},
                 {"provider", m.provider},
                 {"model_name", m.model_name},
                 // Anyone signed in may list models: never a key pasted into the URL.
                 {"api_base", key ? redact(shown_base_url(chat_base(*key)), {key->api_key}) : std::string()},
                 {"provider_key", nullptr},
                 {"cost", nullptr},
                 {"testable", m.testable}};
    if (direct) {
      // The key's provider and adapter decide the wire protocol; the page needs them to
      // show the exact upstream URL and auth header ("Copy as curl"). Never the secret.
      item["provider_key"] = {{"id", m.provider_key_id},
                              {"display_name", key ? json(key->display_name) : json(nullptr)},
                              {"provider", key ? json(key->provider) : json(nullptr)},
                              {"adapter", key ? json(key->adapter) : json(nullptr)}};
    }
    if (m.cost) item["cost"] = {{"input_per_1k", m.cost->input_per_1k}, {"output_per_1k", m.cost->output_per_1k}};
    if (!m.testable) item["reason"] = m.reason;
    if (!direct) item["targets"] = m.targets;
    // How the gateway shapes this model's call (public view) and what a pass does not prove.
    if (key) item["gateway"] = gateway.public_json(m, *key);
    models.push_back(std::move(item));
  }
  return json{{"models", std::move(models)}};
}

json to_relay_keys_json(const Resources& resources) {
  json keys = json::array();
  for (const auto& k : resources.provider_keys)
    keys.push_back({{"id", k.id},
                    {"display_name", k.display_name},
                    {"provider", k.provider},
                    {"adapter", k.adapter},
                    // The base its chat calls go to (an Anthropic key's declared Messages base).
                    {"api_base", chat_base(k)},
                    // A key still missing its ${VAR} has no usable secret (allow_unset_vars).
                    {"api_key", k.unset_vars.empty() ? k.api_key : std::string()},
                    // Credential-like values of its default headers and body fields: answers are
                    // redacted against them too (gateway_shaping.h).
                    {"header_secrets", shaping_secrets(read_shaping(Model{}, k))}});
  return keys;
}

json to_json(const ResourceError& e) { return json{{"entry", e.entry}, {"field", e.field}, {"message", e.message}}; }

json to_loaded_json(const Resources& r) {
  json errors = json::array();
  for (const auto& e : r.errors) errors.push_back(to_json(e));
  json warnings = json::array();
  for (const auto& w : r.warnings) warnings.push_back(to_json(w));
  json out = {{"ok", r.ok()}, {"errors", errors}, {"warnings", warnings}};
  out["models"] = to_public_json(r)["models"];
  // The relay keeps these in its own memory; the public model list above never holds a key.
  out["providerKeys"] = to_relay_keys_json(r);  // api_key "" while a key still lacks its ${VAR}
  // Relay only, like providerKeys: each model's shaping with every value, the secrets among them.
  out["shaping"] = to_relay_shaping_json(r);
  return out;
}

}  // namespace pg
