// Models (docs/gateway-parity.md, "Loading"; the newest schema read adds `effort_mapping`,
// `pricing_key` and `model_id`-style references): exactly one shape — direct, routing,
// ensemble or semantic — each forbidding the fields that belong to the others.
#include "core/resources/detail/kinds/entries.h"

#include "core/resources/detail/kinds/model_blocks.h"

namespace pg::resources_detail {

namespace {

void pricing_key(EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 1, 255); }

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
    l.error(p,
            "must be 1–64 characters of lowercase letters, digits, '.', '_' or '-', starting with a "
            "letter or digit (e.g. openai, deepseek, azure)");
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
      {"retries", uint32},
      {"rate_limit", rate_limit_block},
      {"allowed_cidrs", cidr_list},
      {"cost", cost_block},
      {"pricing_key", pricing_key},
      {"embedding", embedding_block},
      {"effort_mapping", effort_mapping_block},
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

bool has(const json& doc, const char* field) { return member(doc, field) != nullptr; }

// Fields of the direct shape a multi-target model may not carry (the schema's oneOf). The
// first ones ("dead knobs") etcd strips and reports instead of refusing the row.
struct Forbidden {
  std::vector<const char*> dead_knobs;
  std::vector<const char*> others;
};
Forbidden forbidden_fields(const std::string& kind) {
  if (kind == "routing")
    return {{"retries", "cost", "auto_prompt_caching"},
            {"background_model_check", "cooldown", "embedding", "pricing_key", "effort_mapping"}};
  if (kind == "ensemble")
    return {{"timeout", "stream_timeout", "retries", "cost", "auto_prompt_caching"},
            {"background_model_check", "cooldown", "embedding", "pricing_key", "effort_mapping"}};
  return {{"cost", "auto_prompt_caching"},
          {"background_model_check", "cooldown", "embedding", "pricing_key", "effort_mapping"}};
}

std::string forbidden_reason(const std::string& field, const std::string& kind) {
  const std::string a = kind == "ensemble" ? "an " : "a ";
  if (field == "cost")
    return "is not allowed on " + a + kind + " model: it has no price of its own, each target's cost applies";
  if (field == "retries" && kind == "routing") return "is not allowed on a routing model: set routing.retries instead";
  if (field == "cooldown" || field == "background_model_check")
    return "is not allowed on " + a + kind + " model: it belongs to a direct model (set it on each target)";
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
                         : "defined provider_keys: " + excerpt(names, 400);
  };
  if (has(doc, "provider_key")) {
    if (has(doc, "provider_key_id")) {
      log.error("provider_key",
                "`provider_key` (a name reference) and `provider_key_id` are mutually exclusive: set exactly one");
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
              "does not match any provider key defined in this file (ids are derived from display_name); "
              "reference it by name with `provider_key` instead");
    return "";
  }
  return "";
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (n == name) return;
  names.push_back(name);
}

constexpr const char* kShapes =
    "schema validation failed: a model is either direct (provider, model_name and provider_key) or has one "
    "routing, ensemble or semantic block";

}  // namespace

