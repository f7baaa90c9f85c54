// Test support shared by the stream tests: deltas compared across different splits.
#pragma once

#include "core/base/json_util.h"

#include <string>

namespace pg_test {

// Merges adjacent deltas of one kind across pushes, so runs split differently compare equal.
inline pg::json coalesce(const pg::json& deltas) {
  pg::json out = pg::json::array();
  for (const pg::json& d : deltas) {
    if (!out.empty() && d.size() == 1 && out.back().size() == 1 && d.begin().key() == out.back().begin().key()) {
      const std::string key = d.begin().key();
      pg::json& last = out.back()[key];
      if (key == "content" || key == "reasoning") {
        last = last.get<std::string>() + d[key].get<std::string>();
        continue;
      }
      if (key == "toolCalls") {
        for (const auto& fragment : d[key]) last.push_back(fragment);
        continue;
      }
      if (key == "finishReason" || key == "usage") {
        last = d[key];
        continue;
      }
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace pg_test
