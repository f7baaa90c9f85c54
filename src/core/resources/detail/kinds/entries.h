// Internal to the resources reader: one entry of any of the gateway's resource kinds → checked
// against the gateway's schema for that kind (docs/gateway-parity.md says which version and
// where each rule was read). The same checkers serve the file (strict: closed objects refuse
// unknown fields; file sugar such as `provider_key` names is rewritten to derived ids) and etcd
// rows (lenient: unknown fields are ignored and reported; no sugar).
#pragma once

#include "core/resources/detail/checks.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::resources_detail {

// The value checks (ValueCheck) the kinds' rule tables share, named by what the gateway's
// schema says of the field. A check only one kind uses (an enum, a length, a pattern) stays
// in that kind's file.
inline void non_empty_string(EntryLog& l, const std::string& p, const json& v) { check_string(l, p, v, true); }
inline void any_string(EntryLog& l, const std::string& p, const json& v) { check_string(l, p, v, false); }
inline void boolean(EntryLog& l, const std::string& p, const json& v) { check_bool(l, p, v); }
inline void string_list(EntryLog& l, const std::string& p, const json& v) { check_string_list(l, p, v); }
inline void date_time(EntryLog& l, const std::string& p, const json& v) { check_date_time(l, p, v); }
inline void non_negative_int(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0); }
inline void positive_int(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1); }
inline void uint32(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0, 4294967295LL); }

// A copy of `doc` without the members `rules` does not list (what etcd's lenient decode keeps).
inline json known_members_only(const json& doc, const std::vector<FieldRule>& rules) {
  json out = json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it)
    for (const auto& rule : rules)
      if (it.key() == rule.name) out[it.key()] = it.value();
  return out;
}

// File mode: provider key display_name → derived id, to resolve `provider_key` and to check
// that a `provider_key_id` names a key of the same file. Etcd mode passes nullptr.
using KeyIdsByName = std::map<std::string, std::string>;

// Every kind's identities in a file: kind → (identity → derived id). Built in the loader's
// first pass, so name references resolve against every entry of the file.
using IdentityMaps = std::map<std::string, std::map<std::string, std::string>>;

// What file sugar needs: the identities and the environment (`key_env`). nullptr on etcd.
struct FileSugar {
  const IdentityMaps* ids;
  const std::unordered_map<std::string, std::string>* env;
};

// Returns a value only when the entry logged no error. `id` is left for the caller to set.
std::optional<ProviderKey> read_provider_key(const json& doc, EntryLog& log);
std::optional<Model> read_model(const json& doc, EntryLog& log, const KeyIdsByName* file_keys);

// The model names a multi-target model refers to, each with the field it came from
// ("routing.targets[1].model"), in document order.
std::vector<std::pair<std::string, std::string>> model_references(const json& model_doc);

// The other kinds the gateway reads. Each rewrites its file sugar in `doc` (file mode only)
// and checks the result; true when the entry logged no error.
bool check_api_key(json& doc, EntryLog& log, const FileSugar* file);
bool check_guardrail(json& doc, EntryLog& log);
bool check_guardrail_attachment(json& doc, EntryLog& log, const FileSugar* file);
bool check_mcp_server(json& doc, EntryLog& log);
bool check_a2a_agent(json& doc, EntryLog& log);
bool check_cache_policy(json& doc, EntryLog& log);
bool check_observability_exporter(json& doc, EntryLog& log);
bool check_rate_limit_policy(json& doc, EntryLog& log, const FileSugar* file);
bool check_oidc_provider(json& doc, EntryLog& log);
bool check_claim_mapping(json& doc, EntryLog& log, const FileSugar* file);
bool check_passthrough_route(json& doc, EntryLog& log, const FileSugar* file);
bool check_mcp_auth_settings(json& doc, EntryLog& log);

// One derived id (or a name sugar's target) a file entry names: "references unknown <label>
// "<name>" (defined <kind>: …)" when the name is not an identity of `kind`.
std::optional<std::string> resolve_name(const FileSugar& file, const char* kind, const char* label,
                                        const std::string& name, const std::string& field, EntryLog& log);

}  // namespace pg::resources_detail