std::optional<Model> read_model(const json& doc, EntryLog& log, const KeyIdsByName* file_keys) {
  if (!doc.is_object()) {
    log.error("", std::string("a model must be a mapping, not ") + describe_type(doc));
    return std::nullopt;
  }
  // A pricing document is the control plane's; a file cannot declare one to point at.
  if (file_keys && has(doc, "pricing_key")) {
    log.error("pricing_key",
              "the resources file does not accept `pricing_key`: it names a pricing document written "
              "by the control plane, which a file cannot declare; set the price inline with `cost`");
    return std::nullopt;
  }
  const std::size_t errors_before = log.errors_logged();
  const auto rules = model_rules(file_keys != nullptr);
  check_members(log, "", doc, rules, Unknown::Refuse);
  json canonical = known_members_only(doc, rules);

  std::vector<std::string> multi;
  for (const char* kind : {"routing", "ensemble", "semantic"})
    if (has(doc, kind)) multi.push_back(kind);
  const char* key_field = file_keys ? "provider_key" : "provider_key_id";
  const bool has_key_ref = has(doc, "provider_key_id") || (file_keys && has(doc, "provider_key"));

  Model model;
  model.display_name = string_or_empty(doc, "display_name");
  if (multi.size() > 1)
    log.error(multi[1],
              "a model is exactly one kind, but this one sets both `" + multi[0] + "` and `" + multi[1] + "`");
  if (!multi.empty()) {
    model.kind = multi[0];
    for (const char* field : {"provider", "model_name", "provider_key", "provider_key_id"})
      if (has(doc, field) && (file_keys || std::string(field) != "provider_key"))
        log.error(field, "belongs to a direct model; a " + model.kind + " model names its target models instead");
    const Forbidden forbidden = forbidden_fields(model.kind);
    for (const char* field : forbidden.dead_knobs) {
      if (!has(doc, field)) continue;
      log.refuse(field, forbidden_reason(field, model.kind));
      canonical.erase(field);
    }
    for (const char* field : forbidden.others)
      if (has(doc, field)) log.error(field, forbidden_reason(field, model.kind));
  } else {
    model.kind = "direct";
    if (!has(doc, "provider") && !has(doc, "model_name") && !has_key_ref) {
      log.error("", "is neither a direct model (provider, model_name and " + std::string(key_field) +
                        ") nor a routing, ensemble or semantic model (" + kShapes + ")");
    } else {
      const std::string how = std::string(" for a direct model (") + kShapes + ")";
      if (!has(doc, "provider")) log.error("provider", "is required" + how);
      if (!has(doc, "model_name")) log.error("model_name", "is required" + how);
      if (!has_key_ref) log.error(key_field, "is required" + how);
    }
    if (has(doc, "embedding") && has(doc, "effort_mapping"))
      log.error("effort_mapping",
                "is not allowed on an embedding model (a model sets `embedding` or `effort_mapping`, "
                "not both)");
    model.provider = string_or_empty(doc, "provider");
    model.model_name = string_or_empty(doc, "model_name");
    if (has_key_ref) model.provider_key_id = resolve_key_reference(doc, log, file_keys);
  }

  // The semantic router's classifier names its provider key the way a model does.
  if (file_keys && model.kind == "semantic") {
    const json* semantic = member(doc, "semantic");
    const json* classifier = semantic ? member(*semantic, "classifier") : nullptr;
    if (classifier && classifier->is_object() && has(*classifier, "provider_key")) {
      const std::string* name = string_member(*classifier, "provider_key");
      if (has(*classifier, "provider_key_id"))
        log.error("semantic.classifier.provider_key",
                  "`semantic.classifier.provider_key` (a name reference) and `semantic.classifier.provider_key_id` "
                  "are mutually exclusive: set exactly one");
      else if (!name)
        log.error("semantic.classifier.provider_key", "must be a string (a provider key display_name)");
      else if (const auto found = file_keys->find(*name); found == file_keys->end())
        log.error("semantic.classifier.provider_key", "references unknown provider key \"" + excerpt(*name, 80) + "\"");
      else {
        json& c = canonical["semantic"]["classifier"];
        c.erase("provider_key");
        c["provider_key_id"] = found->second;
      }
    }
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
  for (const auto& ref : model_references(canonical))
    if (ref.first.size() < 3 || ref.first.compare(ref.first.size() - 3, 3, "_id") != 0)
      add_unique(model.targets, ref.second);
  model.canonical = std::move(canonical);
  return model;
}

std::vector<std::pair<std::string, std::string>> model_references(const json& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  // A reference by name (`model`); by id (`model_id`) only when no name is given, as the
  // gateway reads them (the field path then ends in "_id").
  auto take = [&](const json& object, const char* field, const char* id_field, const std::string& path) {
    if (const std::string* name = string_member(object, field))
      out.emplace_back(join_path(path, field), *name);
    else if (const std::string* id = string_member(object, id_field))
      out.emplace_back(join_path(path, id_field), *id);
  };
  auto each = [&](const json* list, const std::string& path, const char* field, const char* id_field) {
    if (!list || !list->is_array()) return;
    for (std::size_t i = 0; i < list->size(); ++i) take((*list)[i], field, id_field, index_path(path, i));
  };
  if (const json* routing = member(doc, "routing"))
    each(member(*routing, "targets"), "routing.targets", "model", "model_id");
  if (const json* ensemble = member(doc, "ensemble")) {
    each(member(*ensemble, "panel"), "ensemble.panel", "model", "model_id");
    if (const json* judge = member(*ensemble, "judge")) take(*judge, "model", "model_id", "ensemble.judge");
  }
  if (const json* semantic = member(doc, "semantic")) {
    each(member(*semantic, "routes"), "semantic.routes", "target", "target_id");
    take(*semantic, "default", "default_id", "semantic");
    take(*semantic, "embedding_model", "embedding_model_id", "semantic");
    if (const json* fallback = member(*semantic, "on_embedding_failure"))
      take(*fallback, "target", "target_id", "semantic.on_embedding_failure");
  }
  return out;
}

}  // namespace pg::resources_detail
