// A finding: one deviation from the expected shape, found while validating a request or a
// response. The core reports findings instead of throwing; severity decides `ok`.
#pragma once

#include "core/json_util.h"

#include <string>
#include <vector>

namespace pg {

enum class Severity { Error, Warning };

struct Finding {
  Severity severity;
  std::string path;     // JSON-path-like location, e.g. "choices[0].delta.content"
  std::string message;  // one sentence, for people
};

using Findings = std::vector<Finding>;

inline bool has_error(const Findings& findings) {
  for (const auto& f : findings)
    if (f.severity == Severity::Error) return true;
  return false;
}

inline json to_json(const Finding& f) {
  return json{{"severity", f.severity == Severity::Error ? "error" : "warning"},
              {"path", f.path},
              {"message", f.message}};
}

inline json to_json(const Findings& findings) {
  json out = json::array();
  for (const auto& f : findings) out.push_back(to_json(f));
  return out;
}

}  // namespace pg
