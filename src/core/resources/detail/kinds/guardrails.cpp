// Guardrails and their attachments (the gateway's guardrail and guardrail_attachment schemas).
// A guardrail is one of a closed list of kinds, each a closed object of its own fields on top
// of the fields every kind shares; an unknown kind fails the file (and the reload keeps the
// last good configuration). Attachments name a guardrail and a scope by file identity.
#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

namespace {

void mask_or_block(EntryLog& l, const std::string& p, const json& v) { check_enum(l, p, v, {"mask", "block"}); }
void window_mode(EntryLog& l, const std::string& p, const json& v) { check_enum(l, p, v, {"window", "buffer_full"}); }
void short_name(EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 1, 64); }
void replacement(EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 0, 256); }

// Fields every kind carries.
const std::vector<FieldRule>& common_rules() {
  static const std::vector<FieldRule> rules = {
      {"created_at", date_time},
      {"direction", any_string},
      {"enabled", boolean},
      {"enforcement_mode", any_string},
      {"fail_open", boolean},
      {"hook_point",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"input", "output", "both"});
       }},
      {"kind", any_string, true},
      {"mandatory", boolean},
      {"name", non_empty_string},
  };
  return rules;
}

void keyword_pattern(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"kind",
                                                [](EntryLog& l2, const std::string& p2, const json& v2) {
                                                  check_enum(l2, p2, v2, {"literal", "regex"});
                                                },
                                                true},
                                               {"value", non_empty_string, true}};
  check_fields(l, p, v, rules);
}

void aws_credentials(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"access_key_id", non_empty_string, true},
      {"kind", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"static"}); }, true},
      {"secret_access_key", non_empty_string, true}};
  check_fields(l, p, v, rules);
}

void latency_mode(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> serial = {
      {"kind", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"serial"}); }, true}};
  static const std::vector<FieldRule> timed = {
      {"kind", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"timed"}); }, true},
      {"timeout_ms", [](EntryLog& l2, const std::string& p2, const json& v2) { check_int(l2, p2, v2, 100, 5000); },
       true}};
  const std::string* kind = v.is_object() ? string_member(v, "kind") : nullptr;
  check_fields(l, p, v, kind && *kind == "timed" ? timed : serial);
}

void pii_custom_pattern(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"action", mask_or_block},
                                               {"name", short_name, true},
                                               {"regex", non_empty_string, true},
                                               {"replacement", replacement}};
  check_fields(l, p, v, rules);
}

void pii_detector(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"action", mask_or_block},
                                               {"type",
                                                [](EntryLog& l2, const std::string& p2, const json& v2) {
                                                  check_enum(l2, p2, v2,
                                                             {"email", "china_mobile", "china_id_card", "bank_card",
                                                              "us_ssn", "ip_address", "api_key", "jwt", "private_key"});
                                                },
                                                true}};
  check_fields(l, p, v, rules);
}

void presidio_entity(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"action", mask_or_block}, {"type", non_empty_string, true}};
  check_fields(l, p, v, rules);
}

void hotword_group(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"terms", [](EntryLog& l2, const std::string& p2, const json& v2) { check_strings(l2, p2, v2, 1, 50, 0); },
       true}};
  check_fields(l, p, v, rules);
}

void semantic_category(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"action", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"mask"}); }},
      {"candidate_patterns",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_strings(l2, p2, v2, 1, 10, 0); }, true},
      {"description",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_string_length(l2, p2, v2, 1, 1000); }, true},
      {"hotword_groups",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_list(l2, p2, v2, hotword_group, 0, 10); }},
      {"name", short_name, true},
      {"negative_patterns",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_strings(l2, p2, v2, 0, 20, 0); }},
      {"replacement", replacement},
      {"threshold", [](EntryLog& l2, const std::string& p2, const json& v2) { check_number(l2, p2, v2, -1, 1); }},
  };
  check_fields(l, p, v, rules);
}

// Streaming-moderation fields several remote kinds share.
const std::vector<FieldRule> kStreaming = {
    {"max_buffer_bytes", positive_int},
    {"on_buffer_exceeded", any_string},
    {"stream_processing_mode", window_mode},
    {"window_overlap_size", uint32},
};

std::vector<FieldRule> with(std::vector<FieldRule> extra, bool streaming = false) {
  std::vector<FieldRule> rules = common_rules();
  rules.insert(rules.end(), extra.begin(), extra.end());
  if (streaming) rules.insert(rules.end(), kStreaming.begin(), kStreaming.end());
  return rules;
}

