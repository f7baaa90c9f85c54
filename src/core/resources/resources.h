// AISIX resources: provider keys and models, read from the gateway's resources file (strict,
// with ${VAR} interpolation and file sugar) or from etcd rows (canonical JSON, lenient), as
// the gateway itself reads them (docs/gateway-parity.md). Pure: the relay
// reads the file (YAML → JSON) and the environment, and hands both in.
#pragma once

#include "core/base/json_util.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pg {

struct ProviderKey {
  std::string id;  // derived UUIDv5 (file) or the etcd row id
  std::string display_name;
  std::string provider;                 // open vendor string ("openai", "deepseek", "azure", …)
  std::string adapter;                  // "" | openai | anthropic | bedrock | vertex | azure-openai
  std::string api_base;                 // "" when unset
  std::string api_key;                  // THE SECRET: never serialised by to_public_json
  json canonical;                       // the gateway's canonical document (secret → api_key); holds the secret
  std::vector<std::string> unset_vars;  // LoadOptions::allow_unset_vars only: variables it lacks
  std::string messages_base;            // apis.messages.base: where an Anthropic-wire key's Messages API lives
};

struct ModelCost {
  double input_per_1k = 0;   // USD per 1,000 prompt tokens
  double output_per_1k = 0;  // USD per 1,000 completion tokens
};

struct Model {
  std::string id;
  std::string display_name;
  std::string kind;        // "direct" | "routing" | "ensemble" | "semantic"
  std::string provider;    // direct only
  std::string model_name;  // direct only
  std::string provider_key_id;
  std::optional<ModelCost> cost;
  std::vector<std::string> targets;  // multi-target: the model names it routes to
  bool testable = false;
  std::string reason;                   // why not testable (multi-target, missing key, unsupported protocol…)
  json canonical;                       // the gateway's canonical document (provider_key_id, no file sugar)
  std::vector<std::string> unset_vars;  // LoadOptions::allow_unset_vars only: variables it lacks
};

struct ResourceError {
  std::string entry;  // "models[2] (gpt4o)", "provider_keys[0] (oai)", "" for the file
  std::string field;  // "api_key", "provider_key", "_format_version"
  std::string message;
};

// The other collections the gateway applies to chat traffic (caller keys, guardrails and
// their attachments, cache and rate-limit policies): each valid entry's id and canonical
// document, for what a playground pass does not prove (gateway_shaping.h).
struct TrafficEntry {
  std::string id;
  json doc;
};
struct TrafficContext {
  std::vector<TrafficEntry> api_keys, guardrails, guardrail_attachments, cache_policies, rate_limit_policies;
  // The list of `kind`, or nullptr when the kind is not one of these.
  std::vector<TrafficEntry>* list(std::string_view kind);
};

struct Resources {
  std::vector<ProviderKey> provider_keys;
  std::vector<Model> models;
  TrafficContext traffic;
  std::vector<ResourceError> errors;    // file: any error fails the whole load
  std::vector<ResourceError> warnings;  // etcd: skipped rows, ignored unknown fields
  bool ok() const { return errors.empty(); }
  const ProviderKey* key_by_id(std::string_view id) const;
  const Model* model_by_id(std::string_view id) const;
};

using Env = std::unordered_map<std::string, std::string>;

// The resources file, already parsed from YAML to JSON by the caller (null: an empty file).
// Strict like the gateway, for every one of its 14 collections, not only the two the
// playground serves: `_format_version` must be the string "1", unknown top-level keys and
// unknown fields of closed objects are errors, ${VAR} is interpolated in every string value
// (unset or empty → error), file sugar (`provider_key`, `key_env`, `resolve.api_key`, names in
// `scope_ref`, conditions and attachments) is rewritten to derived ids, each entry is checked
// against its kind's schema, and names referenced across entries must exist. All errors are
// collected; on any error the result holds no resources (docs/gateway-parity.md).
Resources load_resources_file(const json& document, const Env& env);

struct LoadOptions {
  // NOT the gateway's behaviour, for the playground's own example file (`make run` offline):
  // an unset or empty ${VAR} becomes a warning instead of failing the load; its text stays
  // as written and the provider key or model that needs it is listed as not testable.
  // Syntax errors (unterminated `${`, empty `${}`) still fail the load.
  bool allow_unset_vars = false;
};
Resources load_resources_file(const json& document, const Env& env, const LoadOptions& options);

// One etcd row (canonical JSON, lenient: unknown fields are ignored and reported; types,
// ranges, required fields, enums and shapes still hold). Rows of "models" and "provider_keys"
// give a value; rows of the gateway's other kinds are checked the same way and give only
// errors and warnings. Used by the etcd source; a bad row is reported and skipped.
struct RowResult {
  std::optional<ProviderKey> provider_key;
  std::optional<Model> model;
  std::optional<TrafficEntry> traffic;  // a valid row of a TrafficContext kind
  std::string traffic_kind;
  std::vector<ResourceError> errors;
  std::vector<ResourceError> warnings;
};
RowResult parse_row(std::string_view kind, std::string_view id, std::string_view value);
// Adds one parsed row to an etcd snapshot: its key, model or traffic entry, and its problems
// as warnings (a bad row is skipped and reported, as the gateway does). resolve_models after.
void add_row(Resources& resources, RowResult&& row);
// An etcd snapshot: `rows` is [{kind, id, value: "<the row's JSON text>"}, …]; each row is
// parse_row'd and add_row'ed (an entry without a string kind, id or value is skipped), then
// resolve_models. What the relay's etcd source loads (rows.cpp).
Resources load_rows(const json& rows);

// Decides testability once keys and models are known (a model whose key is missing, or
// whose key speaks a protocol the playground cannot call, is listed as not testable).
void resolve_models(Resources& resources);

// The base a key's chat calls go to: an Anthropic-wire key's `apis.messages.base` when it
// declares one (the gateway dispatches its Messages API there), else its api_base.
std::string chat_base(const ProviderKey& key);

// The gateway's file id: UUIDv5 over "<kind>/<identity>" in the AISIX file namespace.
std::string derive_id(std::string_view kind, std::string_view identity);

// The canonical rows (what the gateway stores in etcd) for a loaded file: a list of
// {key: "<kind>/<id>", value: {...}} with provider keys' api_key in plain text.
json to_canonical_rows(const Resources& resources);

// What the browser may see: the public model list (docs/contracts.md), never a secret.
json to_public_json(const Resources& resources);

// For the relay only (it calls the upstream), never for a browser: every provider key as
// {id, display_name, provider, adapter, api_base, api_key}, the secret in plain text.
json to_relay_keys_json(const Resources& resources);
// A load's reply to the relay (loadResources / loadRows): {ok, errors, warnings, models (the
// public list), providerKeys (to_relay_keys_json), shaping (each model's, every value)}.
json to_loaded_json(const Resources& resources);
json to_json(const ResourceError& e);

}  // namespace pg
