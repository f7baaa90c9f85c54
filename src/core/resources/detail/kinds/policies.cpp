// Rate-limit policies (the gateway's rate_limit_policy schema and its condition rules): either
// the legacy form (scope, scope_ref, window and a max) or the conditional form (limits, with
// optional conditions and group_by), never a mix. In a file, `scope_ref` and the `api_key` /
// `model` condition values are names, rewritten to derived ids — an unknown name fails the file.
// Condition trees obey the gateway's caps: depth 3, 16 leaves, 64 values per list, operators
// each dimension admits, regexes of at most 256 bytes.
#include "core/base/text.h"
#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

namespace {

constexpr std::size_t kMaxDepth = 3, kMaxLeaves = 16, kMaxValues = 64, kMaxRegex = 256;

bool is_identity(const std::string& dimension) {
  return dimension == "team" || dimension == "member" || dimension == "api_key" || dimension == "model";
}

// A plausibility check of a regex (balanced groups and classes, no dangling escape). The
// gateway compiles it with Rust's regex crate, which this cannot reproduce exactly.
bool plausible_regex(const std::string& re) {
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '\\') {
      if (++i == re.size()) return false;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[')
      in_class = true;
    else if (c == '(')
      ++depth;
    else if (c == ')' && --depth < 0)
      return false;
  }
  return depth == 0 && !in_class;
}

struct Tree {
  EntryLog& log;
  std::size_t leaves = 0;
};

void check_leaf(Tree& t, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"dimension",
       [](EntryLog& l, const std::string& p2, const json& v2) {
         check_enum(l, p2, v2, {"team", "member", "api_key", "model", "model_name", "provider"});
       },
       true},
      {"negate", boolean},
      {"operator",
       [](EntryLog& l, const std::string& p2, const json& v2) {
         check_enum(l, p2, v2, {"==", "~=", "~~", "~*", "in", "has", ">", ">=", "<", "<=", "ipmatch"});
       },
       true},
      {"value",
       [](EntryLog& l, const std::string& p2, const json& v2) {
         if (!v2.is_string()) check_string_list(l, p2, v2);
       },
       true},
  };
  if (!check_fields(t.log, p, v, rules)) return;
  const std::string& dimension = *string_member(v, "dimension");
  const std::string& op = *string_member(v, "operator");
  const json& value = *member(v, "value");
  const std::string where = "condition on `" + dimension + "`: ";
  if (op == "has" || op == ">" || op == ">=" || op == "<" || op == "<=" || op == "ipmatch" ||
      ((op == "~~" || op == "~*") && is_identity(dimension))) {
    t.log.error(join_path(p, "operator"), where + "operator `" + op + "` is not supported on this dimension");
    return;
  }
  if (op == "in") {
    if (!value.is_array()) return t.log.error(join_path(p, "value"), where + "operator `in` takes a list value");
    if (value.empty() || value.size() > kMaxValues)
      return t.log.error(join_path(p, "value"), where + "`in` list must carry 1..=64 values");
    for (const auto& item : value)
      if (item.get_ref<const std::string&>().empty())
        return t.log.error(join_path(p, "value"), where + "`in` list values must be non-empty");
    return;
  }
  if (!value.is_string())
    return t.log.error(join_path(p, "value"), where + "operator `" + op + "` takes a single string value");
  const std::string& s = value.get_ref<const std::string&>();
  if (s.empty()) return t.log.error(join_path(p, "value"), where + "value must be non-empty");
  if (op == "~~" || op == "~*") {
    if (s.size() > kMaxRegex) return t.log.error(join_path(p, "value"), where + "regex pattern exceeds 256 bytes");
    if (!plausible_regex(s)) t.log.error(join_path(p, "value"), where + "the regex pattern does not compile");
  }
}

void check_nodes(Tree& t, const std::string& p, const json& nodes, std::size_t depth);