// Each kind's own fields (the schema's oneOf branch for it).
const std::vector<FieldRule>* kind_rules(const std::string& kind) {
  static const std::vector<FieldRule> keyword =
      with({{"patterns", [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, keyword_pattern); },
             true}});
  static const std::vector<FieldRule> bedrock =
      with({{"aws_credentials", aws_credentials, true},
            {"guardrail_id",
             [](EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 1, 64); }, true},
            {"guardrail_version",
             [](EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 1, 16); }, true},
            {"latency_mode", latency_mode, true},
            {"output_fail_open", boolean},
            {"region", non_empty_string, true}});
  static const std::vector<FieldRule> azure_prompt_shield = with({{"api_key", non_empty_string, true},
                                                                  {"endpoint", non_empty_string, true},
                                                                  {"output_fail_open", boolean},
                                                                  {"timeout_ms", uint32}});
  static const std::vector<FieldRule> azure_moderation =
      with({{"api_key", non_empty_string, true},
            {"blocklist_names", string_list},
            {"categories",
             [](EntryLog& l, const std::string& p, const json& v) {
               check_list(l, p, v, [](EntryLog& l2, const std::string& p2, const json& v2) {
                 check_enum(l2, p2, v2, {"Hate", "Sexual", "SelfHarm", "Violence"});
               });
             }},
            {"endpoint", non_empty_string, true},
            {"halt_on_blocklist_hit", boolean},
            {"output_fail_open", boolean},
            {"output_type",
             [](EntryLog& l, const std::string& p, const json& v) {
               check_enum(l, p, v, {"FourSeverityLevels", "EightSeverityLevels"});
             }},
            {"severity_threshold", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0, 7); }},
            {"severity_threshold_by_category",
             [](EntryLog& l, const std::string& p, const json& v) {
               if (!check_object(l, p, v)) return;
               for (auto it = v.begin(); it != v.end(); ++it) check_int(l, join_path(p, it.key()), it.value(), 0, 255);
             }},
            {"text_source",
             [](EntryLog& l, const std::string& p, const json& v) {
               check_enum(l, p, v, {"concatenate_user_content", "concatenate_all_content"});
             }},
            {"timeout_ms", uint32},
            {"window_size", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1, 10000); }}},
           true);
  static const std::vector<FieldRule> aliyun_moderation =
      with({{"access_key_id", non_empty_string, true},
            {"access_key_secret", non_empty_string, true},
            {"endpoint", non_empty_string},
            {"output_fail_open", boolean},
            {"region", non_empty_string, true},
            {"risk_level_threshold",
             [](EntryLog& l, const std::string& p, const json& v) {
               check_enum(l, p, v, {"low", "medium", "high"});
             }},
            {"timeout_ms", uint32},
            {"window_size", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1, 2000); }}},
           true);
  static const std::vector<FieldRule> aliyun_guardrail =
      with({{"access_key_id", non_empty_string, true},
            {"access_key_secret", non_empty_string, true},
            {"endpoint", non_empty_string},
            {"max_buffer_bytes", positive_int},
            {"on_buffer_exceeded", any_string},
            {"output_fail_open", boolean},
            {"region", non_empty_string, true},
            {"service_level", any_string},
            {"stream_processing_mode", any_string},
            {"timeout_ms", uint32},
            {"window_overlap_size", uint32},
            {"window_size", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1, 2000); }}});
  static const std::vector<FieldRule> pii =
      with({{"custom_patterns",
             [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, pii_custom_pattern); }},
            {"default_action", mask_or_block},
            {"detectors", [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, pii_detector); }},
            {"max_buffer_bytes", positive_int},
            {"on_buffer_exceeded", any_string}});
  static const std::vector<FieldRule> lakera = with({{"api_key", non_empty_string, true},
                                                     {"endpoint", non_empty_string},
                                                     {"max_buffer_bytes", positive_int},
                                                     {"on_buffer_exceeded", any_string},
                                                     {"output_fail_open", boolean},
                                                     {"project_id", non_empty_string},
                                                     {"timeout_ms", uint32}});
  static const std::vector<FieldRule> openai_moderation =
      with({{"api_key", non_empty_string, true},
            {"category_thresholds",
             [](EntryLog& l, const std::string& p, const json& v) {
               if (!check_object(l, p, v)) return;
               for (auto it = v.begin(); it != v.end(); ++it)
                 check_number(l, join_path(p, it.key()), it.value(), -std::numeric_limits<double>::infinity());
             }},
            {"endpoint", non_empty_string},
            {"model", non_empty_string},
            {"output_fail_open", boolean},
            {"timeout_ms", uint32}});
  static const std::vector<FieldRule> presidio = with(
      {{"analyzer_url", non_empty_string, true},
       {"anonymizer_url", non_empty_string, true},
       {"default_action", mask_or_block},
       {"entities", [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, presidio_entity); }},
       {"language", non_empty_string},
       {"max_buffer_bytes", positive_int},
       {"on_buffer_exceeded", any_string},
       {"operator",
        [](EntryLog& l, const std::string& p, const json& v) {
          check_enum(l, p, v, {"replace", "mask", "hash", "redact"});
        }},
       {"output_fail_open", boolean},
       {"score_threshold", [](EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0, 1); }},
       {"timeout_ms", uint32}});
  // The semantic kind only degrades open: `fail_open` may only be true.
  static const std::vector<FieldRule> semantic = [] {
    std::vector<FieldRule> rules =
        with({{"categories",
               [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, semantic_category, 1, 30); },
               true}});
    for (auto& r : rules)
      if (std::string(r.name) == "fail_open")
        r.check = [](EntryLog& l, const std::string& p, const json& v) {
          if (check_bool(l, p, v) && !v.get<bool>())
            l.error(p, "must be true: a semantic guardrail always degrades open");
        };
    return rules;
  }();
  static const std::pair<const char*, const std::vector<FieldRule>*> kinds[] = {
      {"keyword", &keyword},
      {"bedrock", &bedrock},
      {"azure_content_safety", &azure_prompt_shield},
      {"azure_content_safety_text_moderation", &azure_moderation},
      {"aliyun_text_moderation", &aliyun_moderation},
      {"aliyun_ai_guardrail", &aliyun_guardrail},
      {"pii", &pii},
      {"lakera", &lakera},
      {"openai_moderation", &openai_moderation},
      {"presidio", &presidio},
      {"semantic", &semantic},
  };
  for (const auto& [name, rules] : kinds)
    if (kind == name) return rules;
  return nullptr;
}

