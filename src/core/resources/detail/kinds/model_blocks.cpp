// A model's nested blocks. Every one is closed in the gateway's model schema: an unknown field
// inside `routing`, `cooldown`, a routing target … fails the file and is reported on etcd.
// Targets name their model by `model` (a display name) or, in the newest schema, `model_id`.
#include "core/resources/detail/kinds/model_blocks.h"

#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

namespace {

void int32(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, -2147483648LL, 2147483647LL); }
void non_negative_number(EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0); }
void unit_interval(EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0, 1); }
void http_status_list(EntryLog& l, const std::string& p, const json& v) { check_int_list(l, p, v, 100, 599); }
void error_status_list(EntryLog& l, const std::string& p, const json& v) { check_int_list(l, p, v, 400, 599); }
void tag_list(EntryLog& l, const std::string& p, const json& v) {
  check_strings(l, p, v, 0, std::numeric_limits<std::size_t>::max(), 1);
}

// `model` or `model_id` (or `target`/`target_id`, …): at least one names the model.
void needs_one_of(EntryLog& l, const std::string& p, const json& v, const char* name, const char* id) {
  if (v.is_object() && !member(v, name) && !present(v, id))
    l.error(join_path(p, name), std::string("is required (or `") + id + "`, the model's resource id)");
}

void routing_target(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"model", non_empty_string},
                                               {"model_id", non_empty_string, false, true},
                                               {"priority", int32},
                                               {"tags", tag_list},
                                               {"weight", uint32}};
  if (check_fields(l, p, v, rules)) needs_one_of(l, p, v, "model", "model_id");
}

void hash_on_item(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"type",
                                                [](EntryLog& l2, const std::string& p2, const json& v2) {
                                                  check_enum(l2, p2, v2, {"header", "cookie", "api_key", "client_ip"});
                                                },
                                                true},
                                               {"name", non_empty_string}};
  check_fields(l, p, v, rules);
}

void panel_member(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"model", non_empty_string},
                                               {"model_id", non_empty_string, false, true},
                                               {"seed", non_negative_int},
                                               {"temperature", non_negative_number},
                                               {"weight", uint32}};
  if (check_fields(l, p, v, rules)) needs_one_of(l, p, v, "model", "model_id");
}

void judge_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"model", non_empty_string}, {"model_id", non_empty_string, false, true}, {"synthesis_prompt", non_empty_string}};
  if (check_fields(l, p, v, rules)) needs_one_of(l, p, v, "model", "model_id");
}

void semantic_route(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"name", non_empty_string, true},
      {"examples",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_strings(l2, p2, v2, 1, std::numeric_limits<std::size_t>::max(), 1);
       },
       true},
      {"target", non_empty_string},
      {"target_id", non_empty_string, false, true},
      {"threshold", unit_interval},
      {"description", non_empty_string},
  };
  if (check_fields(l, p, v, rules)) needs_one_of(l, p, v, "target", "target_id");
}

void on_embedding_failure(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> fallback = {{"target", non_empty_string},
                                                  {"target_id", non_empty_string, false, true}};
  if (v.is_object()) {
    if (check_fields(l, p, v, fallback)) needs_one_of(l, p, v, "target", "target_id");
    return;
  }
  check_enum(l, p, v, {"default", "fail"});
}

// The newest schema's semantic `classifier` is read by the gateway's desugaring (its
// `provider_key` sugar) but its own shape was not in the schema read: only its type is checked.
void classifier_block(EntryLog& l, const std::string& p, const json& v) { check_object(l, p, v); }

}  // namespace

void cost_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"input_per_1k", non_negative_number, true},
                                               {"output_per_1k", non_negative_number, true}};
  check_fields(l, p, v, rules);
}

void rate_limit_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"rps", non_negative_int}, {"rpm", non_negative_int}, {"rph", non_negative_int}, {"rpd", non_negative_int},
      {"tpm", non_negative_int}, {"tpd", non_negative_int}, {"concurrency", uint32}};
  check_fields(l, p, v, rules);
}

void embedding_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"dimensions", positive_int, true}, {"normalize", boolean}};
  check_fields(l, p, v, rules);
}

