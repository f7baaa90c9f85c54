#include "core/resource_checks.h"

#include <cmath>

namespace pg::resources_detail {

void EntryLog::error(std::string field, std::string message) {
  errors_.push_back({entry_, std::move(field), std::move(message)});
  ++errors_logged_;
}

void EntryLog::warning(std::string field, std::string message) {
  warnings_.push_back({entry_, std::move(field), std::move(message)});
}

void EntryLog::refuse(std::string field, std::string message) {
  if (mode_ == Mode::File) error(std::move(field), std::move(message));
  else warning(std::move(field), std::move(message) + "; ignored");
}

const char* describe_type(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "a mapping";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

namespace {

// 0 → "0", 0.5 → "0.5" (dump_json would write 0.0).
std::string format_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return dump_json(d);
}

void wrong_type(EntryLog& log, const std::string& path, const char* expected, const json& value) {
  log.error(path, std::string("must be ") + expected + ", not " + describe_type(value));
}

}  // namespace

bool check_string(EntryLog& log, const std::string& path, const json& value, bool non_empty) {
  if (!value.is_string()) {
    wrong_type(log, path, non_empty ? "a non-empty string" : "a string", value);
    return false;
  }
  if (non_empty && value.get_ref<const std::string&>().empty()) {
    log.error(path, "must not be empty");
    return false;
  }
  return true;
}

bool check_bool(EntryLog& log, const std::string& path, const json& value) {
  if (value.is_boolean()) return true;
  wrong_type(log, path, "true or false", value);
  return false;
}

bool check_int(EntryLog& log, const std::string& path, const json& value, std::int64_t min,
               std::int64_t max) {
  if (!value.is_number_integer()) {
    wrong_type(log, path, "an integer", value);
    return false;
  }
  bool in_range;
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    in_range = max >= 0 && u <= static_cast<std::uint64_t>(max) && (min <= 0 || u >= static_cast<std::uint64_t>(min));
  } else {
    const auto i = value.get<std::int64_t>();
    in_range = i >= min && i <= max;
  }
  if (!in_range) {
    std::string range = "at least " + std::to_string(min);
    if (max != std::numeric_limits<std::int64_t>::max()) range = "between " + std::to_string(min) + " and " + std::to_string(max);
    log.error(path, "must be an integer " + range);
  }
  return in_range;
}

bool check_number(EntryLog& log, const std::string& path, const json& value, double min, double max) {
  if (!value.is_number()) {
    wrong_type(log, path, "a number", value);
    return false;
  }
  const double d = value.get<double>();
  if (std::isnan(d) || d < min || d > max) {
    std::string range = "at least " + format_number(min);
    if (std::isfinite(max)) range = "between " + format_number(min) + " and " + format_number(max);
    log.error(path, "must be a number " + range);
    return false;
  }
  return true;
}

bool check_object(EntryLog& log, const std::string& path, const json& value) {
  if (value.is_object()) return true;
  wrong_type(log, path, "a mapping", value);
  return false;
}

bool check_enum(EntryLog& log, const std::string& path, const json& value,
                std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value.is_string() && value.get_ref<const std::string&>() == a) return true;
    list += list.empty() ? a : std::string(", ") + a;
  }
  // The value is not echoed: after interpolation it could be a secret written in the wrong place.
  if (!value.is_string()) wrong_type(log, path, ("one of " + list).c_str(), value);
  else log.error(path, "must be one of " + list);
  return false;
}

bool check_string_list(EntryLog& log, const std::string& path, const json& value) {
  if (!value.is_array()) {
    wrong_type(log, path, "a list of strings", value);
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) ok = check_string(log, index_path(path, i), value[i], false) && ok;
  return ok;
}

bool check_int_list(EntryLog& log, const std::string& path, const json& value, std::int64_t min,
                    std::int64_t max) {
  if (!value.is_array()) {
    wrong_type(log, path, "a list of integers", value);
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) ok = check_int(log, index_path(path, i), value[i], min, max) && ok;
  return ok;
}

bool check_string_map(EntryLog& log, const std::string& path, const json& value) {
  if (!check_object(log, path, value)) return false;
  bool ok = true;
  for (auto it = value.begin(); it != value.end(); ++it)
    ok = check_string(log, join_path(path, it.key()), it.value(), false) && ok;
  return ok;
}

void check_members(EntryLog& log, const std::string& path, const json& object,
                   const std::vector<FieldRule>& rules, Unknown unknown) {
  if (!object.is_object()) return;
  for (const auto& rule : rules) {
    const json* value = member(object, rule.name);
    if (!value || value->is_null()) {
      if (rule.required) log.error(join_path(path, rule.name), "is required");
      continue;
    }
    if (rule.check) rule.check(log, join_path(path, rule.name), *value);
  }
  if (unknown == Unknown::Ignore) return;
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const auto& rule : rules) known = known || it.key() == rule.name;
    if (known) continue;
    std::string allowed;
    for (const auto& rule : rules) allowed += allowed.empty() ? rule.name : std::string(", ") + rule.name;
    log.refuse(join_path(path, it.key()), "unknown field (allowed here: " + allowed + ")");
  }
}

std::string join_path(const std::string& path, const std::string& member_name) {
  return path.empty() ? member_name : path + "." + member_name;
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace pg::resources_detail
