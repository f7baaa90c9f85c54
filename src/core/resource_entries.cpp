#include "core/resource_entries.h"

namespace pg::resources_detail {

namespace {

// --- value checks used by the field tables (captureless, so they fit a ValueCheck) ------------

void any_string(EntryLog& l, const std::string& p, const json& v) { check_string(l, p, v, false); }
void non_empty_string(EntryLog& l, const std::string& p, const json& v) { check_string(l, p, v, true); }
void boolean(EntryLog& l, const std::string& p, const json& v) { check_bool(l, p, v); }
void non_negative_int(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0); }
void positive_int(EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1); }
void any_int(EntryLog& l, const std::string& p, const json& v) {
  check_int(l, p, v, std::numeric_limits<std::int64_t>::min());
}
void non_negative_number(EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0); }
void any_number(EntryLog& l, const std::string& p, const json& v) {
  check_number(l, p, v, -std::numeric_limits<double>::infinity());
}
void unit_interval(EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0, 1); }
void mapping(EntryLog& l, const std::string& p, const json& v) { check_object(l, p, v); }
void string_list(EntryLog& l, const std::string& p, const json& v) { check_string_list(l, p, v); }
void string_map(EntryLog& l, const std::string& p, const json& v) { check_string_map(l, p, v); }
void http_status_list(EntryLog& l, const std::string& p, const json& v) { check_int_list(l, p, v, 100, 599); }
void error_status_list(EntryLog& l, const std::string& p, const json& v) { check_int_list(l, p, v, 400, 599); }

// A list that must hold at least one mapping, each checked by `each`.
void non_empty_list_of(EntryLog& l, const std::string& p, const json& v, ValueCheck each) {
  if (!v.is_array()) {
    l.error(p, std::string("must be a list, not ") + describe_type(v));
    return;
  }
  if (v.empty()) l.error(p, "must list at least one entry");
  for (std::size_t i = 0; i < v.size(); ++i) each(l, index_path(p, i), v[i]);
}

// --- provider keys (§2) ------------------------------------------------------------------------

void adapter(EntryLog& l, const std::string& p, const json& v) {
  check_enum(l, p, v, {"openai", "anthropic", "bedrock", "vertex", "azure-openai"});
}

void request_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> constraints = {{"temperature_min", any_number}, {"temperature_max", any_number}};
  static const std::vector<FieldRule> rules = {
      {"param_renames", string_map},
      {"param_constraints",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (check_object(l2, p2, v2)) check_members(l2, p2, v2, constraints, Unknown::Ignore);
       }},
      {"default_headers", string_map},
      {"forward_client_headers", string_list},
      {"default_body_fields", mapping},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void response_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"stream_done_marker",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"required", "optional", "none"}); }},
      {"content_list_to_string", boolean},
      {"error_envelope", nullptr},
      {"reasoning_field", any_string},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void tls_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"ca_cert", non_empty_string}, {"verify", boolean}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Refuse);
}

const std::vector<FieldRule>& provider_key_rules() {
  static const std::vector<FieldRule> rules = {
      {"display_name", non_empty_string, true},
      {"api_key", non_empty_string},
      {"secret", non_empty_string},
      {"api_base", any_string},
      {"provider", any_string},
      {"adapter", adapter},
      {"request", request_block},
      {"response", response_block},
      {"strip_headers", string_list},
      {"telemetry_tags", mapping},
      {"tls", tls_block},
  };
  return rules;
}

// --- models (§3) -------------------------------------------------------------------------------

bool is_provider_char(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return !first && (c == '.' || c == '_' || c == '-');
}

void provider_label(EntryLog& l, const std::string& p, const json& v) {
  if (!check_string(l, p, v, true)) return;
  const auto& s = v.get_ref<const std::string&>();
  bool ok = s.size() <= 64;
  for (std::size_t i = 0; ok && i < s.size(); ++i) ok = is_provider_char(s[i], i == 0);
  if (!ok)
    l.error(p, "must be 1–64 characters of lowercase letters, digits, '.', '_' or '-', starting with a "
               "letter or digit (e.g. openai, deepseek, azure)");
}

void cost_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"input_per_1k", non_negative_number, true},
                                               {"output_per_1k", non_negative_number, true}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Refuse);
}

void rate_limit_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"rps", non_negative_int}, {"rpm", non_negative_int}, {"rph", non_negative_int}, {"rpd", non_negative_int},
      {"tpm", non_negative_int}, {"tpd", non_negative_int}, {"concurrency", non_negative_int}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Refuse);
}

