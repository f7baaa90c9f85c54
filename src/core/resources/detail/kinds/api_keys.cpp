// Caller API keys (docs/gateway-parity.md, "Loading"; the gateway's file desugaring and its
// newest api_key schema): in a file, `display_name` names the entry and is dropped, and
// exactly one of `key_env` (the NAME of a variable holding the plaintext, hashed at load) or
// `key_hash`.
// Cross-entry rules (model grants, duplicate credentials, JWT bindings) are in
// detail/references.cpp.
#include "core/resources/detail/kinds/entries.h"

#include "core/resources/detail/key_hash.h"

namespace pg::resources_detail {

namespace {

void rate_limit(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"rps", non_negative_int, false, true}, {"rpm", non_negative_int, false, true},
      {"rph", non_negative_int, false, true}, {"rpd", non_negative_int, false, true},
      {"tpm", non_negative_int, false, true}, {"tpd", non_negative_int, false, true},
      {"concurrency", uint32, false, true}};
  check_fields(l, p, v, rules);
}

// Per-MCP-server limits: request counts only (a tool call spends no tokens).
void mcp_rate_limits(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"rps", non_negative_int, false, true},
                                               {"rpm", non_negative_int, false, true},
                                               {"rph", non_negative_int, false, true},
                                               {"rpd", non_negative_int, false, true},
                                               {"concurrency", uint32, false, true}};
  if (!check_object(l, p, v)) return;
  for (auto it = v.begin(); it != v.end(); ++it) check_fields(l, join_path(p, it.key()), it.value(), rules);
}

void mcp_access(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"allow", string_list}, {"deny", string_list}};
  check_fields(l, p, v, rules);
}

const std::vector<FieldRule>& api_key_rules() {
  static const std::vector<FieldRule> rules = {
      {"allowed_agents", string_list, false, true},
      {"allowed_model_ids", string_list, false, true},
      {"allowed_models", string_list},
      {"allowed_routes", string_list, false, true},
      {"disabled", boolean},
      {"display_name", any_string, false, true},
      {"expires_at", date_time, false, true},
      {"jwt_provider", non_empty_string, false, true},
      {"jwt_subject", non_empty_string, false, true},
      {"key_hash", non_empty_string, true},
      {"mcp_access", mcp_access, false, true},
      {"mcp_rate_limits", mcp_rate_limits, false, true},
      {"rate_limit", rate_limit, false, true},
      {"team_id", non_empty_string, false, true},
      {"user_id", non_empty_string, false, true},
      {"user_name", any_string, false, true},
  };
  return rules;
}

// `key_env` → `key_hash`. Every message names the variable, never its value.
bool desugar_key(json& doc, EntryLog& log, const FileSugar& file) {
  const bool has_env = member(doc, "key_env") != nullptr, has_hash = member(doc, "key_hash") != nullptr;
  if (has_env && has_hash) {
    log.error("key_env", "`key_env` and `key_hash` are mutually exclusive: set exactly one");
    return false;
  }
  if (!has_env && !has_hash) {
    log.error("key_env",
              "one of `key_env` (the environment variable holding the plaintext key) or `key_hash` "
              "(the SHA-256 hex of the plaintext) is required");
    return false;
  }
  if (has_hash) return true;
  const std::string* var = string_member(doc, "key_env");
  if (!var || var->empty()) {
    log.error("key_env", "must be a non-empty string (an environment variable name)");
    return false;
  }
  const auto found = file.env->find(*var);
  if (found == file.env->end() || found->second.empty()) {
    log.error("key_env", "`key_env` environment variable `" + excerpt(*var, 80) +
                             "` is unset or empty (the gateway will not start without it)");
    return false;
  }
  if (found->second.find("${") != std::string::npos) {
    log.error("key_env", "`key_env` environment variable `" + excerpt(*var, 80) +
                             "` contains an uninterpolated `${...}` reference: set it to the plaintext key itself");
    return false;
  }
  doc.erase("key_env");
  doc["key_hash"] = sha256_hex(found->second);
  return true;
}

}  // namespace

bool check_api_key(json& doc, EntryLog& log, const FileSugar* file) {
  if (!check_object(log, "", doc)) return false;
  if (file) {
    // Ids the control plane assigned cannot name a file's models: granting by id would grant nothing.
    if (member(doc, "allowed_model_ids")) {
      log.error("allowed_model_ids",
                "the resources file does not accept `allowed_model_ids`: it names models by "
                "control-plane id, which a file cannot resolve; grant models by name with "
                "`allowed_models`");
      return false;
    }
    doc.erase("display_name");  // the file's identity; the canonical key has no name of its own
    if (!desugar_key(doc, log, *file)) return false;
  }
  return check_fields(log, "", doc, api_key_rules());
}

}  // namespace pg::resources_detail