void check_node(Tree& t, const std::string& p, const json& v, std::size_t depth) {
  if (depth > kMaxDepth) return t.log.error(p, "conditions nest deeper than 3 levels");
  if (!check_object(t.log, p, v)) return;
  if (!member(v, "logic") && !member(v, "children")) {
    ++t.leaves;
    return check_leaf(t, p, v);
  }
  static const std::vector<FieldRule> rules = {
      {"children", nullptr, true},
      {"logic",
       [](EntryLog& l, const std::string& p2, const json& v2) {
         check_enum(l, p2, v2, {"and", "or"});
       },
       true},
      {"negate", boolean},
  };
  if (!check_fields(t.log, p, v, rules)) return;
  const json& children = *member(v, "children");
  if (children.is_array() && children.empty())
    return t.log.error(join_path(p, "children"), "condition group has no children");
  check_nodes(t, join_path(p, "children"), children, depth + 1);
}

void check_nodes(Tree& t, const std::string& p, const json& nodes, std::size_t depth) {
  if (!nodes.is_array()) return t.log.error(p, std::string("must be a list, not ") + describe_type(nodes));
  for (std::size_t i = 0; i < nodes.size(); ++i) check_node(t, index_path(p, i), nodes[i], depth);
}

// `conditions` leaves on api_key / model name file entries; they become derived ids.
bool desugar_conditions(json& nodes, const FileSugar& file, EntryLog& log, const std::string& p, std::size_t depth) {
  if (depth > 8 || !nodes.is_array()) return true;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    json& node = nodes[i];
    if (!node.is_object()) continue;
    if (json* children = node.contains("children") ? &node["children"] : nullptr) {
      if (!desugar_conditions(*children, file, log, join_path(index_path(p, i), "children"), depth + 1)) return false;
      continue;
    }
    const std::string* dimension = string_member(node, "dimension");
    if (!dimension || (*dimension != "api_key" && *dimension != "model") || !node.contains("value")) continue;
    const char* kind = *dimension == "api_key" ? "api_keys" : "models";
    const char* label = *dimension == "api_key" ? "api key" : "model";
    const std::string path = join_path(index_path(p, i), "value");
    json& value = node["value"];
    auto resolve = [&](json& name) {
      if (!name.is_string()) return true;
      auto id = resolve_name(file, kind, label, name.get<std::string>(), path, log);
      if (id) name = *id;
      return id.has_value();
    };
    if (value.is_array()) {
      for (auto& item : value)
        if (!resolve(item)) return false;
    } else if (!resolve(value)) {
      return false;
    }
  }
  return true;
}

void schedule(EntryLog& l, const std::string& p, const json& v) {
  auto hhmm = [](const std::string& s, bool end) {
    if (end && s == "24:00") return true;
    return s.size() == 5 && s[2] == ':' && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[3]) && is_digit(s[4]) &&
           std::stoi(s.substr(0, 2)) <= 23 && s[3] <= '5';
  };
  static const std::vector<FieldRule> rules = {
      {"dates",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         if (!check_strings(l2, p2, v2, 1, std::numeric_limits<std::size_t>::max(), 0)) return;
         for (std::size_t i = 0; i < v2.size(); ++i) {
           const std::string& d = v2[i].get_ref<const std::string&>();
           const bool ok =
               d.size() == 10 && d[4] == '-' && d[7] == '-' && d.find_first_not_of("0123456789-") == std::string::npos;
           if (!ok) l2.error(index_path(p2, i), "must be a date YYYY-MM-DD");
         }
       }},
      {"days_of_week",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_list(
             l2, p2, v2,
             [](EntryLog& l3, const std::string& p3, const json& v3) {
               check_enum(l3, p3, v3, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
             },
             1);
       }},
      {"end_time", non_empty_string, true},
      {"start_time", non_empty_string, true},
      {"timezone", non_empty_string, true},
  };
  if (!check_fields(l, p, v, rules)) return;
  if (!hhmm(*string_member(v, "start_time"), false)) l.error(join_path(p, "start_time"), "must be HH:MM (00:00–23:59)");
  if (!hhmm(*string_member(v, "end_time"), true)) l.error(join_path(p, "end_time"), "must be HH:MM (00:00–24:00)");
  if (member(v, "days_of_week") == nullptr && member(v, "dates") == nullptr)
    l.error(join_path(p, "days_of_week"), "is required, or `dates` (exactly one selects the days)");
  if (member(v, "days_of_week") != nullptr && member(v, "dates") != nullptr)
    l.error(join_path(p, "dates"), "and `days_of_week` are both set: exactly one selects the days");
}

}  // namespace

