// The resources file loader and etcd rows, in the gateway's order (its file loader: format
// gate, pass 1 interpolation/identity/duplicates over all 14 kinds, pass 2 sugar and each
// kind's schema, pass 3 cross-references; all-or-nothing). The per-kind rules live in the
// files of detail/kinds/ and detail/; etcd rows in rows.cpp, the JSON views in views.cpp.
#include "core/resources/resources.h"

#include "core/base/json_path.h"
#include "core/base/uuid5.h"
#include "core/resources/detail/interpolate.h"
#include "core/resources/detail/references.h"

#include <map>
#include <string_view>

namespace pg {

using resources_detail::CheckedEntry;
using resources_detail::EntryLog;
using resources_detail::FileSugar;
using resources_detail::IdentityMaps;
using resources_detail::Mode;

namespace {

// uuid5(NAMESPACE_URL, "https://github.com/api7/aisix#resources-file"), pinned by the gateway.
constexpr Uuid kFileResourceNamespace = {0x63, 0xe5, 0x0a, 0xb2, 0x67, 0x7a, 0x54, 0xd3,
                                         0x8d, 0x1e, 0xc0, 0xcb, 0x29, 0xce, 0xae, 0x94};

// The gateway's 14 collections, in its processing order, with the field naming an entry.
enum class Identity { DisplayName, Name, NameOrDisplayName, Singleton, AttachmentTriple };
struct Collection {
  const char* kind;
  Identity identity;
};
constexpr Collection kCollections[] = {
    {"provider_keys", Identity::DisplayName},
    {"models", Identity::DisplayName},
    {"api_keys", Identity::DisplayName},
    {"guardrails", Identity::Name},
    {"guardrail_attachments", Identity::AttachmentTriple},
    {"mcp_servers", Identity::NameOrDisplayName},
    {"a2a_agents", Identity::NameOrDisplayName},
    {"cache_policies", Identity::Name},
    {"observability_exporters", Identity::Name},
    {"rate_limit_policies", Identity::Name},
    {"oidc_providers", Identity::Name},
    {"claim_mappings", Identity::Name},
    {"passthrough_routes", Identity::NameOrDisplayName},
    {"mcp_auth_settings", Identity::Singleton},
};
constexpr const char* kFormatVersion = "1";

const char* identity_field(Identity identity) {
  switch (identity) {
    case Identity::DisplayName: return "display_name";
    case Identity::Name: return "name";
    case Identity::NameOrDisplayName: return "name";
    case Identity::AttachmentTriple: return "guardrail_id";
    case Identity::Singleton: break;
  }
  return "";
}

const char* identity_words(Identity identity) {
  switch (identity) {
    case Identity::DisplayName: return "display_name";
    case Identity::Name: return "name";
    case Identity::NameOrDisplayName: return "name (or display_name)";
    case Identity::AttachmentTriple: return "guardrail_id + scope_type (+ scope_id)";
    case Identity::Singleton: break;
  }
  return "the singleton identity";
}

std::string identity_of(const json& entry, Identity identity) {
  switch (identity) {
    case Identity::DisplayName: return string_or_empty(entry, "display_name");
    case Identity::Name: return string_or_empty(entry, "name");
    case Identity::NameOrDisplayName: {
      std::string name = string_or_empty(entry, "name");
      return name.empty() ? string_or_empty(entry, "display_name") : name;
    }
    case Identity::Singleton: return "mcp_auth_settings";
    case Identity::AttachmentTriple: {
      // As written (before names become ids); "-" stands for an absent scope_id (scope env).
      const std::string guardrail = string_or_empty(entry, "guardrail_id"),
                        scope = string_or_empty(entry, "scope_type");
      if (guardrail.empty() || scope.empty()) return "";
      const std::string id = string_or_empty(entry, "scope_id");
      return guardrail + "/" + scope + "/" + (id.empty() ? "-" : id);
    }
  }
  return "";
}

std::string scope(const char* kind, std::size_t index, const std::string& identity) {
  std::string out = index_path(kind, index);
  if (!identity.empty()) out += " (" + excerpt(identity, 80) + ")";
  return out;
}

void check_format_version(const json& document, std::vector<ResourceError>& errors) {
  const json* version = member(document, "_format_version");
  const std::string expected = std::string("\"") + kFormatVersion + "\"";
  if (!version)
    errors.push_back({"", "_format_version",
                      "missing mandatory _format_version (expected " + expected +
                          "): the file must start with "
                          "_format_version: " +
                          expected});
  else if (!version->is_string())
    errors.push_back({"", "_format_version",
                      "must be the string " + expected + ", not " + resources_detail::describe_type(*version) +
                          " (quote it: _format_version: " + expected + ")"});
  else if (version->get_ref<const std::string&>() != kFormatVersion)
    errors.push_back({"", "_format_version",
                      "unrecognized _format_version \"" + excerpt(version->get_ref<const std::string&>(), 40) +
                          "\" (supported: " + expected + ")"});
}

void check_top_level_keys(const json& document, std::vector<ResourceError>& errors) {
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (it.key() == "_format_version") continue;
    bool known = false;
    for (const auto& c : kCollections) known = known || it.key() == c.kind;
    if (known) continue;
    if (it.key() == "pricing") {
      errors.push_back({"", "pricing",
                        "the resources file does not accept a `pricing` collection: pricing documents are written by "
                        "the control plane and shared across environments; set `cost` on each model instead"});
      continue;
    }
    std::string list;
    for (const auto& c : kCollections) list += std::string(list.empty() ? "" : ", ") + c.kind;
    errors.push_back({"", excerpt(it.key(), 80),
                      "unknown top-level key `" + excerpt(it.key(), 80) +
                          "` (expected _format_version and the "
                          "resource collections: " +
                          list + ")"});
  }
}

// One interpolated entry waiting for its own checks.
struct Prepared {
  const char* kind;
  std::string scope;
  std::string identity;
  json doc;
  std::vector<std::string> unset_vars;  // allow_unset_vars only
  bool failed = false;                  // interpolation failed: its checks are skipped
};

// Pass 1, for every collection: shape, ${VAR} interpolation, identity and duplicates.
std::vector<Prepared> prepare(const json& document, const Env& env, const LoadOptions& options, Resources& out,
                              IdentityMaps& ids) {
  std::vector<Prepared> prepared;
  for (const auto& c : kCollections) {
    const json* entries = member(document, c.kind);
    if (!entries || entries->is_null()) continue;
    if (!entries->is_array()) {
      out.errors.push_back({"", c.kind,
                            "`" + std::string(c.kind) + "` must be a sequence of maps, not " +
                                resources_detail::describe_type(*entries)});
      continue;
    }
    // Only the two kinds the playground serves may go without a variable in demo mode.
    const bool served = std::string(c.kind) == "provider_keys" || std::string(c.kind) == "models";
    std::map<std::string, std::size_t> seen_at;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const json& raw = (*entries)[i];
      if (!raw.is_object()) {
        out.errors.push_back({scope(c.kind, i, ""), "", "entry must be a mapping"});
        continue;
      }
      const bool keep_unset = options.allow_unset_vars && served;
      std::vector<InterpolationError> problems;
      json doc = interpolate_tree(raw, env, problems, keep_unset);
      const std::string identity = identity_of(doc, c.identity);
      const std::string where = scope(c.kind, i, identity);
      Prepared entry{c.kind, where, identity, json(), {}, false};
      for (auto& e : problems) {
        const bool tolerated = keep_unset && !e.unset.empty();
        if (tolerated) entry.unset_vars.push_back(e.unset);
        entry.failed = entry.failed || !tolerated;
        (tolerated ? out.warnings : out.errors).push_back({where, std::move(e.path), std::move(e.message)});
      }
      if (identity.empty()) {
        out.errors.push_back({where, identity_field(c.identity),
                              std::string(identity_words(c.identity)) +
                                  " is required and must be a non-empty string (it is the entry's identity)"});
        continue;
      }
      if (auto first = seen_at.find(identity); first != seen_at.end()) {
        const std::string earlier = scope(c.kind, first->second, "");
        out.errors.push_back(
            {where, identity_field(c.identity),
             c.identity == Identity::Singleton
                 ? "duplicate mcp_auth_settings entry: a file holds at most one (already defined at " + earlier + ")"
                 : "duplicate " + std::string(c.kind) + " entry: " + identity_words(c.identity) + " \"" +
                       excerpt(identity, 80) + "\" is already defined at " + earlier +
                       " (identities must be unique within a kind)"});
        continue;
      }
      seen_at.emplace(identity, i);
      // Registered even when interpolation failed, so references to it do not add noise.
      ids[c.kind][identity] = derive_id(c.kind, identity);
      entry.doc = std::move(doc);
      prepared.push_back(std::move(entry));
    }
  }
  return prepared;
}