void model_check_block(EntryLog& l, const std::string& p, const json& v) {
  // Every field but ignore_statuses is required: a check without a prompt is refused.
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean, true},
      {"interval_seconds", [](EntryLog& l2, const std::string& p2, const json& v2) { check_int(l2, p2, v2, 5); }, true},
      {"timeout_seconds", positive_int, true},
      {"prompt", non_empty_string, true},
      {"max_tokens", positive_int, true},
      {"stale_after_seconds", positive_int, true},
      {"ignore_statuses", http_status_list},
  };
  check_fields(l, p, v, rules);
}

void cooldown_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"enabled", boolean},
                                               {"default_seconds", non_negative_int},
                                               {"max_seconds", positive_int},
                                               {"honor_retry_after", boolean},
                                               {"trigger_statuses", http_status_list},
                                               {"trigger_on_timeout", boolean},
                                               {"trigger_on_transport", boolean}};
  check_fields(l, p, v, rules);
}

void prompt_caching_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"enabled", boolean, true},
                                               {"ttl", [](EntryLog& l2, const std::string& p2, const json& v2) {
                                                  check_enum(l2, p2, v2, {"5m", "1h"});
                                                }}};
  check_fields(l, p, v, rules);
}

// `effort_mapping`: requested reasoning effort → the value sent upstream. Values are
// non-empty strings or null (remove the field); the "" entry (no effort requested) may not be null.
void effort_mapping_block(EntryLog& l, const std::string& p, const json& v) {
  if (!check_object(l, p, v)) return;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string path = join_path(p, it.key().empty() ? "\"\"" : it.key());
    if (it.value().is_null()) {
      if (it.key().empty()) l.error(path, "may not be null: a request that sets no effort has no field to remove");
      continue;
    }
    check_string(l, path, it.value(), true);
  }
}

void cidr_list(EntryLog& l, const std::string& p, const json& v) {
  check_strings(l, p, v, 0, std::numeric_limits<std::size_t>::max(), 1);
}

void routing_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"targets",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_list(l2, p2, v2, routing_target, 1); }, true},
      {"strategy",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2,
                    {"failover", "round_robin", "consistent_hash", "least_cost", "least_latency", "least_busy"});
       }},
      {"retries", uint32},
      {"max_fallbacks", uint32},
      {"retry_on_429", boolean},
      {"fallback_on_statuses", error_status_list},
      {"hash_on", [](EntryLog& l2, const std::string& p2, const json& v2) { check_list(l2, p2, v2, hash_on_item, 1); }},
      {"when_all_unavailable",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2, {"fail", "try_anyway"});
       }},
  };
  check_fields(l, p, v, rules);
}

void ensemble_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"panel", [](EntryLog& l2, const std::string& p2, const json& v2) { check_list(l2, p2, v2, panel_member, 1); },
       true},
      {"judge", judge_block, true},
      {"min_responses", positive_int},
      {"timeout_ms", non_negative_int},
  };
  check_fields(l, p, v, rules);
}

void semantic_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> match_rules = {
      {"threshold", unit_interval, true},
      {"distance_metric",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"cosine"}); }},
      {"aggregation", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"max"}); }},
  };
  static const std::vector<FieldRule> rules = {
      {"embedding_model", non_empty_string},
      {"embedding_model_id", non_empty_string, false, true},
      {"default", non_empty_string},
      {"default_id", non_empty_string, false, true},
      {"match", [](EntryLog& l2, const std::string& p2, const json& v2) { check_fields(l2, p2, v2, match_rules); },
       true},
      {"routes", [](EntryLog& l2, const std::string& p2, const json& v2) { check_list(l2, p2, v2, semantic_route, 1); },
       true},
      {"on_embedding_failure", on_embedding_failure},
      {"embedding_timeout_ms", non_negative_int},
      {"classifier", classifier_block},
  };
  if (!check_fields(l, p, v, rules)) return;
  needs_one_of(l, p, v, "embedding_model", "embedding_model_id");
  needs_one_of(l, p, v, "default", "default_id");
}

}  // namespace pg::resources_detail