void embedding_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"dimensions", positive_int, true}, {"normalize", boolean}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Refuse);
}

void model_check_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean},
      {"interval_seconds", [](EntryLog& l2, const std::string& p2, const json& v2) { check_int(l2, p2, v2, 5); }},
      {"timeout_seconds", positive_int},
      {"prompt", any_string},
      {"max_tokens", positive_int},
      {"stale_after_seconds", positive_int},
      {"ignore_statuses", http_status_list},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void cooldown_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean},           {"default_seconds", non_negative_int}, {"max_seconds", non_negative_int},
      {"honor_retry_after", boolean}, {"trigger_statuses", http_status_list}, {"trigger_on_timeout", boolean},
      {"trigger_on_transport", boolean}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void prompt_caching_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"enabled", boolean, true},
      {"ttl", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"5m", "1h"}); }}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Refuse);
}

// --- multi-target kinds (§5) -------------------------------------------------------------------

void routing_target(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"model", non_empty_string, true}, {"weight", non_negative_int}, {"priority", any_int}, {"tags", string_list}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void hash_on_item(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"type",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2, {"header", "cookie", "api_key", "client_ip"});
       },
       true},
      {"name", any_string}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void routing_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"targets", [](EntryLog& l2, const std::string& p2, const json& v2) { non_empty_list_of(l2, p2, v2, routing_target); },
       true},
      {"strategy",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2,
                    {"failover", "round_robin", "consistent_hash", "least_cost", "least_latency", "least_busy"});
       }},
      {"retries", non_negative_int},
      {"max_fallbacks", non_negative_int},
      {"retry_on_429", boolean},
      {"fallback_on_statuses", error_status_list},
      {"hash_on",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (!v2.is_array()) return l2.error(p2, std::string("must be a list, not ") + describe_type(v2));
         for (std::size_t i = 0; i < v2.size(); ++i) hash_on_item(l2, index_path(p2, i), v2[i]);
       }},
      {"when_all_unavailable",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"fail", "try_anyway"}); }},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void panel_member(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"model", non_empty_string, true}, {"temperature", any_number}, {"seed", any_int}, {"weight", nullptr}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void judge_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"model", non_empty_string, true}, {"synthesis_prompt", any_string}};
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void ensemble_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"panel", [](EntryLog& l2, const std::string& p2, const json& v2) { non_empty_list_of(l2, p2, v2, panel_member); },
       true},
      {"judge", judge_block, true},
      {"min_responses", positive_int},
      {"timeout_ms", non_negative_int},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void semantic_route(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"name", non_empty_string, true},
      {"examples",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (check_string_list(l2, p2, v2) && v2.empty()) l2.error(p2, "must list at least one example");
       },
       true},
      {"target", non_empty_string, true},
      {"threshold", unit_interval},
      {"description", any_string},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

void semantic_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> match_rules = {
      {"threshold", unit_interval, true},
      {"distance_metric", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"cosine"}); }},
      {"aggregation", [](EntryLog& l2, const std::string& p2, const json& v2) { check_enum(l2, p2, v2, {"max"}); }},
  };
  static const std::vector<FieldRule> fallback_rules = {{"target", non_empty_string, true}};
  static const std::vector<FieldRule> rules = {
      {"embedding_model", non_empty_string, true},
      {"default", non_empty_string, true},
      {"match",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (check_object(l2, p2, v2)) check_members(l2, p2, v2, match_rules, Unknown::Ignore);
       }},
      {"routes",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (!v2.is_array()) return l2.error(p2, std::string("must be a list, not ") + describe_type(v2));
         for (std::size_t i = 0; i < v2.size(); ++i) semantic_route(l2, index_path(p2, i), v2[i]);
       }},
      {"on_embedding_failure",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (v2.is_object()) return check_members(l2, p2, v2, fallback_rules, Unknown::Ignore);
         check_enum(l2, p2, v2, {"default", "fail"});
       }},
      {"embedding_timeout_ms", non_negative_int},
  };
  if (check_object(l, p, v)) check_members(l, p, v, rules, Unknown::Ignore);
}

// Every documented model field. `provider_key` is file sugar and only joins in file mode.
std::vector<FieldRule> model_rules(bool file) {
  std::vector<FieldRule> rules = {
      {"display_name", non_empty_string, true},
      {"provider", provider_label},
      {"model_name", non_empty_string},
      {"provider_key_id", non_empty_string},
      {"timeout", non_negative_int},
      {"stream_timeout", non_negative_int},
      {"retries", non_negative_int},
      {"rate_limit", rate_limit_block},
      {"allowed_cidrs", string_list},
      {"cost", cost_block},
      {"embedding", embedding_block},
      {"background_model_check", model_check_block},
      {"cooldown", cooldown_block},
      {"auto_prompt_caching", prompt_caching_block},
      {"routing", routing_block},
      {"ensemble", ensemble_block},
      {"semantic", semantic_block},
  };
  if (file) rules.insert(rules.begin() + 3, FieldRule{"provider_key", any_string});
  return rules;
}

