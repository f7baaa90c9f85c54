// The resources file loader, etcd rows, ids and the JSON views. The per-entry field rules
// live in resource_entries.cpp; testability in resource_testability.cpp.
#include "core/resources.h"

#include "core/redact.h"
#include "core/upstream.h"

#include "core/interpolate.h"
#include "core/resource_entries.h"
#include "core/uuid5.h"

#include <map>
#include <string_view>
#include <unordered_map>

namespace pg {

using resources_detail::EntryLog;
using resources_detail::KeyIdsByName;
using resources_detail::Mode;

namespace {

// uuid5(NAMESPACE_URL, "https://github.com/api7/aisix#resources-file"), pinned by the gateway.
constexpr Uuid kFileResourceNamespace = {0x63, 0xe5, 0x0a, 0xb2, 0x67, 0x7a, 0x54, 0xd3,
                                         0x8d, 0x1e, 0xc0, 0xcb, 0x29, 0xce, 0xae, 0x94};

// The gateway's 13 collections, in its processing order, with the field naming an entry
// (used here only to label messages for the collections the playground does not read).
struct Collection {
  const char* kind;
  const char* identity;   // "" when the kind has no identity of its own
  const char* alt_identity;
};
constexpr Collection kCollections[] = {
    {"provider_keys", "display_name", ""}, {"models", "display_name", ""},
    {"api_keys", "display_name", ""},      {"guardrails", "name", ""},
    {"mcp_servers", "name", "display_name"}, {"a2a_agents", "name", "display_name"},
    {"cache_policies", "name", ""},        {"observability_exporters", "name", ""},
    {"rate_limit_policies", "name", ""},   {"oidc_providers", "name", ""},
    {"claim_mappings", "name", ""},        {"passthrough_routes", "name", "display_name"},
    {"mcp_auth_settings", "", ""},
};
constexpr const char* kFormatVersion = "1";

std::string identity_of(const json& entry, const Collection& c) {
  for (const char* field : {c.identity, c.alt_identity}) {
    if (!*field) continue;
    const std::string* s = string_member(entry, field);
    if (s && !s->empty()) return *s;
  }
  return "";
}

std::string scope(const char* kind, std::size_t index, const std::string& identity) {
  std::string out = std::string(kind) + "[" + std::to_string(index) + "]";
  if (!identity.empty()) out += " (" + excerpt(identity, 80) + ")";
  return out;
}

void check_format_version(const json& document, std::vector<ResourceError>& errors) {
  const json* version = member(document, "_format_version");
  const std::string expected = std::string("\"") + kFormatVersion + "\"";
  if (!version)
    errors.push_back({"", "_format_version", "is missing; the file must start with _format_version: " + expected});
  else if (!version->is_string())
    errors.push_back({"", "_format_version",
                      "must be the string " + expected + ", not " + resources_detail::describe_type(*version) +
                          " (quote it: _format_version: " + expected + ")"});
  else if (version->get_ref<const std::string&>() != kFormatVersion)
    errors.push_back({"", "_format_version",
                      "\"" + excerpt(version->get_ref<const std::string&>(), 40) +
                          "\" is not a supported format version (supported: " + expected + ")"});
}

void check_top_level_keys(const json& document, std::vector<ResourceError>& errors) {
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (it.key() == "_format_version") continue;
    bool known = false;
    for (const auto& c : kCollections) known = known || it.key() == c.kind;
    if (known) continue;
    std::string list;
    for (const auto& c : kCollections) list += std::string(list.empty() ? "" : ", ") + c.kind;
    errors.push_back({"", excerpt(it.key(), 80),
                      "unknown top-level key (expected _format_version and the collections " + list + ")"});
  }
}

// One interpolated entry waiting for its field checks.
struct Prepared {
  const char* kind;
  std::string scope;
  std::string identity;
  json doc;
  std::vector<std::string> unset_vars;  // allow_unset_vars only
};

// Pass 1, for every collection: shape, ${VAR} interpolation, identity and duplicates.
// Entries of the two kinds the playground reads are returned for pass 2.
std::vector<Prepared> prepare(const json& document, const Env& env, const LoadOptions& options,
                              Resources& out_resources, KeyIdsByName& key_ids,
                              std::map<std::string, std::string>& model_ids) {
  std::vector<ResourceError>& errors = out_resources.errors;
  std::vector<Prepared> out;
  for (const auto& c : kCollections) {
    const json* entries = member(document, c.kind);
    if (!entries || entries->is_null()) continue;
    if (!entries->is_array()) {
      errors.push_back({"", c.kind, "must be a list of mappings, not " +
                                        std::string(resources_detail::describe_type(*entries))});
      continue;
    }
    const bool read = std::string(c.kind) == "provider_keys" || std::string(c.kind) == "models";
    std::map<std::string, std::size_t> seen_at;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const json& raw = (*entries)[i];
      if (!raw.is_object()) {
        errors.push_back({scope(c.kind, i, ""), "", "entry must be a mapping"});
        continue;
      }
      std::vector<InterpolationError> problems;
      json doc = interpolate_tree(raw, env, problems, options.allow_unset_vars);
      const std::string identity = identity_of(doc, c);
      const std::string where = scope(c.kind, i, identity);
      bool failed = false;
      std::vector<std::string> unset_vars;
      for (auto& e : problems) {
        // With allow_unset_vars, a missing variable is a warning and its text stays in place.
        const bool tolerated = options.allow_unset_vars && !e.unset.empty();
        if (tolerated) unset_vars.push_back(e.unset);
        failed = failed || !tolerated;
        (tolerated ? out_resources.warnings : errors).push_back({where, std::move(e.path), std::move(e.message)});
      }
      if (!read) continue;

      if (identity.empty()) {
        errors.push_back({where, "display_name", "is required and must be a non-empty string (it is the entry's identity)"});
        continue;
      }
      if (auto first = seen_at.find(identity); first != seen_at.end()) {
        errors.push_back({where, "display_name",
                          "duplicate: \"" + excerpt(identity, 80) + "\" is already defined at " +
                              scope(c.kind, first->second, "") + " (display names must be unique within " + c.kind + ")"});
        continue;
      }
      seen_at.emplace(identity, i);
      // Registered even when interpolation failed, so references to it do not add noise.
      (std::string(c.kind) == "provider_keys" ? key_ids : model_ids)[identity] = derive_id(c.kind, identity);
      if (!failed) out.push_back({c.kind, where, identity, std::move(doc), std::move(unset_vars)});
    }
  }
  return out;
}

