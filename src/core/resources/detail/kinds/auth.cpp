// OIDC providers, claim mappings and the MCP auth settings (the gateway's schemas for each and
// its file desugaring): who may assert an identity, and which API key a token resolves to.
// Cross-entry rules (duplicate issuers, unknown providers, credentials in public URLs) are in
// detail/references.cpp.
#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

namespace {

void non_empty_list(EntryLog& l, const std::string& p, const json& v) {
  check_strings(l, p, v, 1, std::numeric_limits<std::size_t>::max(), 0);
}

void bound_claims(EntryLog& l, const std::string& p, const json& v) {
  if (!check_object(l, p, v)) return;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (!it.value().is_string()) non_empty_list(l, join_path(p, it.key()), it.value());
}

void claim_match(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"claim", non_empty_string, true},
                                               {"op",
                                                [](EntryLog& l2, const std::string& p2, const json& v2) {
                                                  check_enum(l2, p2, v2, {"exact", "contains"});
                                                },
                                                true},
                                               {"values", non_empty_list, true}};
  check_fields(l, p, v, rules);
}

}  // namespace

bool check_oidc_provider(json& doc, EntryLog& log) {
  static const std::vector<FieldRule> rules = {
      {"audiences", non_empty_list},
      {"bound_claims", bound_claims},
      {"enabled", boolean},
      {"hmac_secret", non_empty_string},
      {"identity_claim", non_empty_string},
      {"issuer", non_empty_string},
      {"jwks_uri", non_empty_string},
      {"leeway_secs", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0, 300); }},
      {"name", non_empty_string, true},
      {"required_scopes", string_list},
  };
  return check_fields(log, "", doc, rules);
}

bool check_claim_mapping(json& doc, EntryLog& log, const FileSugar* file) {
  if (!check_object(log, "", doc)) return false;
  // `resolve.api_key` names an api_keys entry of this file; it becomes `resolve.api_key_id`.
  if (file && doc.contains("resolve") && doc["resolve"].is_object()) {
    json& resolve = doc["resolve"];
    if (const json* name = member(resolve, "api_key")) {
      if (!name->is_string()) {
        log.error("resolve.api_key", "`resolve.api_key` must be a string (an api key display_name)");
        return false;
      }
      if (member(resolve, "api_key_id")) {
        log.error("resolve.api_key",
                  "`resolve.api_key` (a name reference) and `resolve.api_key_id` are mutually "
                  "exclusive: set exactly one");
        return false;
      }
      auto id = resolve_name(*file, "api_keys", "api key", name->get<std::string>(), "resolve.api_key", log);
      if (!id) return false;
      resolve.erase("api_key");
      resolve["api_key_id"] = *id;
    }
  }
  static const std::vector<FieldRule> resolve_rules = {{"api_key_id", non_empty_string, true}};
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean},
      {"jwt_provider", non_empty_string, true},
      {"match",
       [](EntryLog& l, const std::string& p, const json& v) {
         if (v.is_array() && v.empty()) return l.error(p, "must list at least one claim condition");
         check_list(l, p, v, claim_match, 1);
       },
       true},
      {"name", non_empty_string, true},
      {"priority", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0, 4294967295LL); }},
      {"resolve", [](EntryLog& l, const std::string& p, const json& v) { check_fields(l, p, v, resolve_rules); }, true},
  };
  return check_fields(log, "", doc, rules);
}

bool check_mcp_auth_settings(json& doc, EntryLog& log) {
  static const std::vector<FieldRule> anonymous_rules = {{"aggregate_entry", boolean},
                                                         {"api_key_id", non_empty_string, true},
                                                         {"enabled", boolean},
                                                         {"servers", non_empty_list, true},
                                                         {"source_cidrs", non_empty_list, true}};
  static const std::vector<FieldRule> rules = {
      {"anonymous", [](EntryLog& l, const std::string& p, const json& v) { check_fields(l, p, v, anonymous_rules); }},
      {"resource_url", non_empty_string},
  };
  return check_fields(log, "", doc, rules);
}

}  // namespace pg::resources_detail