// Pass 2 for one entry: file sugar and the kind's own checks.
bool check_entry(Prepared& entry, EntryLog& log, const FileSugar& sugar, Resources& out,
                 const resources_detail::KeyIdsByName& key_ids) {
  namespace d = resources_detail;
  const std::string kind = entry.kind;
  if (kind == "provider_keys") {
    auto key = d::read_provider_key(entry.doc, log);
    if (!key) return false;
    key->id = derive_id(entry.kind, entry.identity);
    key->unset_vars = std::move(entry.unset_vars);
    out.provider_keys.push_back(std::move(*key));
    return true;
  }
  if (kind == "models") {
    auto model = d::read_model(entry.doc, log, &key_ids);
    if (!model) return false;
    model->id = derive_id(entry.kind, entry.identity);
    model->unset_vars = std::move(entry.unset_vars);
    out.models.push_back(std::move(*model));
    return true;
  }
  json& doc = entry.doc;
  if (kind == "api_keys") return d::check_api_key(doc, log, &sugar);
  if (kind == "guardrails") return d::check_guardrail(doc, log);
  if (kind == "guardrail_attachments") return d::check_guardrail_attachment(doc, log, &sugar);
  if (kind == "mcp_servers") return d::check_mcp_server(doc, log);
  if (kind == "a2a_agents") return d::check_a2a_agent(doc, log);
  if (kind == "cache_policies") return d::check_cache_policy(doc, log);
  if (kind == "observability_exporters") return d::check_observability_exporter(doc, log);
  if (kind == "rate_limit_policies") return d::check_rate_limit_policy(doc, log, &sugar);
  if (kind == "oidc_providers") return d::check_oidc_provider(doc, log);
  if (kind == "claim_mappings") return d::check_claim_mapping(doc, log, &sugar);
  if (kind == "passthrough_routes") return d::check_passthrough_route(doc, log, &sugar);
  return d::check_mcp_auth_settings(doc, log);
}

}  // namespace