// Pass 3: every model a multi-target model names must exist (single-`*` globs are exempt).
// Checked even for entries that failed their field checks, so one pass reports everything.
using References = std::vector<std::pair<std::string, std::string>>;  // (field, model name)
void check_model_references(const std::vector<std::pair<std::string, References>>& referrers,
                            const std::map<std::string, std::string>& model_ids,
                            std::vector<ResourceError>& errors) {
  std::string defined;
  for (const auto& [name, id] : model_ids) defined += (defined.empty() ? "" : ", ") + name;
  if (defined.empty()) defined = "none";
  for (const auto& [where, references] : referrers) {
    for (const auto& [field, name] : references) {
      if (name.find('*') != std::string::npos || model_ids.count(name)) continue;
      errors.push_back({where, field, "references unknown model \"" + excerpt(name, 80) + "\" (defined models: " +
                                          excerpt(defined, 400) + ")"});
    }
  }
}

}  // namespace

std::string derive_id(std::string_view kind, std::string_view identity) {
  std::string name;
  name.reserve(kind.size() + 1 + identity.size());
  name.append(kind).append("/").append(identity);
  return format_uuid(uuid_v5(kFileResourceNamespace, name));
}

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

Resources load_resources_file(const json& document, const Env& env) {
  return load_resources_file(document, env, LoadOptions{});
}

Resources load_resources_file(const json& document, const Env& env, const LoadOptions& options) {
  Resources out;
  if (!document.is_object()) {
    out.errors.push_back({"", "", "the top level must be a mapping with _format_version and resource collections"});
    return out;
  }
  check_format_version(document, out.errors);
  check_top_level_keys(document, out.errors);

  KeyIdsByName key_ids;
  std::map<std::string, std::string> model_ids;
  std::vector<Prepared> prepared = prepare(document, env, options, out, key_ids, model_ids);

  std::vector<std::pair<std::string, References>> referrers;
  for (auto& entry : prepared) {
    EntryLog log(Mode::File, entry.scope, out.errors, out.warnings);
    if (member(entry.doc, "id")) {
      log.error("id", "is not accepted in the resources file: ids are derived from display_name");
      continue;
    }
    if (std::string(entry.kind) == "provider_keys") {
      if (auto key = resources_detail::read_provider_key(entry.doc, log)) {
        key->id = derive_id(entry.kind, entry.identity);
        key->unset_vars = std::move(entry.unset_vars);
        out.provider_keys.push_back(std::move(*key));
      }
    } else {
      if (auto model = resources_detail::read_model(entry.doc, log, &key_ids)) {
        model->id = derive_id(entry.kind, entry.identity);
        model->unset_vars = std::move(entry.unset_vars);
        out.models.push_back(std::move(*model));
      }
      referrers.emplace_back(entry.scope, resources_detail::model_references(entry.doc));
    }
  }
  check_model_references(referrers, model_ids, out.errors);

  if (!out.errors.empty()) {  // all-or-nothing, like the gateway
    out.provider_keys.clear();
    out.models.clear();
    return out;
  }
  resolve_models(out);
  return out;
}

RowResult parse_row(std::string_view kind, std::string_view id, std::string_view value) {
  RowResult out;
  EntryLog log(Mode::Etcd, std::string(kind) + "/" + excerpt(id, 80), out.errors, out.warnings);
  if (kind != "models" && kind != "provider_keys") {
    log.error("", "the playground reads only models and provider_keys rows");
    return out;
  }
  if (id.empty()) {
    log.error("", "the row's key has no id");
    return out;
  }
  ParseOutcome parsed = parse_json(value);
  if (!parsed.value) {
    log.error("", "the row's value is not JSON: " + parsed.error);
    return out;
  }
  json doc = std::move(*parsed.value);
  if (doc.is_object() && doc.contains("id")) {
    // The row's key names the resource; an id inside the value is redundant at best.
    const std::string* inner = string_member(doc, "id");
    if (!inner || *inner != id) log.warning("id", "differs from the id in the row's key; the key's id is used");
    doc.erase("id");
  }
  if (kind == "provider_keys") {
    out.provider_key = resources_detail::read_provider_key(doc, log);
    if (out.provider_key) out.provider_key->id = std::string(id);
  } else {
    out.model = resources_detail::read_model(doc, log, nullptr);
    if (out.model) out.model->id = std::string(id);
  }
  return out;
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
                 {"api_base", key ? redact(shown_base_url(key->api_base), {key->api_key}) : std::string()},
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
                    {"api_base", k.api_base},
                    // A key still missing its ${VAR} has no usable secret (allow_unset_vars).
                    {"api_key", k.unset_vars.empty() ? k.api_key : std::string()}});
  return keys;
}

json to_json(const ResourceError& e) {
  return json{{"entry", e.entry}, {"field", e.field}, {"message", e.message}};
}

}  // namespace pg