bool present(const json& doc, const char* field) {
  const json* v = member(doc, field);
  return v && !v->is_null();
}

// A copy of `doc` without the members `rules` does not list (what etcd's lenient decode keeps).
json known_members_only(const json& doc, const std::vector<FieldRule>& rules) {
  json out = json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it)
    for (const auto& rule : rules)
      if (it.key() == rule.name) out[it.key()] = it.value();
  return out;
}

std::string string_or_empty(const json& doc, const char* field) {
  const std::string* s = string_member(doc, field);
  return s ? *s : std::string();
}

// The §3 fields each multi-target kind forbids in the strict file schema.
std::vector<const char*> forbidden_fields(const std::string& kind) {
  if (kind == "routing") return {"retries", "cost", "auto_prompt_caching"};
  if (kind == "ensemble") return {"timeout", "stream_timeout", "retries", "cost", "auto_prompt_caching"};
  if (kind == "semantic") return {"cost", "auto_prompt_caching"};
  return {};
}

std::string forbidden_reason(const std::string& field, const std::string& kind) {
  const std::string a = kind == "ensemble" ? "an " : "a ";
  if (field == "cost")
    return "is not allowed on " + a + kind + " model: it has no price of its own, each target's cost applies";
  if (field == "retries" && kind == "routing") return "is not allowed on a routing model: set routing.retries instead";
  return "is not allowed on " + a + kind + " model";
}

// `provider_key` (a name, file only) or `provider_key_id` → the key id, or "" after an error.
std::string resolve_key_reference(const json& doc, EntryLog& log, const KeyIdsByName* file_keys) {
  const std::string* id = string_member(doc, "provider_key_id");
  if (!file_keys) return id ? *id : std::string();
  auto defined = [&] {
    std::string names;
    for (const auto& [name, key_id] : *file_keys) names += (names.empty() ? "" : ", ") + name;
    return names.empty() ? std::string("no provider_keys are defined in this file")
                         : "defined provider_keys: " + names;
  };
  if (present(doc, "provider_key")) {
    if (present(doc, "provider_key_id")) {
      log.error("provider_key",
                "`provider_key` (a name) and `provider_key_id` are mutually exclusive: set exactly one");
      return "";
    }
    const std::string* name = string_member(doc, "provider_key");
    if (!name) return "";  // the type error is already reported
    const auto found = file_keys->find(*name);
    if (found == file_keys->end()) {
      log.error("provider_key", "references unknown provider key \"" + excerpt(*name, 80) + "\" (" + defined() + ")");
      return "";
    }
    return found->second;
  }
  if (id) {
    for (const auto& [name, key_id] : *file_keys)
      if (key_id == *id) return *id;
    log.error("provider_key_id",
              "does not match the derived id of any provider key in this file (ids are derived from "
              "display_name); reference the key by name with `provider_key` instead");
    return "";
  }
  return "";
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (n == name) return;
  names.push_back(name);
}

}  // namespace

std::optional<ProviderKey> read_provider_key(const json& doc, EntryLog& log) {
  if (!doc.is_object()) {
    log.error("", std::string("a provider key must be a mapping, not ") + describe_type(doc));
    return std::nullopt;
  }
  const std::size_t errors_before = log.errors_logged();
  const auto& rules = provider_key_rules();
  check_members(log, "", doc, rules, Unknown::Refuse);

  const bool has_key = present(doc, "api_key"), has_secret = present(doc, "secret");
  if (has_key && has_secret)
    log.error("secret", "`api_key` and `secret` (its legacy alias) are both set: keep exactly one");
  else if (!has_key && !has_secret)
    log.error("api_key", "is required (the upstream credential; `secret` is accepted as a legacy alias)");

  if (log.errors_logged() != errors_before) return std::nullopt;

  ProviderKey key;
  key.display_name = string_or_empty(doc, "display_name");
  key.provider = string_or_empty(doc, "provider");
  key.adapter = string_or_empty(doc, "adapter");
  key.api_base = string_or_empty(doc, "api_base");
  key.api_key = string_or_empty(doc, has_key ? "api_key" : "secret");
  key.canonical = known_members_only(doc, rules);
  key.canonical.erase("secret");
  key.canonical["api_key"] = key.api_key;
  return key;
}