bool check_rate_limit_policy(json& doc, EntryLog& log, const FileSugar* file) {
  if (!check_object(log, "", doc)) return false;
  if (file) {
    if (json* conditions = doc.contains("conditions") ? &doc["conditions"] : nullptr)
      if (!desugar_conditions(*conditions, *file, log, "conditions", 0)) return false;
    const std::string* scope = string_member(doc, "scope");
    const std::string* ref = string_member(doc, "scope_ref");
    if (scope && ref && (*scope == "api_key" || *scope == "model")) {
      auto id = resolve_name(*file, *scope == "api_key" ? "api_keys" : "models",
                             *scope == "api_key" ? "api key" : "model", *ref, "scope_ref", log);
      if (!id) return false;
      doc["scope_ref"] = *id;
    }
  }
  static const std::vector<FieldRule> limit_rules = {
      {"rps", non_negative_int}, {"rpm", non_negative_int}, {"rph", non_negative_int},        {"rpd", non_negative_int},
      {"tpm", non_negative_int}, {"tpd", non_negative_int}, {"concurrency", non_negative_int}};
  static const std::vector<FieldRule> rules = {
      {"action", [](EntryLog& l, const std::string& p, const json& v) { check_enum(l, p, v, {"reject"}); }},
      {"conditions", nullptr},
      {"group_by",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_list(l, p, v, [](EntryLog& l2, const std::string& p2, const json& v2) {
           check_enum(l2, p2, v2, {"team", "member", "api_key", "model", "provider"});
         });
       }},
      {"limits", [](EntryLog& l, const std::string& p, const json& v) { check_fields(l, p, v, limit_rules); }},
      {"max_requests", positive_int},
      {"max_tokens", positive_int},
      {"name", non_empty_string, true},
      {"schedules", [](EntryLog& l, const std::string& p, const json& v) { check_list(l, p, v, schedule); }},
      {"scope",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"api_key", "model", "team", "member", "team_member"});
       }},
      {"scope_ref", non_empty_string},
      {"window",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"second", "minute", "hour", "day"});
       }},
  };
  if (!check_fields(log, "", doc, rules)) return false;
  const std::size_t before = log.errors_logged();
  // One form or the other (the schema's oneOf).
  const bool conditional = member(doc, "limits") != nullptr;
  if (conditional) {
    for (const char* field : {"scope", "scope_ref", "window", "max_requests", "max_tokens"})
      if (member(doc, field))
        log.error(field, "belongs to the legacy form; a policy with `limits` uses conditions instead");
  } else {
    for (const char* field : {"conditions", "group_by", "action"})
      if (member(doc, field)) log.error(field, "belongs to the conditional form, which needs `limits`");
    for (const char* field : {"scope", "scope_ref", "window"})
      if (!member(doc, field)) log.error(field, "is required (or write the conditional form, with `limits`)");
    if (!member(doc, "max_requests") && !member(doc, "max_tokens"))
      log.error("max_requests", "is required, or max_tokens: a policy caps at least one");
  }
  if (const json* conditions = member(doc, "conditions")) {
    Tree tree{log};
    check_nodes(tree, "conditions", *conditions, 1);
    if (tree.leaves > kMaxLeaves)
      log.error("conditions", "conditions carry " + std::to_string(tree.leaves) + " leaves; the maximum is 16");
  }
  return log.errors_logged() == before;
}

}  // namespace pg::resources_detail