std::string derive_id(std::string_view kind, std::string_view identity) {
  std::string name;
  name.reserve(kind.size() + 1 + identity.size());
  name.append(kind).append("/").append(identity);
  return format_uuid(uuid_v5(kFileResourceNamespace, name));
}

Resources load_resources_file(const json& document, const Env& env) {
  return load_resources_file(document, env, LoadOptions{});
}

Resources load_resources_file(const json& document, const Env& env, const LoadOptions& options) {
  Resources out;
  if (document.is_null()) {
    out.errors.push_back(
        {"", "", "the file is empty: it holds no YAML document (start it with _format_version: \"1\")"});
    return out;
  }
  if (!document.is_object()) {
    out.errors.push_back({"", "", "the top level must be a mapping with _format_version and resource collections"});
    return out;
  }
  check_format_version(document, out.errors);
  check_top_level_keys(document, out.errors);

  IdentityMaps ids;
  std::vector<Prepared> prepared = prepare(document, env, options, out, ids);
  const resources_detail::KeyIdsByName key_ids = ids["provider_keys"];
  const FileSugar sugar{&ids, &env};

  std::vector<CheckedEntry> checked;
  for (auto& entry : prepared) {
    if (entry.failed) continue;
    EntryLog log(Mode::File, entry.scope, out.errors, out.warnings);
    // Ids are derived from names in a file; an `id` of its own could only disagree.
    if (member(entry.doc, "id")) {
      log.error("id",
                "the resources file does not accept `id`: ids are derived deterministically from the entry's "
                "name");
      continue;
    }
    json raw = entry.doc;
    const bool valid = check_entry(entry, log, sugar, out, key_ids);
    if (std::vector<TrafficEntry>* list = valid ? out.traffic.list(entry.kind) : nullptr)
      list->push_back({derive_id(entry.kind, entry.identity), entry.doc});
    checked.push_back({entry.kind, entry.scope, std::move(raw), std::move(entry.doc), valid});
  }
  resources_detail::check_cross_references(checked, ids, out.errors);

  if (!out.errors.empty()) {  // all-or-nothing, like the gateway
    out.provider_keys.clear();
    out.models.clear();
    out.traffic = TrafficContext{};
    return out;
  }
  resolve_models(out);
  return out;
}

}  // namespace pg
