#include "core/resources/detail/checks.h"

#include "core/base/date_time.h"
#include "core/base/text.h"

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
  if (mode_ == Mode::File)
    error(std::move(field), std::move(message));
  else
    warning(std::move(field), std::move(message) + "; ignored");
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

bool check_int(EntryLog& log, const std::string& path, const json& value, std::int64_t min, std::int64_t max) {
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
    if (max != std::numeric_limits<std::int64_t>::max())
      range = "between " + std::to_string(min) + " and " + std::to_string(max);
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

bool check_enum(EntryLog& log, const std::string& path, const json& value, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value.is_string() && value.get_ref<const std::string&>() == a) return true;
    list += list.empty() ? a : std::string(", ") + a;
  }
  // The value is not echoed: after interpolation it could be a secret written in the wrong place.
  if (!value.is_string())
    wrong_type(log, path, ("one of " + list).c_str(), value);
  else
    log.error(path, "must be one of " + list);
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

bool check_int_list(EntryLog& log, const std::string& path, const json& value, std::int64_t min, std::int64_t max) {
  if (!value.is_array()) {
    wrong_type(log, path, "a list of integers", value);
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) ok = check_int(log, index_path(path, i), value[i], min, max) && ok;
  return ok;
}

void check_jwt_header_slot(EntryLog& log, const std::string& path, const json& value) {
  if (!check_string(log, path, value, true)) return;
  const std::string& name = value.get_ref<const std::string&>();
  if (!is_http_token(name, true)) return log.error(path, "must be a lower-case HTTP header name");
  static constexpr std::string_view kMessageSlots[] = {"accept",         "accept-encoding",
                                                       "connection",     "content-encoding",
                                                       "content-length", "content-type",
                                                       "expect",         "host",
                                                       "keep-alive",     "te",
                                                       "trailer",        "transfer-encoding",
                                                       "upgrade",        "anthropic-version",
                                                       "last-event-id",  "mcp-protocol-version",
                                                       "mcp-session-id"};
  for (std::string_view slot : kMessageSlots)
    if (name == slot)
      return log.error(path, "cannot carry a caller's token: " + name + " describes the message itself");
  if (starts_with(name, "x-aisix-")) log.error(path, "cannot be one of the gateway's own x-aisix- headers");
}

bool check_string_map(EntryLog& log, const std::string& path, const json& value) {
  if (!check_object(log, path, value)) return false;
  bool ok = true;
  for (auto it = value.begin(); it != value.end(); ++it)
    ok = check_string(log, join_path(path, it.key()), it.value(), false) && ok;
  return ok;
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool check_string_length(EntryLog& log, const std::string& path, const json& value, std::size_t min, std::size_t max) {
  if (!value.is_string()) {
    wrong_type(log, path, min > 0 ? "a non-empty string" : "a string", value);
    return false;
  }
  const std::size_t n = utf8_length(value.get_ref<const std::string&>());
  if (n >= min && n <= max) return true;
  if (n == 0)
    log.error(path, "must not be empty");
  else if (max == std::numeric_limits<std::size_t>::max())
    log.error(path, "must be at least " + std::to_string(min) + " characters long");
  else
    log.error(path, "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long");
  return false;
}

bool check_list(EntryLog& log, const std::string& path, const json& value, ValueCheck each, std::size_t min,
                std::size_t max) {
  if (!value.is_array()) {
    wrong_type(log, path, "a list", value);
    return false;
  }
  const std::size_t errors_before = log.errors_logged();
  if (value.size() < min)
    log.error(path,
              min == 1 ? "must list at least one entry" : "must list at least " + std::to_string(min) + " entries");
  if (value.size() > max) log.error(path, "must list at most " + std::to_string(max) + " entries");
  if (each)
    for (std::size_t i = 0; i < value.size(); ++i) each(log, index_path(path, i), value[i]);
  return log.errors_logged() == errors_before;
}

bool check_strings(EntryLog& log, const std::string& path, const json& value, std::size_t min, std::size_t max,
                   std::size_t item_min) {
  if (!value.is_array()) {
    wrong_type(log, path, "a list of strings", value);
    return false;
  }
  bool ok = true;
  if (value.size() < min) {
    log.error(path,
              min == 1 ? "must list at least one entry" : "must list at least " + std::to_string(min) + " entries");
    ok = false;
  }
  if (value.size() > max) {
    log.error(path, "must list at most " + std::to_string(max) + " entries");
    ok = false;
  }
  for (std::size_t i = 0; i < value.size(); ++i)
    ok = check_string_length(log, index_path(path, i), value[i], item_min) && ok;
  return ok;
}

bool check_date_time(EntryLog& log, const std::string& path, const json& value) {
  if (!check_string(log, path, value, true)) return false;
  const bool ok = read_rfc3339(value.get_ref<const std::string&>()).has_value();
  if (!ok) log.error(path, "must be an RFC 3339 timestamp, e.g. 2026-01-31T12:00:00Z");
  return ok;
}

bool present(const json& object, const char* field) {
  const json* v = member(object, field);
  return v && !v->is_null();
}

void check_members(EntryLog& log, const std::string& path, const json& object, const std::vector<FieldRule>& rules,
                   Unknown unknown) {
  if (!object.is_object()) return;
  for (const auto& rule : rules) {
    const json* value = member(object, rule.name);
    if (!value || (value->is_null() && rule.nullable)) {
      if (rule.required) log.error(join_path(path, rule.name), "is required");
      continue;
    }
    if (value->is_null() && rule.required && !rule.check) {
      log.error(join_path(path, rule.name), "is required (null is not a value here)");
      continue;
    }
    if (rule.check) rule.check(log, join_path(path, rule.name), *value);
  }
  if (unknown == Unknown::Open && log.mode() == Mode::File) return;
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const auto& rule : rules) known = known || it.key() == rule.name;
    if (known) continue;
    if (unknown == Unknown::Open) {
      log.warning(join_path(path, it.key()), "unknown field; ignored");
      continue;
    }
    std::string allowed;
    for (const auto& rule : rules) allowed += allowed.empty() ? rule.name : std::string(", ") + rule.name;
    log.refuse(join_path(path, it.key()), "unknown field (allowed here: " + excerpt(allowed, 600) + ")");
  }
}

bool check_fields(EntryLog& log, const std::string& path, const json& value, const std::vector<FieldRule>& rules,
                  Unknown unknown) {
  if (!check_object(log, path, value)) return false;
  const std::size_t before = log.errors_logged();
  check_members(log, path, value, rules, unknown);
  return log.errors_logged() == before;
}

}  // namespace pg::resources_detail