std::optional<Model> read_model(const json& doc, EntryLog& log, const KeyIdsByName* file_keys) {
  if (!doc.is_object()) {
    log.error("", std::string("a model must be a mapping, not ") + describe_type(doc));
    return std::nullopt;
  }
  const std::size_t errors_before = log.errors_logged();
  const auto rules = model_rules(file_keys != nullptr);
  check_members(log, "", doc, rules, Unknown::Refuse);
  json canonical = known_members_only(doc, rules);

  // A model is exactly one shape (the schema's top-level oneOf).
  std::vector<std::string> multi;
  for (const char* kind : {"routing", "ensemble", "semantic"})
    if (present(doc, kind)) multi.push_back(kind);
  const char* key_field = file_keys ? "provider_key" : "provider_key_id";
  const bool has_key_ref = present(doc, "provider_key_id") || (file_keys && present(doc, "provider_key"));

  Model model;
  model.display_name = string_or_empty(doc, "display_name");
  if (multi.size() > 1) {
    log.error(multi[1], "a model is exactly one kind, but this one sets both `" + multi[0] + "` and `" + multi[1] + "`");
  }
  if (!multi.empty()) {
    model.kind = multi[0];
    for (const char* field : {"provider", "model_name", "provider_key", "provider_key_id"})
      if (present(doc, field) && (file_keys || std::string(field) != "provider_key"))
        log.error(field, "belongs to a direct model; a " + model.kind + " model names its target models instead");
    for (const char* field : forbidden_fields(model.kind)) {
      if (!present(doc, field)) continue;
      log.refuse(field, forbidden_reason(field, model.kind));
      canonical.erase(field);
    }
  } else {
    model.kind = "direct";
    const char* how = " for a direct model (a model is either direct — provider, model_name and provider_key — "
                      "or has a routing, ensemble or semantic block)";
    if (!present(doc, "provider") && !present(doc, "model_name") && !has_key_ref) {
      log.error("", "is neither a direct model (provider, model_name and " + std::string(key_field) +
                        ") nor a routing, ensemble or semantic model");
    } else {
      if (!present(doc, "provider")) log.error("provider", std::string("is required") + how);
      if (!present(doc, "model_name")) log.error("model_name", std::string("is required") + how);
      if (!has_key_ref) log.error(key_field, std::string("is required") + how);
    }
    model.provider = string_or_empty(doc, "provider");
    model.model_name = string_or_empty(doc, "model_name");
    if (has_key_ref) model.provider_key_id = resolve_key_reference(doc, log, file_keys);
  }

  if (log.errors_logged() != errors_before) return std::nullopt;

  if (model.kind == "direct") {
    canonical.erase("provider_key");
    canonical["provider_key_id"] = model.provider_key_id;
    if (const json* cost = member(canonical, "cost"); cost && cost->is_object()) {
      model.cost = ModelCost{number_member(*cost, "input_per_1k").value_or(0),
                             number_member(*cost, "output_per_1k").value_or(0)};
    }
  }
  for (const auto& ref : model_references(canonical)) add_unique(model.targets, ref.second);
  model.canonical = std::move(canonical);
  return model;
}

std::vector<std::pair<std::string, std::string>> model_references(const json& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  auto take = [&](const json& object, const char* field, const std::string& path) {
    if (const std::string* name = string_member(object, field)) out.emplace_back(join_path(path, field), *name);
  };
  auto each = [&](const json* list, const std::string& path, const char* field) {
    if (!list || !list->is_array()) return;
    for (std::size_t i = 0; i < list->size(); ++i) take((*list)[i], field, index_path(path, i));
  };
  if (const json* routing = member(doc, "routing")) each(member(*routing, "targets"), "routing.targets", "model");
  if (const json* ensemble = member(doc, "ensemble")) {
    each(member(*ensemble, "panel"), "ensemble.panel", "model");
    if (const json* judge = member(*ensemble, "judge")) take(*judge, "model", "ensemble.judge");
  }
  if (const json* semantic = member(doc, "semantic")) {
    each(member(*semantic, "routes"), "semantic.routes", "target");
    take(*semantic, "default", "semantic");
    take(*semantic, "embedding_model", "semantic");
    if (const json* fallback = member(*semantic, "on_embedding_failure"))
      take(*fallback, "target", "semantic.on_embedding_failure");
  }
  return out;
}

}  // namespace pg::resources_detail
