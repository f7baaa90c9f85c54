// Internal to the resources reader: where one entry's problems are collected, and the value
// checks its field tables are made of. Strictness differs by source, as in the gateway: the
// resources file rejects unknown fields of its closed objects (the strict schemas), etcd rows
// ignore and report every field the gateway does not know (the lenient schemas: types, ranges,
// required fields and enums still hold).
#pragma once

#include "core/base/json_path.h"
#include "core/base/json_util.h"
#include "core/resources/resources.h"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace pg::resources_detail {

enum class Mode { File, Etcd };

class EntryLog {
 public:
  EntryLog(Mode mode, std::string entry, std::vector<ResourceError>& errors, std::vector<ResourceError>& warnings)
      : mode_(mode), entry_(std::move(entry)), errors_(errors), warnings_(warnings) {}

  Mode mode() const { return mode_; }
  void error(std::string field, std::string message);
  void warning(std::string field, std::string message);
  // A field the strict file schema rejects: an error in a file, reported and ignored on etcd.
  void refuse(std::string field, std::string message);
  std::size_t errors_logged() const { return errors_logged_; }

 private:
  Mode mode_;
  std::string entry_;
  std::vector<ResourceError>& errors_;
  std::vector<ResourceError>& warnings_;
  std::size_t errors_logged_ = 0;
};

// "a string", "a number", … for messages. Never the value itself: it may be a secret.
const char* describe_type(const json& value);

// Each check reports one error at `path` and returns false when `value` does not fit.
bool check_string(EntryLog& log, const std::string& path, const json& value, bool non_empty);
bool check_bool(EntryLog& log, const std::string& path, const json& value);
bool check_int(EntryLog& log, const std::string& path, const json& value, std::int64_t min,
               std::int64_t max = std::numeric_limits<std::int64_t>::max());
bool check_number(EntryLog& log, const std::string& path, const json& value, double min,
                  double max = std::numeric_limits<double>::infinity());
bool check_object(EntryLog& log, const std::string& path, const json& value);
bool check_enum(EntryLog& log, const std::string& path, const json& value, std::initializer_list<const char*> allowed);
bool check_string_list(EntryLog& log, const std::string& path, const json& value);
bool check_int_list(EntryLog& log, const std::string& path, const json& value, std::int64_t min, std::int64_t max);
bool check_string_map(EntryLog& log, const std::string& path, const json& value);
// A string of `min`..`max` characters (UTF-8 code points, as JSON Schema counts them).
bool check_string_length(EntryLog& log, const std::string& path, const json& value, std::size_t min,
                         std::size_t max = std::numeric_limits<std::size_t>::max());
// A list of `min`..`max` strings, each at least `item_min` characters long.
bool check_strings(EntryLog& log, const std::string& path, const json& value, std::size_t min, std::size_t max,
                   std::size_t item_min);
// A list (`min`..`max` items) whose items `each` checks.
// `forward_jwt_header` (a provider key's request block, a passthrough route, an MCP server):
// the header a verified caller JWT is relayed in. A lower-case header name that is not a
// slot describing the message (framing, body, connection, a protocol's own header) nor the
// gateway's x-aisix- namespace, as the gateway's schema and its runtime check require.
void check_jwt_header_slot(EntryLog& log, const std::string& path, const json& value);

using ValueCheck = void (*)(EntryLog& log, const std::string& path, const json& value);
bool check_list(EntryLog& log, const std::string& path, const json& value, ValueCheck each, std::size_t min = 0,
                std::size_t max = std::numeric_limits<std::size_t>::max());
std::size_t utf8_length(const std::string& s);
// An RFC 3339 timestamp (the schemas' format "date-time"), e.g. 2026-01-31T12:00:00Z.
bool check_date_time(EntryLog& log, const std::string& path, const json& value);

// A table of an object's documented members. A member given null counts as absent only when
// the schema allows null there (`nullable`); elsewhere null is a wrong type, as in the gateway.
struct FieldRule {
  const char* name;
  ValueCheck check;  // nullptr: any value
  bool required = false;
  bool nullable = false;
};
// Closed objects (additionalProperties: false) refuse unknown members in the file; open ones
// accept them there. Either way etcd rows report them, as the gateway's loader does.
enum class Unknown { Refuse, Open };

void check_members(EntryLog& log, const std::string& path, const json& object, const std::vector<FieldRule>& rules,
                   Unknown unknown);
// check_object + check_members.
bool check_fields(EntryLog& log, const std::string& path, const json& value, const std::vector<FieldRule>& rules,
                  Unknown unknown = Unknown::Refuse);
// True when `object` has `field` with a non-null value.
bool present(const json& object, const char* field);

// Paths: core/base/json_path.h's join_path and index_path.

}  // namespace pg::resources_detail