constexpr const char* kKinds =
    "keyword, bedrock, azure_content_safety, azure_content_safety_text_moderation, aliyun_text_moderation, "
    "aliyun_ai_guardrail, pii, lakera, openai_moderation, presidio, semantic";

}  // namespace

bool check_guardrail(json& doc, EntryLog& log) {
  if (!check_object(log, "", doc)) return false;
  const std::size_t before = log.errors_logged();
  const json* kind = member(doc, "kind");
  if (!kind) {
    log.error("kind", std::string("is required: one of ") + kKinds);
    return false;
  }
  const std::vector<FieldRule>* rules = kind->is_string() ? kind_rules(kind->get_ref<const std::string&>()) : nullptr;
  if (!rules) {
    // The kind is not quoted: a value written in the wrong place could be a secret.
    log.error("kind", std::string("is not a guardrail kind the gateway knows (one of ") + kKinds + ")");
    return false;
  }
  check_members(log, "", doc, *rules, Unknown::Refuse);
  return log.errors_logged() == before;
}

bool check_guardrail_attachment(json& doc, EntryLog& log, const FileSugar* file) {
  if (!check_object(log, "", doc)) return false;
  if (file) {
    // `guardrail_id` and `scope_id` name entries of this file; they become derived ids.
    if (const std::string* name = string_member(doc, "guardrail_id")) {
      auto id = resolve_name(*file, "guardrails", "guardrail", *name, "guardrail_id", log);
      if (!id) return false;
      doc["guardrail_id"] = *id;
    }
    const std::string* scope = string_member(doc, "scope_type");
    const std::string* scope_id = string_member(doc, "scope_id");
    static const std::pair<const char*, std::pair<const char*, const char*>> scopes[] = {
        {"model", {"models", "model"}},
        {"mcp_server", {"mcp_servers", "MCP server"}},
        {"api_key", {"api_keys", "api key"}},
        {"passthrough_route", {"passthrough_routes", "passthrough route"}}};
    for (const auto& [type, target] : scopes) {
      if (!scope || *scope != type || !scope_id) continue;
      auto id = resolve_name(*file, target.first, target.second, *scope_id, "scope_id", log);
      if (!id) return false;
      doc["scope_id"] = *id;
    }
  }
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean},
      {"env_id", any_string, false, true},
      {"guardrail_id", non_empty_string, true},
      {"priority",
       [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, -2147483648LL, 2147483647LL); }, true},
      {"scope_id", any_string, false, true},
      {"scope_type",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"env", "model", "mcp_server", "api_key", "team", "passthrough_route"});
       },
       true},
  };
  return check_fields(log, "", doc, rules, Unknown::Open);
}

}  // namespace pg::resources_detail
